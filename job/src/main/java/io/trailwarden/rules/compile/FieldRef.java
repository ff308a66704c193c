package io.trailwarden.rules.compile;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.IdentityType;
import io.trailwarden.rules.model.EmbeddedJson;
import io.trailwarden.rules.model.IamNames;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled dotted path. Strings the parser already copied into typed fields are read from there, so
 * the common conditions (eventName, eventSource, errorCode, and the identity paths rules without an
 * eventName test on every event: userIdentity.arn, sessionContext.ec2RoleDelivery,
 * sessionCredentialFromConsole, ...) never touch the JSON tree; other paths walk the tree. A typed
 * field stands for a path only where it holds the record's own text, never a normalised value
 * (userIdentity.userName is not one), and an event that cannot vouch for that
 * ({@link CloudTrailEvent#identityAsWritten}) is read from its tree. A path that crosses an array without an index applies to every element
 * ({@code requestParameters.eventSelectors.includeManagementEvents}), and a condition holds when any
 * reached value satisfies it. A path continues into the JSON documents CloudTrail writes as strings
 * ({@link EmbeddedJson}), parsed once per event. A relative path starts at a list element an
 * enclosing {@code anyElement} hands it, never at a typed field.
 */
public final class FieldRef implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Typed fields whose value is exactly the record's text. */
    private enum Typed {
        EVENT_NAME,
        EVENT_SOURCE,
        EVENT_TYPE,
        AWS_REGION,
        SOURCE_IP,
        USER_AGENT,
        ERROR_CODE,
        ERROR_MESSAGE,
        RECIPIENT_ACCOUNT,
        /** The parser's normalised type; only a type it does not know needs the record itself. */
        IDENTITY_TYPE,
        // As written only when the event says so (identityAsWritten); otherwise the record is read.
        ARN,
        ACCOUNT_ID,
        PRINCIPAL_ID,
        ACCESS_KEY_ID,
        INVOKED_BY,
        SESSION_ISSUER_ARN,
        SESSION_ISSUER_NAME,
        EC2_ROLE_DELIVERY,
        SESSION_CREDENTIAL_FROM_CONSOLE;

        boolean isIdentity() {
            return compareTo(ARN) >= 0;
        }
    }

    /** Receives each scalar value a path reaches; returns true to stop early. */
    public interface Visitor {
        boolean visit(String value, CloudTrailEvent event);
    }

    /** Receives each node (list element, or the node itself when it is no list) a path reaches. */
    public interface NodeVisitor {
        boolean visit(JsonNode node);
    }

    public final String path;
    private final String[] parts;
    private final Typed typed;
    private final boolean relative;

    public FieldRef(String path) {
        this(path, false);
    }

    public FieldRef(String path, boolean relative) {
        this.path = path;
        this.parts = path.split("\\.");
        this.relative = relative;
        this.typed = relative ? null : typedFor(path);
    }

    private static Typed typedFor(String path) {
        switch (path) {
            case "eventName":
                return Typed.EVENT_NAME;
            case "eventSource":
                return Typed.EVENT_SOURCE;
            case "eventType":
                return Typed.EVENT_TYPE;
            case "awsRegion":
                return Typed.AWS_REGION;
            case "sourceIPAddress":
                return Typed.SOURCE_IP;
            case "userAgent":
                return Typed.USER_AGENT;
            case "errorCode":
                return Typed.ERROR_CODE;
            case "errorMessage":
                return Typed.ERROR_MESSAGE;
            case "recipientAccountId":
                return Typed.RECIPIENT_ACCOUNT;
            case "userIdentity.type":
                return Typed.IDENTITY_TYPE;
            case "userIdentity.arn":
                return Typed.ARN;
            case "userIdentity.accountId":
                return Typed.ACCOUNT_ID;
            case "userIdentity.principalId":
                return Typed.PRINCIPAL_ID;
            case "userIdentity.accessKeyId":
                return Typed.ACCESS_KEY_ID;
            case "userIdentity.invokedBy":
                return Typed.INVOKED_BY;
            case "userIdentity.sessionContext.sessionIssuer.arn":
                return Typed.SESSION_ISSUER_ARN;
            case "userIdentity.sessionContext.sessionIssuer.userName":
                return Typed.SESSION_ISSUER_NAME;
            case "userIdentity.sessionContext.ec2RoleDelivery":
                return Typed.EC2_ROLE_DELIVERY;
            case "sessionCredentialFromConsole":
                return Typed.SESSION_CREDENTIAL_FROM_CONSOLE;
            default:
                return null;
        }
    }

    /** Cheap to evaluate: no JSON tree needed. Compiled conjunctions test these first. */
    public boolean isTyped() {
        return typed != null;
    }

    private String typedValue(CloudTrailEvent event) {
        switch (typed) {
            case EVENT_NAME:
                return event.eventName;
            case EVENT_SOURCE:
                return event.eventSource;
            case EVENT_TYPE:
                return event.eventType;
            case AWS_REGION:
                return event.awsRegion;
            case SOURCE_IP:
                return event.sourceIpAddress;
            case USER_AGENT:
                return event.userAgent;
            case ERROR_CODE:
                return event.errorCode;
            case ERROR_MESSAGE:
                return event.errorMessage;
            case RECIPIENT_ACCOUNT:
                return event.recipientAccountId;
            case IDENTITY_TYPE:
                return event.actor == null || event.actor.type == IdentityType.UNKNOWN ? null
                        : event.actor.type.cloudTrailName();
            case ARN:
                return event.actor.arn;
            case ACCOUNT_ID:
                return event.actor.accountId;
            case PRINCIPAL_ID:
                return event.actor.principalId;
            case ACCESS_KEY_ID:
                return event.actor.accessKeyId;
            case INVOKED_BY:
                return event.actor.invokedBy;
            case SESSION_ISSUER_ARN:
                return event.actor.sessionIssuerArn;
            case SESSION_ISSUER_NAME:
                return event.actor.sessionIssuerName;
            case EC2_ROLE_DELIVERY:
                return event.actor.ec2RoleDelivery;
            default:
                return event.sessionCredentialFromConsole;
        }
    }

    /**
     * A typed field that may still need the record: an identity type the parser did not recognise, or
     * an identity path of an event whose typed identity is not known to be the record's text.
     */
    private boolean typedNeedsTree(CloudTrailEvent event) {
        if (typed == Typed.IDENTITY_TYPE) {
            return event.actor == null || event.actor.type == IdentityType.UNKNOWN;
        }
        return typed.isIdentity() && (!event.identityAsWritten || event.actor == null);
    }

    /**
     * True when the visitor accepted any scalar value the path reaches.
     *
     * @param scope the list element relative paths start at; ignored by record paths
     */
    public boolean anyValue(CloudTrailEvent event, JsonNode scope, Visitor visitor) {
        if (typed != null && !typedNeedsTree(event)) {
            String value = typedValue(event);
            return value != null && visitor.visit(value, event);
        }
        return walk(event, start(event, scope), 0, visitor, null, false);
    }

    public boolean anyValue(CloudTrailEvent event, Visitor visitor) {
        return anyValue(event, null, visitor);
    }

    /** True when the visitor accepted any element of the list at the path (a single node is a list of one). */
    public boolean anyNode(CloudTrailEvent event, JsonNode scope, NodeVisitor visitor) {
        return walk(event, start(event, scope), 0, null, visitor, false);
    }

    private JsonNode start(CloudTrailEvent event, JsonNode scope) {
        return relative ? scope : event.tree();
    }

    /** @param whole hand a list at the end of the path to {@code nodes} as one node, not element by element */
    private boolean walk(CloudTrailEvent event, JsonNode node, int index, Visitor visitor, NodeVisitor nodes,
            boolean whole) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return false;
        }
        if (index == parts.length) {
            if (node.isArray() && !whole) {
                for (JsonNode element : node) {
                    if (nodes != null ? nodes.visit(element)
                            : element.isValueNode() && !element.isNull() && visitor.visit(element.asText(), event)) {
                        return true;
                    }
                }
                return false;
            }
            return nodes != null ? nodes.visit(node) : node.isValueNode() && visitor.visit(node.asText(), event);
        }
        if (node.isArray()) {
            String part = parts[index];
            if (!part.isEmpty() && Character.isDigit(part.charAt(0))) {
                try {
                    return walk(event, node.get(Integer.parseInt(part)), index + 1, visitor, nodes, whole);
                } catch (NumberFormatException e) {
                    return false;
                }
            }
            for (JsonNode element : node) {
                if (walk(event, element, index, visitor, nodes, whole)) {
                    return true;
                }
            }
            return false;
        }
        if (node.isTextual() && index > 0 && EmbeddedJson.isDeclared(parts[index - 1])) {
            return walk(event, event.embeddedDocument(node, EmbeddedJson::parse), index, visitor, nodes, whole);
        }
        return walk(event, node.get(parts[index]), index + 1, visitor, nodes, whole);
    }

    /**
     * The first value as an identity: what keys and distinct counts use, so two spellings of one IAM
     * name ({@link IamNames}) are one key and one value. Null when there is none.
     */
    public String firstIdentity(CloudTrailEvent event) {
        String value = first(event);
        return value != null && IamNames.isNameField(path) ? IamNames.fold(value) : value;
    }

    /** Every value as an identity (see {@link #firstIdentity}), in record order. */
    public List<String> identities(CloudTrailEvent event) {
        List<String> values = values(event);
        if (IamNames.isNameField(path)) {
            values.replaceAll(IamNames::fold);
        }
        return values;
    }

    /** The first scalar value as written, or null: what captures and targets use. */
    public String first(CloudTrailEvent event) {
        if (typed != null && !typedNeedsTree(event)) {
            return typedValue(event);
        }
        String[] found = new String[1];
        walk(event, event.tree(), 0, (value, unused) -> {
            found[0] = value;
            return true;
        }, null, false);
        return found[0];
    }

    /** Every scalar value, in record order (repeats kept). */
    public List<String> values(CloudTrailEvent event) {
        List<String> found = new ArrayList<>();
        anyValue(event, null, (value, unused) -> {
            found.add(value);
            return false;
        });
        return found;
    }

    /** Present with a non-null value (objects and arrays count as present). */
    public boolean exists(CloudTrailEvent event, JsonNode scope) {
        if (typed != null && !typedNeedsTree(event)) {
            return typedValue(event) != null;
        }
        return walk(event, start(event, scope), 0, null, node -> true, true);
    }

    @Override
    public String toString() {
        return path;
    }
}
