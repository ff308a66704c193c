package io.trailwarden.rules.load;

import java.util.HashMap;
import java.util.Map;

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

    /** Null when the dotted path can occur in a CloudTrail record, else why it cannot. */
    @SuppressWarnings("unchecked")
    public static String problemWith(String dottedPath) {
        if (dottedPath == null || dottedPath.isEmpty() || dottedPath.startsWith(".") || dottedPath.endsWith(".")
                || dottedPath.contains("..")) {
            return "'" + dottedPath + "' is not a dotted field path";
        }
        String[] parts = dottedPath.split("\\.");
        Object node = RECORD;
        StringBuilder walked = new StringBuilder();
        for (String part : parts) {
            if (node == OPEN) {
                return null;
            }
            if (node == LEAF) {
                return "'" + walked + "' is a value in CloudTrail records and has no field '" + part + "'";
            }
            Map<String, Object> fields = (Map<String, Object>) node;
            Object next = fields.get(part);
            if (next == null) {
                return "unknown CloudTrail field '" + (walked.length() == 0 ? part : walked + "." + part)
                        + "' (known here: " + String.join(", ", new java.util.TreeSet<>(fields.keySet())) + ")";
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
