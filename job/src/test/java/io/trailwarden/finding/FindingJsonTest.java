package io.trailwarden.finding;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.DeadLetter;
import io.trailwarden.event.IdentityType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every record type of finding.schema.json, built from hostile values: each must validate, carry the
 * value back unchanged when parsed, and never hold a hidden character raw.
 */
class FindingJsonTest {
    /** Bidi override and isolate, line separator, ANSI escape, quote, backslash, HTML end tag, a NUL. */
    static final String HOSTILE = "adm\u202Enim\u2066x\u2069\u2028\u2029\u001b[31m\"q\"\\u001b </script><b>&amp;\u0000\u061C\u200E";
    /** What a raw output must not contain: each hidden character, and HTML markup. */
    static final List<String> NEVER_RAW = List.of("\u202E", "\u2066", "\u2069", "\u2028", "\u2029", "\u001b", "\u0000",
            "\u061C", "\u200E", "</script>", "<b>");

    static Finding hostileFinding() {
        CloudTrailEvent event = new CloudTrailEvent();
        event.eventId = "id-" + HOSTILE;
        event.eventTimeMillis = Instant.parse("2024-08-01T13:33:28Z").toEpochMilli();
        event.eventName = "CreateUser";
        event.eventSource = "iam.amazonaws.com";
        event.sourceIpAddress = HOSTILE;
        event.userAgent = HOSTILE;
        event.awsRegion = "us-east-1";
        event.errorCode = "AccessDenied";
        event.errorMessage = HOSTILE;
        event.actor.type = IdentityType.IAM_USER;
        event.actor.arn = "arn:aws:iam::111122223333:user/" + HOSTILE;
        event.actor.accountId = "111122223333";
        event.actor.userName = HOSTILE;
        event.actor.accessKeyId = "AKIA" + HOSTILE;
        event.actor.mfaAuthenticated = false;
        Finding finding = new Finding();
        finding.findingId = "tw-1";
        finding.ruleId = "rule-" + HOSTILE;
        finding.title = HOSTILE;
        finding.severity = Severity.CRITICAL;
        finding.mitre.add(HOSTILE);
        finding.actor = event.actor;
        finding.target = Target.of(Target.Kind.IAM_USER, HOSTILE, "arn:aws:iam::111122223333:user/" + HOSTILE, "111122223333");
        finding.events.add(event);
        finding.response.add(PlannedAction.of(PlannedAction.Type.CONTAIN, finding.target, true, HOSTILE));
        finding.response.add(PlannedAction.of(PlannedAction.Type.ALERT, null, false, null));
        return finding;
    }

    private static void assertNothingRaw(String output) {
        for (String hidden : NEVER_RAW) {
            assertThat(output).as("raw %s", Integer.toHexString(hidden.codePointAt(0)))
                    .doesNotContain(hidden);
        }
    }

    @Test
    void aHostileFindingValidatesRoundTripsAndHoldsNothingRaw() {
        String line = FindingJson.line(FindingDocument.of(hostileFinding(), FindingDocument.Limits.TOOLS));

        assertThat(line).doesNotContain("\n").contains("\\u202E", "\\u2028", "\\u001B", "\\u003C/script\\u003E", "\\\\u001b");
        assertNothingRaw(line);
        JsonNode json = FindingSchema.valid(line, "finding");
        assertThat(json.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(json.get("severity").asText()).isEqualTo("CRITICAL");
        assertThat(json.get("title").asText()).isEqualTo(HOSTILE);
        assertThat(json.at("/principal/userName").asText()).isEqualTo(HOSTILE);
        assertThat(json.at("/target/name").asText()).isEqualTo(HOSTILE);
        assertThat(json.at("/events/0/userAgent").asText()).isEqualTo(HOSTILE);
        assertThat(json.at("/events/0/sourceIPAddress").asText()).isEqualTo(HOSTILE);
        assertThat(json.at("/response/0/note").asText()).isEqualTo(HOSTILE);
        assertThat(json.at("/response/0/action").asText()).isEqualTo("CONTAIN");
    }

    @Test
    void charactersOutsideTheBasicPlaneRoundTripAndALoneSurrogateIsEscaped() {
        Finding finding = hostileFinding();
        finding.title = "user \uD83D\uDE00 lone \uD800 end";
        String line = FindingJson.line(FindingDocument.of(finding, FindingDocument.Limits.TOOLS));

        assertThat(line.chars().anyMatch(c -> Character.isSurrogate((char) c))).isFalse();
        assertThat(FindingSchema.valid(line, "finding").get("title").asText()).isEqualTo(finding.title);
    }

    @Test
    void auditAndDeadLetterRecordsValidateAndHoldNothingRaw() {
        String audit = FindingJson.line(AuditRecord.of("tw-1", "rule", "CONTAIN", "arn:aws:iam::111122223333:user/" + HOSTILE,
                "111122223333", "FAILED", HOSTILE, 1_722_519_208_000L, 12));
        assertNothingRaw(audit);
        JsonNode auditJson = FindingSchema.valid(audit, "audit");
        assertThat(auditJson.get("detail").asText()).isEqualTo(HOSTILE);
        assertThat(auditJson.get("startedAt").asText()).isEqualTo("2024-08-01T13:33:28Z");

        DeadLetter letter = DeadLetter.of("parse", "bad JSON near " + HOSTILE, "file.json:1", HOSTILE + "x".repeat(10_000));
        String deadLetter = FindingJson.line(DeadLetterRecord.of(letter));
        assertNothingRaw(deadLetter);
        JsonNode deadLetterJson = FindingSchema.valid(deadLetter, "dead-letter");
        assertThat(deadLetterJson.get("reason").asText()).isEqualTo("bad JSON near " + HOSTILE);
        assertThat(deadLetterJson.get("raw").asText()).startsWith(HOSTILE).hasSize(DeadLetter.MAX_RAW_CHARS);
        assertThat(deadLetterJson.get("rawLength").asLong()).isEqualTo(HOSTILE.length() + 10_000);
    }

    @Test
    void theSchemaRejectsTheOldShapes() {
        ObjectNode finding = (ObjectNode) FindingSchema.valid(
                FindingJson.line(FindingDocument.of(hostileFinding(), FindingDocument.Limits.TOOLS)), "finding");

        assertThat(FindingSchema.errors(finding.deepCopy().put("severity", "critical"))).isNotEmpty();
        assertThat(FindingSchema.errors(finding.deepCopy().put("sourceIp", "1.2.3.4"))).isNotEmpty();
        assertThat(FindingSchema.errors(finding.deepCopy().put("schemaVersion", 2))).isNotEmpty();
        assertThat(FindingSchema.errors(finding.deepCopy().put("type", "audit"))).isNotEmpty();
        ObjectNode event = (ObjectNode) finding.deepCopy().get("events").get(0);
        assertThat(FindingSchema.errors(event)).isNotEmpty();
        ObjectNode badTime = finding.deepCopy();
        ((ObjectNode) badTime.get("events").get(0)).put("eventTime", "yesterday");
        assertThat(FindingSchema.errors(badTime)).isNotEmpty();
    }

    @Test
    void aFindingTooLargeForItsBoundListsFewerEventsAndCountsTheRest() {
        Finding finding = hostileFinding();
        for (int i = 0; i < 200; i++) {
            finding.events.add(finding.events.get(0));
        }
        FindingDocument document = FindingDocument.fitting(finding, new FindingDocument.Limits(Integer.MAX_VALUE, 256),
                doc -> FindingJson.line(doc).length(), DeadLetter.MAX_RAW_CHARS);
        String line = FindingJson.line(document);

        assertThat(line.length()).isLessThanOrEqualTo(DeadLetter.MAX_RAW_CHARS);
        JsonNode json = FindingSchema.valid(line, "finding");
        assertThat(json.get("eventCount").asInt()).isEqualTo(201);
        assertThat(json.get("events").size()).isBetween(1, 200);
        assertThat(json.get("eventsOmitted").asInt()).isEqualTo(201 - json.get("events").size());
    }
}
