package io.trailwarden.respond;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.ParseResult;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.finding.Severity;
import io.trailwarden.finding.Target;
import io.trailwarden.source.RawInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
    /** The key the recorded CreateAccessKey returned; no moto user has it. */
    public static final String RECORDED_KEY = "AKIAXAFZN8JEPF6L682H";

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
        // Mutable lists: Flink rebuilds a finding field by field when it crosses the network.
        finding.mitre = new ArrayList<>(List.of("T1136.003", "T1098.001"));
        finding.events = events;
        finding.actor = events.get(0).actor;
        finding.findingId = Finding.findingId(finding.ruleId, events);
        String created = events.get(0).text("responseElements.user.arn");
        finding.target = Target.of(Target.Kind.IAM_USER, userName, created, account);
        finding.response = new ArrayList<>(List.of(
                PlannedAction.of(PlannedAction.Type.CONTAIN, finding.target, false, "the created user"),
                PlannedAction.of(PlannedAction.Type.ALERT, finding.target, false, null)));
        return finding;
    }

    /** {@code finding} as if CloudTrail had recorded CreateAccessKey returning {@code keyId}. */
    public static Finding withCreatedKey(Finding finding, String keyId) {
        finding.events.replaceAll(event -> event.eventName.equals("CreateAccessKey")
                ? event(event.rawJson().replace(RECORDED_KEY, keyId)) : event);
        return finding;
    }

    /** One record through the job's real parser. */
    public static CloudTrailEvent event(String record) {
        ParseResult parsed = new CloudTrailParser().parseAll(RawInput.of("corpus", record));
        if (parsed.events.size() != 1) {
            throw new IllegalStateException("expected one event from " + record + ", got " + parsed.events
                    + " and " + parsed.deadLetters);
        }
        return parsed.events.get(0);
    }
}
