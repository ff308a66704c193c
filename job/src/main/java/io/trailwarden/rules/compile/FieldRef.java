package io.trailwarden.rules.compile;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.IdentityType;
import io.trailwarden.rules.model.EmbeddedJson;
import io.trailwarden.rules.model.IamNames;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

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

    /** Typed fields whose value is exactly the record's text, by the path they stand for. */
    private enum Typed {
        EVENT_NAME("eventName", event -> event.eventName),
        EVENT_SOURCE("eventSource", event -> event.eventSource),
        EVENT_TYPE("eventType", event -> event.eventType),
        AWS_REGION("awsRegion", event -> event.awsRegion),
        SOURCE_IP("sourceIPAddress", event -> event.sourceIpAddress),
        USER_AGENT("userAgent", event -> event.userAgent),
        ERROR_CODE("errorCode", event -> event.errorCode),
        ERROR_MESSAGE("errorMessage", event -> event.errorMessage),
        RECIPIENT_ACCOUNT("recipientAccountId", event -> event.recipientAccountId),
        /** The parser's normalised type; only a type it does not know needs the record itself. */
        IDENTITY_TYPE("userIdentity.type", event -> event.actor.type.cloudTrailName()),
        // As written only when the event says so (identityAsWritten); otherwise the record is read.
        ARN("userIdentity.arn", event -> event.actor.arn),
        ACCOUNT_ID("userIdentity.accountId", event -> event.actor.accountId),
        PRINCIPAL_ID("userIdentity.principalId", event -> event.actor.principalId),
        ACCESS_KEY_ID("userIdentity.accessKeyId", event -> event.actor.accessKeyId),
        INVOKED_BY("userIdentity.invokedBy", event -> event.actor.invokedBy),
        SESSION_ISSUER_ARN("userIdentity.sessionContext.sessionIssuer.arn", event -> event.actor.sessionIssuerArn),
        SESSION_ISSUER_NAME("userIdentity.sessionContext.sessionIssuer.userName", event -> event.actor.sessionIssuerName),
        EC2_ROLE_DELIVERY("userIdentity.sessionContext.ec2RoleDelivery", event -> event.actor.ec2RoleDelivery),
        SESSION_CREDENTIAL_FROM_CONSOLE("sessionCredentialFromConsole", event -> event.sessionCredentialFromConsole);

        private final String path;
        private final Function<CloudTrailEvent, String> value;

        Typed(String path, Function<CloudTrailEvent, String> value) {
            this.path = path;
            this.value = value;
        }

        boolean isIdentity() {
            return compareTo(ARN) >= 0;
        }

        /** Null when no typed field stands for the path. */
        static Typed of(String path) {
            for (Typed typed : values()) {
                if (typed.path.equals(path)) {
                    return typed;
                }
            }
            return null;
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
        this.typed = relative ? null : Typed.of(path);
    }

    /** Cheap to evaluate: no JSON tree needed. Compiled conjunctions test these first. */
    public boolean isTyped() {
        return typed != null;
    }

    /** Only where {@link #typedNeedsTree} is false. */
    private String typedValue(CloudTrailEvent event) {
        return typed.value.apply(event);
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
        return walkFrom(event, scope, visitor, null, false);
    }

    public boolean anyValue(CloudTrailEvent event, Visitor visitor) {
        return anyValue(event, null, visitor);
    }

    /** True when the visitor accepted any element of the list at the path (a single node is a list of one). */
    public boolean anyNode(CloudTrailEvent event, JsonNode scope, NodeVisitor visitor) {
        return walkFrom(event, scope, null, visitor, false);
    }

    /** Walks a relative path from the list element {@code scope}, a record path from its top-level member. */
    private boolean walkFrom(CloudTrailEvent event, JsonNode scope, Visitor visitor, NodeVisitor nodes, boolean whole) {
        return relative ? walk(event, scope, 0, visitor, nodes, whole)
                : walk(event, event.member(parts[0]), 1, visitor, nodes, whole);
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
        walk(event, event.member(parts[0]), 1, (value, unused) -> {
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
        return walkFrom(event, scope, null, node -> true, true);
    }

    @Override
    public String toString() {
        return path;
    }
}
