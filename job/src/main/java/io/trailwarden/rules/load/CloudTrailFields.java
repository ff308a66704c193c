package io.trailwarden.rules.load;

import io.trailwarden.rules.model.EmbeddedJson;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The shape of a CloudTrail record (record version 1.08-1.11), used to reject rules that name a field
 * CloudTrail never writes: a misspelt path would otherwise silently never match. Service-specific
 * sections ({@code requestParameters}, {@code responseElements}, ...) differ per API call, so any path
 * below them is accepted.
 */
public final class CloudTrailFields {
    private static final Object LEAF = "leaf";
    private static final Object OPEN = "open";
    private static final Map<String, Object> RECORD = new HashMap<>();

    static {
        for (String leaf : new String[] {
            "eventVersion", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress",
            "userAgent", "errorCode", "errorMessage", "requestID", "eventID", "eventType", "apiVersion",
            "managementEvent", "readOnly", "recipientAccountId", "sharedEventID", "vpcEndpointId",
            "vpcEndpointAccountId", "eventCategory", "sessionCredentialFromConsole"}) {
            RECORD.put(leaf, LEAF);
        }
        for (String open : new String[] {
            "requestParameters", "responseElements", "additionalEventData", "serviceEventDetails",
            "resources", "edgeDeviceDetails", "addendum", "insightDetails"}) {
            RECORD.put(open, OPEN);
        }
        Map<String, Object> tls = new HashMap<>();
        tls.put("tlsVersion", LEAF);
        tls.put("cipherSuite", LEAF);
        tls.put("clientProvidedHostHeader", LEAF);
        tls.put("keyExchange", LEAF);
        RECORD.put("tlsDetails", tls);

        Map<String, Object> issuer = new HashMap<>();
        for (String leaf : new String[] {"type", "principalId", "arn", "accountId", "userName"}) {
            issuer.put(leaf, LEAF);
        }
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("creationDate", LEAF);
        attributes.put("mfaAuthenticated", LEAF);
        Map<String, Object> session = new HashMap<>();
        session.put("sessionIssuer", issuer);
        session.put("attributes", attributes);
        session.put("webIdFederationData", OPEN);
        session.put("sourceIdentity", LEAF);
        session.put("ec2RoleDelivery", LEAF);
        session.put("ec2IssuedInVPC", LEAF);
        session.put("assumedRoot", LEAF);

        Map<String, Object> identity = new HashMap<>();
        for (String leaf : new String[] {
            "type", "principalId", "arn", "accountId", "accessKeyId", "userName", "invokedBy",
            "sourceIdentity", "credentialId", "identityProvider"}) {
            identity.put(leaf, LEAF);
        }
        identity.put("sessionContext", session);
        identity.put("onBehalfOf", OPEN);
        identity.put("inScopeOf", OPEN);
        RECORD.put("userIdentity", identity);
    }

    private CloudTrailFields() {}

    /** Suffixes of field names that hold one string in every API that uses them. */
    private static final String[] STRING_SUFFIXES = {"Name", "Arn", "ARN", "Id"};

    private static String stringFieldProblem(String[] parts, int from) {
        for (int i = from; i < parts.length - 1; i++) {
            String part = parts[i];
            if (EmbeddedJson.isDeclared(part)) {
                return null;
            }
            for (String suffix : STRING_SUFFIXES) {
                if (part.endsWith(suffix) && part.length() > suffix.length()) {
                    return "'" + String.join(".", Arrays.copyOfRange(parts, 0, i + 1)) + "' holds a string (a name,"
                            + " ARN or id), so '" + parts[i + 1] + "' below it can never match; paths may enter only"
                            + " the JSON documents CloudTrail writes as strings (policies, see rules/README.md)";
                }
            }
        }
        return null;
    }

    /** True when the path names a part of the record that is an object in every record (not a value). */
    public static boolean isObject(String dottedPath) {
        Object node = RECORD;
        for (String part : dottedPath.split("\\.")) {
            if (!(node instanceof Map)) {
                return false;
            }
            node = ((Map<?, ?>) node).get(part);
        }
        return node instanceof Map || OBJECT_SECTIONS.contains(dottedPath);
    }

    private static final Set<String> OBJECT_SECTIONS = Set.of("requestParameters", "responseElements",
            "additionalEventData", "serviceEventDetails", "edgeDeviceDetails", "addendum", "insightDetails");

    /** Null when the text is a dotted path at all (any field names, list indexes as parts), else why not. */
    public static String syntaxProblem(String dottedPath) {
        if (dottedPath == null || dottedPath.isEmpty() || dottedPath.startsWith(".") || dottedPath.endsWith(".")
                || dottedPath.contains("..")) {
            return "'" + dottedPath + "' is not a dotted field path";
        }
        int bracket = dottedPath.indexOf('[');
        if (bracket >= 0) {
            return "'" + dottedPath + "': list elements are addressed with a dot and the index"
                    + " (resources.1.ARN, counted from 0), or without an index for any element (resources.ARN)";
        }
        return null;
    }

    /**
     * Null when the dotted path can occur in a CloudTrail record, else why it cannot. Below the
     * service-specific sections, a path may not continue below a field that holds a name, an ARN or an
     * id (a string), unless the field is one of the JSON documents CloudTrail writes as a string
     * ({@link EmbeddedJson}), which paths may enter.
     */
    @SuppressWarnings("unchecked")
    public static String problemWith(String dottedPath) {
        String syntax = syntaxProblem(dottedPath);
        if (syntax != null) {
            return syntax;
        }
        String[] parts = dottedPath.split("\\.");
        Object node = RECORD;
        StringBuilder walked = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (node == OPEN) {
                return stringFieldProblem(parts, i);
            }
            if (node == LEAF) {
                return "'" + walked + "' is a value in CloudTrail records and has no field '" + part + "'";
            }
            Map<String, Object> fields = (Map<String, Object>) node;
            Object next = fields.get(part);
            if (next == null) {
                String suggestion = Suggestions.didYouMean(part, fields.keySet());
                return "unknown CloudTrail field '" + (walked.length() == 0 ? part : walked + "." + part) + "'"
                        + (suggestion.isEmpty() ? " (known here: " + String.join(", ", new TreeSet<>(fields.keySet()))
                                + ")" : suggestion);
            }
            if (walked.length() > 0) {
                walked.append('.');
            }
            walked.append(part);
            node = next;
        }
        return null;
    }
}
