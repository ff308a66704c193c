package io.trailwarden.event;

import com.fasterxml.jackson.core.JsonToken;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.arns.Arn;
import software.amazon.awssdk.arns.ArnResource;

/**
 * The typed fields of one CloudTrail record as {@link RecordScanner} met them (JSON kind and, for
 * strings, the text), and the rules that turn them into a {@link CloudTrailEvent}. A field of the wrong
 * JSON type rejects the record, naming the field: coercing it would let a malformed or forged record
 * slip past rules that compare the typed value.
 *
 * <p>Capturing first and judging afterwards keeps the verdict independent of key order: the checks
 * run in one fixed order, so a record with two problems always gets the same reason.
 */
final class RecordFields {

    /** Every value the event is built from, by its place in the record. Parents come before children. */
    enum Field {
        EVENT_ID(null, "eventID"),
        EVENT_NAME(null, "eventName"),
        EVENT_TIME(null, "eventTime"),
        EVENT_SOURCE(null, "eventSource"),
        EVENT_TYPE(null, "eventType"),
        AWS_REGION(null, "awsRegion"),
        SOURCE_IP_ADDRESS(null, "sourceIPAddress"),
        USER_AGENT(null, "userAgent"),
        ERROR_CODE(null, "errorCode"),
        ERROR_MESSAGE(null, "errorMessage"),
        RECIPIENT_ACCOUNT_ID(null, "recipientAccountId"),
        READ_ONLY(null, "readOnly"),
        SESSION_CREDENTIAL_FROM_CONSOLE(null, "sessionCredentialFromConsole"),
        USER_IDENTITY(null, "userIdentity"),
        ADDITIONAL_EVENT_DATA(null, "additionalEventData"),
        IDENTITY_TYPE(USER_IDENTITY, "type"),
        ARN(USER_IDENTITY, "arn"),
        ACCOUNT_ID(USER_IDENTITY, "accountId"),
        USER_NAME(USER_IDENTITY, "userName"),
        PRINCIPAL_ID(USER_IDENTITY, "principalId"),
        ACCESS_KEY_ID(USER_IDENTITY, "accessKeyId"),
        INVOKED_BY(USER_IDENTITY, "invokedBy"),
        SESSION_CONTEXT(USER_IDENTITY, "sessionContext"),
        ON_BEHALF_OF(USER_IDENTITY, "onBehalfOf"),
        SESSION_ISSUER(SESSION_CONTEXT, "sessionIssuer"),
        ATTRIBUTES(SESSION_CONTEXT, "attributes"),
        EC2_ROLE_DELIVERY(SESSION_CONTEXT, "ec2RoleDelivery"),
        SESSION_ISSUER_ARN(SESSION_ISSUER, "arn"),
        SESSION_ISSUER_NAME(SESSION_ISSUER, "userName"),
        MFA_AUTHENTICATED(ATTRIBUTES, "mfaAuthenticated"),
        ON_BEHALF_OF_USER_NAME(ON_BEHALF_OF, "userName"),
        ON_BEHALF_OF_USER_ID(ON_BEHALF_OF, "userId"),
        MFA_USED(ADDITIONAL_EVENT_DATA, "MFAUsed");

        private static final Field[] VALUES = values();
        /** Index 0: the record's own keys; index 1 + ordinal: the keys of that object field. */
        private static final Map<String, Field>[] CHILDREN = children();

        /** The dotted path, as dead letter reasons name it. */
        final String path;
        private final Field parent;
        private final String key;

        Field(Field parent, String key) {
            this.parent = parent;
            this.key = key;
            this.path = parent == null ? key : parent.path + "." + key;
        }

        /** The field under {@code key} in the object {@code parent} (null: the record), or null when unused. */
        static Field child(Field parent, String key) {
            return CHILDREN[parent == null ? 0 : 1 + parent.ordinal()].get(key);
        }

        /** Whether the scanner should descend into this field when it holds an object. */
        boolean hasChildren() {
            return !CHILDREN[1 + ordinal()].isEmpty();
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Field>[] children() {
            Map<String, Field>[] children = new Map[1 + VALUES.length];
            for (int i = 0; i < children.length; i++) {
                children[i] = new HashMap<>();
            }
            for (Field field : VALUES) {
                children[field.parent == null ? 0 : 1 + field.parent.ordinal()].put(field.key, field);
            }
            return children;
        }
    }

    /** Null where the record does not have the field (or an enclosing object is not an object). */
    private final JsonToken[] kinds = new JsonToken[Field.VALUES.length];
    /** The text of each field that is a string. */
    private final String[] texts = new String[Field.VALUES.length];

    void set(Field field, JsonToken kind, String text) {
        kinds[field.ordinal()] = kind;
        texts[field.ordinal()] = text;
    }

    CloudTrailEvent toEvent(byte[] rawJsonUtf8) throws Rejected {
        CloudTrailEvent event = new CloudTrailEvent();
        event.eventId = required(Field.EVENT_ID);
        event.eventName = required(Field.EVENT_NAME);
        String eventTime = required(Field.EVENT_TIME);
        event.eventTimeMillis = EventTimes.parseEpochMillis(eventTime);
        if (event.eventTimeMillis == EventTimes.UNUSABLE) {
            throw new Rejected("eventTime " + CloudTrailParser.quote(eventTime) + " is not a usable timestamp");
        }
        event.eventSource = text(Field.EVENT_SOURCE);
        event.eventType = text(Field.EVENT_TYPE);
        event.awsRegion = text(Field.AWS_REGION);
        event.sourceIpAddress = text(Field.SOURCE_IP_ADDRESS);
        event.userAgent = text(Field.USER_AGENT);
        event.errorCode = text(Field.ERROR_CODE);
        event.errorMessage = text(Field.ERROR_MESSAGE);
        event.recipientAccountId = text(Field.RECIPIENT_ACCOUNT_ID);
        event.readOnly = bool(Field.READ_ONLY);
        event.actor = actor(event.eventName);
        event.rawJsonUtf8 = rawJsonUtf8;
        event.sessionCredentialFromConsole = texts[Field.SESSION_CREDENTIAL_FROM_CONSOLE.ordinal()];
        event.identityAsWritten = isStringOrAbsent(Field.SESSION_CREDENTIAL_FROM_CONSOLE)
                && isStringOrAbsent(Field.EC2_ROLE_DELIVERY);
        return event;
    }

    /**
     * CloudTrail writes these two as strings, but a record that holds something else there was accepted
     * before they were typed, and still is: the event then says its typed identity is not as written,
     * so rules read those paths from the record.
     */
    private boolean isStringOrAbsent(Field field) {
        return isAbsent(field) || kinds[field.ordinal()] == JsonToken.VALUE_STRING;
    }

    private Actor actor(String eventName) throws Rejected {
        Actor actor = new Actor();
        if (isObject(Field.USER_IDENTITY)) {
            actor.type = IdentityType.fromCloudTrail(text(Field.IDENTITY_TYPE));
            actor.arn = text(Field.ARN);
            actor.accountId = text(Field.ACCOUNT_ID);
            actor.userName = text(Field.USER_NAME);
            actor.principalId = text(Field.PRINCIPAL_ID);
            actor.accessKeyId = text(Field.ACCESS_KEY_ID);
            actor.invokedBy = text(Field.INVOKED_BY);
            if (isObject(Field.SESSION_CONTEXT)) {
                if (isObject(Field.SESSION_ISSUER)) {
                    actor.sessionIssuerArn = text(Field.SESSION_ISSUER_ARN);
                    actor.sessionIssuerName = text(Field.SESSION_ISSUER_NAME);
                }
                if (isObject(Field.ATTRIBUTES)) {
                    actor.mfaAuthenticated = bool(Field.MFA_AUTHENTICATED);
                }
                actor.ec2RoleDelivery = texts[Field.EC2_ROLE_DELIVERY.ordinal()];
            }
            actor.userName = normalisedUserName(actor);
        }
        if (actor.mfaAuthenticated == null && "ConsoleLogin".equals(eventName)) {
            actor.mfaAuthenticated = consoleLoginMfa();
        }
        return actor;
    }

    /** The name a responder and an alert reader know the identity by, per identity type. */
    private String normalisedUserName(Actor actor) throws Rejected {
        switch (actor.type) {
            case ROOT:
                return "root";
            case ASSUMED_ROLE:
                if (actor.sessionIssuerName != null) {
                    return actor.sessionIssuerName;
                }
                return arnResource(actor.arn, "assumed-role");
            case FEDERATED_USER:
                String federated = arnResource(actor.arn, "federated-user");
                return federated != null ? federated : actor.userName;
            case IDENTITY_CENTER_USER:
                if (actor.userName != null) {
                    return actor.userName;
                }
                if (!isObject(Field.ON_BEHALF_OF)) {
                    return null;
                }
                String name = text(Field.ON_BEHALF_OF_USER_NAME);
                return name != null ? name : text(Field.ON_BEHALF_OF_USER_ID);
            default:
                return actor.userName;
        }
    }

    /** The resource after {@code type/} in an ARN: the role of a session, a federated user's name. */
    private static String arnResource(String arn, String type) {
        if (arn == null) {
            return null;
        }
        return Arn.tryFromString(arn).map(Arn::resource)
                .filter(resource -> resource.resourceType().filter(type::equals).isPresent())
                .map(ArnResource::resource)
                .filter(name -> !name.isEmpty())
                .orElse(null);
    }

    /** ConsoleLogin records of IAM users carry MFA only as {@code additionalEventData.MFAUsed}. */
    private Boolean consoleLoginMfa() throws Rejected {
        if (!isObject(Field.ADDITIONAL_EVENT_DATA)) {
            return null;
        }
        String used = text(Field.MFA_USED);
        if (used == null) {
            return null;
        }
        if (used.equalsIgnoreCase("Yes")) {
            return Boolean.TRUE;
        }
        if (used.equalsIgnoreCase("No")) {
            return Boolean.FALSE;
        }
        throw new Rejected("field " + Field.MFA_USED.path + " is " + CloudTrailParser.quote(used)
                + ", expected \"Yes\" or \"No\"");
    }

    private String required(Field field) throws Rejected {
        String value = text(field);
        if (value == null || value.isEmpty()) {
            throw new Rejected("missing " + field.path);
        }
        return value;
    }

    private boolean isAbsent(Field field) {
        JsonToken kind = kinds[field.ordinal()];
        return kind == null || kind == JsonToken.VALUE_NULL;
    }

    private String text(Field field) throws Rejected {
        if (isAbsent(field)) {
            return null;
        }
        if (kinds[field.ordinal()] != JsonToken.VALUE_STRING) {
            throw wrongType(field, "a string");
        }
        return texts[field.ordinal()];
    }

    /** False when absent or null; rejects any other kind than an object. */
    private boolean isObject(Field field) throws Rejected {
        if (isAbsent(field)) {
            return false;
        }
        if (kinds[field.ordinal()] != JsonToken.START_OBJECT) {
            throw wrongType(field, "an object");
        }
        return true;
    }

    /** CloudTrail writes booleans, and in some sessionContext attributes the strings "true"/"false". */
    private Boolean bool(Field field) throws Rejected {
        if (isAbsent(field)) {
            return null;
        }
        JsonToken kind = kinds[field.ordinal()];
        if (kind == JsonToken.VALUE_TRUE) {
            return Boolean.TRUE;
        }
        if (kind == JsonToken.VALUE_FALSE) {
            return Boolean.FALSE;
        }
        if (kind == JsonToken.VALUE_STRING) {
            String text = texts[field.ordinal()];
            if (text.equalsIgnoreCase("true")) {
                return Boolean.TRUE;
            }
            if (text.equalsIgnoreCase("false")) {
                return Boolean.FALSE;
            }
            throw new Rejected("field " + field.path + " is " + CloudTrailParser.quote(text) + ", expected a boolean");
        }
        throw wrongType(field, "a boolean");
    }

    private Rejected wrongType(Field field, String expected) {
        return new Rejected(
                "field " + field.path + " is " + CloudTrailParser.article(kinds[field.ordinal()]) + ", expected " + expected);
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
