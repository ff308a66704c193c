package io.trailwarden.event;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the typed fields and the normalised actor out of one CloudTrail record tree. A field of the
 * wrong JSON type rejects the record, naming the field: coercing it would let a malformed or forged
 * record slip past rules that compare the typed value.
 */
final class RecordFields {
    private static final String ASSUMED_ROLE_ARN_PART = ":assumed-role/";
    private static final String FEDERATED_USER_ARN_PART = ":federated-user/";

    private RecordFields() {}

    static CloudTrailEvent toEvent(JsonNode record, String rawJson) throws Rejected {
        CloudTrailEvent event = new CloudTrailEvent();
        event.eventId = required(record, "eventID");
        event.eventName = required(record, "eventName");
        String eventTime = required(record, "eventTime");
        event.eventTimeMillis = EventTimes.parseEpochMillis(eventTime);
        if (event.eventTimeMillis == EventTimes.UNUSABLE) {
            throw new Rejected("eventTime " + CloudTrailParser.quote(eventTime) + " is not a usable timestamp");
        }
        event.eventSource = text(record, "eventSource", "eventSource");
        event.eventType = text(record, "eventType", "eventType");
        event.awsRegion = text(record, "awsRegion", "awsRegion");
        event.sourceIpAddress = text(record, "sourceIPAddress", "sourceIPAddress");
        event.userAgent = text(record, "userAgent", "userAgent");
        event.errorCode = text(record, "errorCode", "errorCode");
        event.errorMessage = text(record, "errorMessage", "errorMessage");
        event.recipientAccountId = text(record, "recipientAccountId", "recipientAccountId");
        event.readOnly = bool(record.get("readOnly"), "readOnly");
        event.actor = actor(record, event.eventName);
        event.rawJson = rawJson;
        event.attachTree(record);
        return event;
    }

    private static Actor actor(JsonNode record, String eventName) throws Rejected {
        Actor actor = new Actor();
        JsonNode identity = object(record.get("userIdentity"), "userIdentity");
        if (identity != null) {
            actor.type = IdentityType.fromCloudTrail(text(identity, "type", "userIdentity.type"));
            actor.arn = text(identity, "arn", "userIdentity.arn");
            actor.accountId = text(identity, "accountId", "userIdentity.accountId");
            actor.userName = text(identity, "userName", "userIdentity.userName");
            actor.principalId = text(identity, "principalId", "userIdentity.principalId");
            actor.accessKeyId = text(identity, "accessKeyId", "userIdentity.accessKeyId");
            actor.invokedBy = text(identity, "invokedBy", "userIdentity.invokedBy");
            JsonNode session = object(identity.get("sessionContext"), "userIdentity.sessionContext");
            if (session != null) {
                JsonNode issuer =
                        object(session.get("sessionIssuer"), "userIdentity.sessionContext.sessionIssuer");
                if (issuer != null) {
                    actor.sessionIssuerArn = text(issuer, "arn", "userIdentity.sessionContext.sessionIssuer.arn");
                    actor.sessionIssuerName =
                            text(issuer, "userName", "userIdentity.sessionContext.sessionIssuer.userName");
                }
                JsonNode attributes =
                        object(session.get("attributes"), "userIdentity.sessionContext.attributes");
                if (attributes != null) {
                    actor.mfaAuthenticated = bool(
                            attributes.get("mfaAuthenticated"),
                            "userIdentity.sessionContext.attributes.mfaAuthenticated");
                }
            }
            actor.userName = normalisedUserName(actor, identity);
        }
        if (actor.mfaAuthenticated == null && "ConsoleLogin".equals(eventName)) {
            actor.mfaAuthenticated = consoleLoginMfa(record);
        }
        return actor;
    }

    /** The name a responder and an alert reader know the identity by, per identity type. */
    private static String normalisedUserName(Actor actor, JsonNode identity) throws Rejected {
        switch (actor.type) {
            case ROOT:
                return "root";
            case ASSUMED_ROLE:
                if (actor.sessionIssuerName != null) {
                    return actor.sessionIssuerName;
                }
                return arnSegment(actor.arn, ASSUMED_ROLE_ARN_PART);
            case FEDERATED_USER:
                String federated = arnSegment(actor.arn, FEDERATED_USER_ARN_PART);
                return federated != null ? federated : actor.userName;
            case IDENTITY_CENTER_USER:
                if (actor.userName != null) {
                    return actor.userName;
                }
                JsonNode onBehalfOf = object(identity.get("onBehalfOf"), "userIdentity.onBehalfOf");
                if (onBehalfOf == null) {
                    return null;
                }
                String name = text(onBehalfOf, "userName", "userIdentity.onBehalfOf.userName");
                return name != null ? name : text(onBehalfOf, "userId", "userIdentity.onBehalfOf.userId");
            default:
                return actor.userName;
        }
    }

    /** The first path segment after {@code marker} in an ARN: the role of a session, a federated name. */
    private static String arnSegment(String arn, String marker) {
        if (arn == null) {
            return null;
        }
        int at = arn.indexOf(marker);
        if (at < 0) {
            return null;
        }
        int start = at + marker.length();
        int slash = arn.indexOf('/', start);
        String segment = slash < 0 ? arn.substring(start) : arn.substring(start, slash);
        return segment.isEmpty() ? null : segment;
    }

    /** ConsoleLogin records of IAM users carry MFA only as {@code additionalEventData.MFAUsed}. */
    private static Boolean consoleLoginMfa(JsonNode record) throws Rejected {
        JsonNode additional = object(record.get("additionalEventData"), "additionalEventData");
        if (additional == null) {
            return null;
        }
        String used = text(additional, "MFAUsed", "additionalEventData.MFAUsed");
        if (used == null) {
            return null;
        }
        if (used.equalsIgnoreCase("Yes")) {
            return Boolean.TRUE;
        }
        if (used.equalsIgnoreCase("No")) {
            return Boolean.FALSE;
        }
        throw new Rejected("field additionalEventData.MFAUsed is " + CloudTrailParser.quote(used)
                + ", expected \"Yes\" or \"No\"");
    }

    private static String required(JsonNode record, String field) throws Rejected {
        String value = text(record, field, field);
        if (value == null || value.isEmpty()) {
            throw new Rejected("missing " + field);
        }
        return value;
    }

    private static String text(JsonNode parent, String field, String path) throws Rejected {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw wrongType(path, node, "a string");
        }
        return node.textValue();
    }

    private static JsonNode object(JsonNode node, String path) throws Rejected {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw wrongType(path, node, "an object");
        }
        return node;
    }

    /** CloudTrail writes booleans, and in some sessionContext attributes the strings "true"/"false". */
    private static Boolean bool(JsonNode node, String path) throws Rejected {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual()) {
            String text = node.textValue();
            if (text.equalsIgnoreCase("true")) {
                return Boolean.TRUE;
            }
            if (text.equalsIgnoreCase("false")) {
                return Boolean.FALSE;
            }
            throw new Rejected("field " + path + " is " + CloudTrailParser.quote(text) + ", expected a boolean");
        }
        throw wrongType(path, node, "a boolean");
    }

    private static Rejected wrongType(String path, JsonNode node, String expected) {
        return new Rejected("field " + path + " is " + CloudTrailParser.article(node) + ", expected " + expected);
    }

    /** A record the parser cannot use; the message is the dead letter's reason. */
    static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(String reason) {
            // No stack trace: this is a verdict on input, thrown once per bad record.
            super(reason, null, false, false);
        }
    }
}
