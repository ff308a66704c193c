package io.trailwarden.rules.compile;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.IdentityType;
import java.io.Serializable;

/**
 * A compiled dotted path. Top-level strings the parser already copied into typed fields are read from
 * there, so the common conditions (eventName, eventSource, errorCode) never touch the JSON tree; other
 * paths walk the tree. A path that crosses an array without an index applies to every element
 * ({@code requestParameters.eventSelectors.includeManagementEvents}), and a condition holds when any
 * reached value satisfies it.
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
        IDENTITY_TYPE
    }

    /** Receives each scalar value a path reaches; returns true to stop early. */
    public interface Visitor {
        boolean visit(String value);
    }

    public final String path;
    private final String[] parts;
    private final Typed typed;

    public FieldRef(String path) {
        this.path = path;
        this.parts = path.split("\\.");
        this.typed = typedFor(path);
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
            case IDENTITY_TYPE:
                return event.actor == null || event.actor.type == IdentityType.UNKNOWN ? null
                        : event.actor.type.cloudTrailName();
            default:
                return event.recipientAccountId;
        }
    }

    /** A typed field that may still need the record: an identity type the parser did not recognise. */
    private boolean typedNeedsTree(CloudTrailEvent event) {
        return typed == Typed.IDENTITY_TYPE && (event.actor == null || event.actor.type == IdentityType.UNKNOWN);
    }

    /** True when the visitor accepted any scalar value the path reaches. */
    public boolean anyValue(CloudTrailEvent event, Visitor visitor) {
        if (typed != null && !typedNeedsTree(event)) {
            String value = typedValue(event);
            return value != null && visitor.visit(value);
        }
        return walk(event.tree(), 0, visitor);
    }

    private boolean walk(JsonNode node, int index, Visitor visitor) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return false;
        }
        if (index == parts.length) {
            if (node.isArray()) {
                for (JsonNode element : node) {
                    if (element.isValueNode() && !element.isNull() && visitor.visit(element.asText())) {
                        return true;
                    }
                }
                return false;
            }
            return node.isValueNode() && visitor.visit(node.asText());
        }
        if (node.isArray()) {
            String part = parts[index];
            if (!part.isEmpty() && Character.isDigit(part.charAt(0))) {
                try {
                    return walk(node.get(Integer.parseInt(part)), index + 1, visitor);
                } catch (NumberFormatException e) {
                    return false;
                }
            }
            for (JsonNode element : node) {
                if (walk(element, index, visitor)) {
                    return true;
                }
            }
            return false;
        }
        return walk(node.get(parts[index]), index + 1, visitor);
    }

    /** The first scalar value, or null: what captures, keys and targets use. */
    public String first(CloudTrailEvent event) {
        if (typed != null && !typedNeedsTree(event)) {
            return typedValue(event);
        }
        String[] found = new String[1];
        walk(event.tree(), 0, value -> {
            found[0] = value;
            return true;
        });
        return found[0];
    }

    /** Present with a non-null value (objects and arrays count as present). */
    public boolean exists(CloudTrailEvent event) {
        if (typed != null && !typedNeedsTree(event)) {
            return typedValue(event) != null;
        }
        JsonNode node = event.tree();
        for (String part : parts) {
            if (node == null || node.isNull() || node.isMissingNode()) {
                return false;
            }
            node = node.isArray() ? firstPresent(node, part) : node.get(part);
        }
        return node != null && !node.isNull() && !node.isMissingNode();
    }

    private static JsonNode firstPresent(JsonNode array, String part) {
        for (JsonNode element : array) {
            JsonNode child = element.get(part);
            if (child != null && !child.isNull()) {
                return child;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return path;
    }
}
