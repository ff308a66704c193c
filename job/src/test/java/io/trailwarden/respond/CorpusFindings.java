package io.trailwarden.respond;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.detect.Finding;
import io.trailwarden.detect.PlannedAction;
import io.trailwarden.detect.Severity;
import io.trailwarden.detect.Target;
import io.trailwarden.event.Actor;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.EventJson;
import io.trailwarden.event.IdentityType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Findings built from the real Stratus {@code iam-create-admin-user} records. The only change to the
 * records is {@link #rewriteForMoto}: the recorded account and user name are replaced, so the finding
 * names a user that exists in the moto server. Every other byte is as CloudTrail wrote it.
 */
public final class CorpusFindings {
    public static final String RESOURCE = "/respond/stratus-iam-create-admin-user.jsonl";
    public static final String RECORDED_ACCOUNT = "229654561268";
    public static final String RECORDED_USER = "malicious-iam-user";
    public static final String RULE_ID = "iam-backdoor-admin-user";

    private CorpusFindings() {}

    public static List<String> records() {
        try (InputStream in = CorpusFindings.class.getResourceAsStream(RESOURCE)) {
            List<String> lines = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
            return lines;
        } catch (IOException e) {
            throw new IllegalStateException(RESOURCE, e);
        }
    }

    public static String rewriteForMoto(String record, String account, String userName) {
        return record.replace(RECORDED_ACCOUNT, account).replace("\"" + RECORDED_USER + "\"", "\"" + userName + "\"")
                .replace("user/" + RECORDED_USER + "\"", "user/" + userName + "\"");
    }

    /** The CreateUser and CreateAccessKey records as one finding: contain the created user, alert. */
    public static Finding backdoorUser(String account, String userName) {
        List<CloudTrailEvent> events = new ArrayList<>();
        for (String record : records()) {
            CloudTrailEvent event = event(rewriteForMoto(record, account, userName));
            if (event.eventName.equals("CreateUser") || event.eventName.equals("CreateAccessKey")) {
                events.add(event);
            }
        }
        // Same second: the CreateUser the key depends on goes first, as a sequence rule would order them.
        events.sort(Comparator.comparingLong((CloudTrailEvent e) -> e.eventTimeMillis)
                .thenComparing(e -> e.eventName.equals("CreateUser") ? 0 : 1));
        Finding finding = new Finding();
        finding.ruleId = RULE_ID;
        finding.title = "IAM user created and given an access key";
        finding.severity = Severity.HIGH;
        finding.mitre = List.of("T1136.003", "T1098.001");
        finding.events = events;
        finding.actor = events.get(0).actor;
        finding.findingId = Finding.findingId(finding.ruleId, events);
        String created = events.get(0).text("responseElements.user.arn");
        finding.target = Target.of(Target.Kind.IAM_USER, userName, created, account);
        finding.response = List.of(
                PlannedAction.of(PlannedAction.Type.CONTAIN, finding.target, false, "the created user"),
                PlannedAction.of(PlannedAction.Type.ALERT, finding.target, false, null));
        return finding;
    }

    /** A CloudTrail record's typed fields, read the way CloudTrail names them. */
    public static CloudTrailEvent event(String record) {
        JsonNode tree = EventJson.readTree(record);
        CloudTrailEvent event = new CloudTrailEvent();
        event.rawJson = record;
        event.attachTree(tree);
        event.eventId = text(tree, "eventID");
        event.eventTimeMillis = Instant.parse(text(tree, "eventTime")).toEpochMilli();
        event.eventName = text(tree, "eventName");
        event.eventSource = text(tree, "eventSource");
        event.eventType = text(tree, "eventType");
        event.awsRegion = text(tree, "awsRegion");
        event.sourceIpAddress = text(tree, "sourceIPAddress");
        event.userAgent = text(tree, "userAgent");
        event.errorCode = text(tree, "errorCode");
        event.errorMessage = text(tree, "errorMessage");
        event.recipientAccountId = text(tree, "recipientAccountId");
        JsonNode identity = tree.path("userIdentity");
        Actor actor = new Actor();
        actor.type = IdentityType.fromCloudTrail(text(identity, "type"));
        actor.arn = text(identity, "arn");
        actor.accountId = text(identity, "accountId");
        actor.userName = text(identity, "userName");
        actor.principalId = text(identity, "principalId");
        actor.accessKeyId = text(identity, "accessKeyId");
        actor.sessionIssuerArn = identity.path("sessionContext").path("sessionIssuer").path("arn").textValue();
        actor.sessionIssuerName = identity.path("sessionContext").path("sessionIssuer").path("userName").textValue();
        event.actor = actor;
        return event;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
