package io.trailwarden.rules.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.EventJson;
import io.trailwarden.event.ParseResult;
import io.trailwarden.source.RawInput;
import java.time.Duration;
import java.time.Instant;

/**
 * CloudTrail records for operator tests, shaped like the real iam-create-admin-user detonation records
 * and run through the real parser. Instants are named so a test reads as a timeline.
 */
final class Records {
    static final Instant T0 = Instant.parse("2024-08-01T13:33:28Z");
    static final Instant ONE_MIN_LATER = T0.plus(Duration.ofMinutes(1));
    static final Instant TWO_MIN_LATER = T0.plus(Duration.ofMinutes(2));
    static final Instant FIVE_MIN_LATER = T0.plus(Duration.ofMinutes(5));
    static final Instant TEN_MIN_LATER = T0.plus(Duration.ofMinutes(10));
    static final Instant THIRTY_ONE_MIN_LATER = T0.plus(Duration.ofMinutes(31));
    static final String ACCOUNT = "229654561268";
    static final String ATTACKER = "christophe";
    static final String OTHER_ADMIN = "ops-admin";

    private final ObjectNode record = EventJson.MAPPER.createObjectNode();

    private Records(String eventSource, String eventName, String eventId, Instant at, String actorUser) {
        record.put("eventVersion", "1.09");
        record.put("eventSource", eventSource);
        record.put("eventName", eventName);
        record.put("eventID", eventId);
        record.put("eventTime", at.toString());
        record.put("eventType", "AwsApiCall");
        record.put("awsRegion", "us-east-1");
        record.put("recipientAccountId", ACCOUNT);
        record.put("sourceIPAddress", "075.050.255.67");
        record.put("userAgent", "stratus-red-team_6bf00313");
        ObjectNode identity = record.putObject("userIdentity");
        identity.put("type", "IAMUser");
        identity.put("accountId", ACCOUNT);
        identity.put("arn", "arn:aws:iam::" + ACCOUNT + ":user/" + actorUser);
        identity.put("principalId", "AIDA" + actorUser.toUpperCase(java.util.Locale.ROOT));
        identity.put("userName", actorUser);
        record.putNull("responseElements");
    }

    static Records iam(String eventName, String eventId, Instant at, String actorUser, String userName) {
        Records records = new Records("iam.amazonaws.com", eventName, eventId, at, actorUser);
        records.record.putObject("requestParameters").put("userName", userName);
        return records;
    }

    static Records createUser(String id, Instant at, String actor, String user) {
        return iam("CreateUser", id, at, actor, user);
    }

    static Records attachAdmin(String id, Instant at, String actor, String user) {
        Records records = iam("AttachUserPolicy", id, at, actor, user);
        ((ObjectNode) records.record.get("requestParameters")).put("policyArn", "arn:aws:iam::aws:policy/AdministratorAccess");
        return records;
    }

    static Records addUserToGroup(String id, Instant at, String actor, String user, String group) {
        Records records = iam("AddUserToGroup", id, at, actor, user);
        ((ObjectNode) records.record.get("requestParameters")).put("groupName", group);
        return records;
    }

    static Records createAccessKey(String id, Instant at, String actor, String user) {
        return iam("CreateAccessKey", id, at, actor, user);
    }

    static Records createLoginProfile(String id, Instant at, String actor, String user) {
        return iam("CreateLoginProfile", id, at, actor, user);
    }

    static Records failedConsoleLogin(String id, Instant at, String user) {
        Records records = new Records("signin.amazonaws.com", "ConsoleLogin", id, at, user);
        records.record.put("eventType", "AwsConsoleSignIn");
        records.record.putObject("responseElements").put("ConsoleLogin", "Failure");
        records.record.put("errorMessage", "Failed authentication");
        return records;
    }

    static Records call(String eventSource, String eventName, String id, Instant at, String actor) {
        return new Records(eventSource, eventName, id, at, actor);
    }

    /** The call recorded in another account (the actor's identity is left as it is). */
    Records inAccount(String account) {
        record.put("recipientAccountId", account);
        return this;
    }

    /** The call made by a session of {@code roleArn}, as CloudTrail records an assumed-role identity. */
    Records byRoleSession(String roleArn, String sessionName) {
        String roleName = roleArn.substring(roleArn.lastIndexOf('/') + 1);
        ObjectNode identity = record.putObject("userIdentity");
        identity.put("type", "AssumedRole");
        identity.put("accountId", ACCOUNT);
        identity.put("arn", "arn:aws:sts::" + ACCOUNT + ":assumed-role/" + roleName + "/" + sessionName);
        identity.put("principalId", "AROAPROVISIONER:" + sessionName);
        ObjectNode issuer = identity.putObject("sessionContext").putObject("sessionIssuer");
        issuer.put("type", "Role");
        issuer.put("arn", roleArn);
        issuer.put("accountId", ACCOUNT);
        issuer.put("userName", roleName);
        return this;
    }

    CloudTrailEvent parsed() {
        ParseResult result = new CloudTrailParser().parseAll(RawInput.of("test", record.toString()));
        if (!result.deadLetters.isEmpty() || result.events.size() != 1) {
            throw new IllegalStateException("test record did not parse: " + result);
        }
        return result.events.get(0);
    }
}
