package io.trailwarden.rules.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.ListsConfig;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleCompiler;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.source.RawInput;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Suppression of the real ec2-password-data-retrieval-burst's repeated findings, on its operator. */
class FindingSuppressionHarnessTest {
    private CompiledRule rule;
    private KeyedOneInputStreamOperatorTestHarness<String, Finding, Finding> harness;

    @BeforeEach
    void open() throws Exception {
        Rule loaded = RepoRules.rule("ec2-password-data-retrieval-burst");
        rule = new RuleCompiler(ListsConfig.defaults().lists).compile(loaded);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new FindingSuppression(List.of(rule))),
                new FindingSuppression.IncidentKey(List.of(rule)), Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private Finding finding(String id, String arn, String time) {
        String record = "{\"eventVersion\": \"1.09\", \"eventTime\": \"" + time + "\", \"eventID\": \"" + id + "\","
                + " \"eventSource\": \"ec2.amazonaws.com\", \"eventName\": \"GetPasswordData\", \"awsRegion\": \"us-east-1\","
                + " \"userIdentity\": {\"type\": \"AssumedRole\", \"arn\": \"" + arn + "\", \"principalId\": \"AROA:" + arn + "\"}}";
        CloudTrailEvent event = new CloudTrailParser().parseAll(RawInput.of(id, record)).events.get(0);
        return rule.finding(List.of(event), null);
    }

    private void feed(Finding... findings) throws Exception {
        for (Finding finding : findings) {
            harness.processElement(new StreamRecord<>(finding, finding.lastEventTimeMillis()));
        }
    }

    private List<Finding> records() {
        List<Finding> records = new ArrayList<>();
        for (Object output : harness.getOutput()) {
            if (output instanceof StreamRecord) {
                records.add((Finding) ((StreamRecord<?>) output).getValue());
            }
        }
        return records;
    }

    private List<String> emitted() {
        List<String> ids = new ArrayList<>();
        for (Object output : harness.getOutput()) {
            if (output instanceof StreamRecord) {
                ids.add(((Finding) ((StreamRecord<?>) output).getValue()).events.get(0).eventId);
            }
        }
        return ids;
    }

    @Test
    void refiringsWithinThePeriodAreOneIncidentAndEachExtendsIt() throws Exception {
        feed(finding("a", "arn:r/1", "2026-01-01T00:00:00Z"), finding("b", "arn:r/1", "2026-01-01T00:50:00Z"),
                finding("c", "arn:r/1", "2026-01-01T01:40:00Z"));

        assertThat(emitted()).as("c is 50 minutes after b, which extended the incident").containsExactly("a");
    }

    @Test
    void aMatchAfterThePeriodIsANewIncident() throws Exception {
        feed(finding("a", "arn:r/1", "2026-01-01T00:00:00Z"), finding("b", "arn:r/1", "2026-01-01T01:00:00Z"));

        assertThat(emitted()).containsExactly("a", "b");
    }

    @Test
    void keysAreSuppressedSeparatelyAndCaseVariedArnsAreDifferentKeys() throws Exception {
        feed(finding("a", "arn:r/1", "2026-01-01T00:00:00Z"), finding("b", "arn:r/2", "2026-01-01T00:01:00Z"),
                finding("c", "ARN:R/1", "2026-01-01T00:02:00Z"), finding("d", "arn:r/2", "2026-01-01T00:03:00Z"));

        assertThat(emitted()).containsExactly("a", "b", "c");
    }

    @Test
    void rulesSharingTheOperatorNeverShareAnIncidentAndEachKeepsItsOwnPeriod() throws Exception {
        Rule other = RepoRules.rule("ec2-serial-console-access");
        CompiledRule match = new RuleCompiler(ListsConfig.defaults().lists).compile(other);
        harness.close();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new FindingSuppression(List.of(rule, match))),
                new FindingSuppression.IncidentKey(List.of(rule, match)), Types.STRING);
        harness.open();
        Finding burst = finding("a", "arn:r/1", "2026-01-01T00:00:00Z");
        Finding sameEventOtherRule = match.finding(burst.events, null);
        Finding burstLater = finding("b", "arn:r/1", "2026-01-01T00:30:00Z");
        Finding otherRuleLater = match.finding(burstLater.events, null);

        feed(burst, sameEventOtherRule, burstLater, otherRuleLater);

        assertThat(match.suppression).isLessThan(java.time.Duration.ofMinutes(30));
        assertThat(records()).extracting(f -> f.ruleId + " " + f.events.get(0).eventId).containsExactly(
                "ec2-password-data-retrieval-burst a", "ec2-serial-console-access a",
                "ec2-serial-console-access b");
    }

    @Test
    void stateIsClearedWhenThePeriodPasses() throws Exception {
        feed(finding("a", "arn:r/1", "2026-01-01T00:00:00Z"));
        assertThat(harness.numKeyedStateEntries()).isPositive();

        harness.processWatermark(java.time.Instant.parse("2026-01-01T01:00:00Z").toEpochMilli());

        assertThat(harness.numKeyedStateEntries()).isZero();
        feed(finding("b", "arn:r/1", "2026-01-01T01:00:01Z"));
        assertThat(emitted().stream().collect(Collectors.toList())).containsExactly("a", "b");
    }

    @Test
    void aMatchRuleKeepsIncidentsAgainstDifferentTargetsApart() throws Exception {
        Rule loaded = RepoRules.rule("iam-access-key-created-for-other-user");
        CompiledRule keys = new RuleCompiler(ListsConfig.defaults().lists).compile(loaded);
        harness.close();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new FindingSuppression(List.of(keys))),
                new FindingSuppression.IncidentKey(List.of(keys)), Types.STRING);
        harness.open();
        String[][] calls = {{"k1", "alice"}, {"k2", "bob"}, {"k3", "alice"}, {"k4", "alice:"}, {"k5", "bob"}};
        for (String[] call : calls) {
            String record = "{\"eventVersion\": \"1.09\", \"eventTime\": \"2026-01-01T00:00:0" + call[0].charAt(1) + "Z\","
                    + " \"eventID\": \"" + call[0] + "\", \"eventSource\": \"iam.amazonaws.com\", \"eventName\": \"CreateAccessKey\","
                    + " \"awsRegion\": \"us-east-1\", \"requestParameters\": {\"userName\": \"" + call[1] + "\"},"
                    + " \"userIdentity\": {\"type\": \"IAMUser\", \"userName\": \"admin\", \"arn\": \"arn:aws:iam::1:user/admin\","
                    + " \"principalId\": \"AIDAADMIN\"}}";
            CloudTrailEvent event = new CloudTrailParser().parseAll(RawInput.of(call[0], record)).events.get(0);
            assertThat(keys.matchesSingle(event)).isTrue();
            Finding finding = keys.finding(List.of(event), null);
            harness.processElement(new StreamRecord<>(finding, event.eventTimeMillis));
        }

        assertThat(emitted()).as("each user whose key was created is its own incident").containsExactly("k1", "k2", "k4");

        harness.processWatermark(java.time.Instant.parse("2026-01-01T02:00:00Z").toEpochMilli());
        List<Finding> records = records();
        Finding aliceOpened = records.get(0);
        Finding aliceClosed = records.stream().filter(record -> record.incidentUpdate
                && record.findingId.equals(aliceOpened.findingId)).findFirst().orElseThrow();
        assertThat(aliceOpened.response).extracting(action -> action.type.name()).contains("CONTAIN");
        assertThat(aliceClosed.response).as("the update contains nothing again: the opening finding did").isEmpty();
        assertThat(aliceClosed.matches).isEqualTo(2);
    }

    @Test
    void anIncidentOfSeveralMatchesIsClosedByAnUpdateWithItsCountAndSpan() throws Exception {
        Finding first = finding("a", "arn:r/1", "2026-01-01T00:00:00Z");
        feed(first, finding("b", "arn:r/1", "2026-01-01T00:20:00Z"), finding("c", "arn:r/1", "2026-01-01T00:50:00Z"));
        assertThat(records()).as("nothing but the opening finding before the incident closes").hasSize(1);

        harness.processWatermark(java.time.Instant.parse("2026-01-01T01:50:00Z").toEpochMilli());

        List<Finding> records = records();
        assertThat(records).hasSize(2);
        Finding update = records.get(1);
        assertThat(update.incidentUpdate).isTrue();
        assertThat(update.findingId).as("the update names the finding it closes").isEqualTo(first.findingId);
        assertThat(update.matches).isEqualTo(3);
        assertThat(java.time.Instant.ofEpochMilli(update.incidentStart())).hasToString("2026-01-01T00:00:00Z");
        assertThat(java.time.Instant.ofEpochMilli(update.incidentEnd())).hasToString("2026-01-01T00:50:00Z");
        assertThat(update.events).extracting(event -> event.eventId).as("the opening and the latest match").containsExactly("a", "c");
        assertThat(records.get(0).matches).isEqualTo(1);
        assertThat(records.get(0).incidentUpdate).isFalse();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void anIncidentOfOneMatchClosesWithoutAnUpdate() throws Exception {
        feed(finding("a", "arn:r/1", "2026-01-01T00:00:00Z"), finding("b", "arn:r/2", "2026-01-01T00:01:00Z"),
                finding("c", "arn:r/2", "2026-01-01T00:02:00Z"));

        harness.processWatermark(java.time.Instant.parse("2026-01-01T02:00:00Z").toEpochMilli());

        assertThat(records()).extracting(record -> record.events.get(0).eventId + (record.incidentUpdate ? " update " + record.matches : ""))
                .containsExactly("a", "b", "b update 2");
    }

    @Test
    void aNewIncidentBeforeTheTimerFiredStillClosesTheOldOneFirst() throws Exception {
        feed(finding("a", "arn:r/1", "2026-01-01T00:00:00Z"), finding("b", "arn:r/1", "2026-01-01T00:30:00Z"),
                finding("c", "arn:r/1", "2026-01-01T02:00:00Z"));

        assertThat(records()).extracting(record -> record.events.get(0).eventId + (record.incidentUpdate ? " update " + record.matches : ""))
                .containsExactly("a", "a update 2", "c");
    }
}
