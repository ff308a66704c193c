package io.trailwarden.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.config.DetectionConfig;
import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.source.RawInput;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The attacks on provenance and time that the parser refuses, each tried against the real record shapes. */
class AdmissionPolicyTest {
    private static final String API_CALL = "AWS API Call via CloudTrail";
    /** The corpus account: every corpus record's recipientAccountId. */
    private static final String ACCOUNT = "229654561268";
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    private static DetectionConfig detection(String... expectedAccounts) {
        DetectionConfig defaults = DetectionConfig.defaults();
        return new DetectionConfig(defaults.outOfOrderness, defaults.idleness, defaults.dedupTtl, defaults.maxRuleWindow,
                defaults.maxClockSkew, List.of(expectedAccounts));
    }

    private static CloudTrailParser stream(DetectionConfig config) {
        return new CloudTrailParser(AdmissionPolicy.eventBridgeStream(config, false)
                .withClock(Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    private static CloudTrailParser archives(DetectionConfig config) {
        return new CloudTrailParser(AdmissionPolicy.archives(config).withClock(Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    private static ObjectNode createUser() {
        return Corpus.first(r -> r.get("eventName").asText().equals("CreateUser"));
    }

    private static List<String> refusals(ParseResult result) {
        return result.deadLetters.stream().map(d -> d.stage + ": " + d.reason).collect(Collectors.toList());
    }

    @Test
    void aGenuineEnvelopeIsAdmittedOnTheStream() {
        ParseResult result = stream(detection()).parseAll(Records.unit("k", Records.envelope(API_CALL, createUser())));

        assertThat(result.deadLetters).isEmpty();
        assertThat(result.events).extracting(e -> e.eventName).containsExactly("CreateUser");
    }

    /** The attack of the issue: any principal allowed events:PutEvents picks the detail-type, not the source. */
    @ParameterizedTest
    @ValueSource(strings = {"attacker.custom", "AWS.iam", " aws.iam", "aws", "awsx.iam", "amazon.iam", ""})
    void anEnvelopeWhoseSourceIsNotAnAwsServiceIsRefused(String source) {
        ObjectNode forged = Records.envelope(API_CALL, createUser());
        forged.put("source", source);

        for (CloudTrailParser parser : List.of(stream(detection()), archives(detection()))) {
            ParseResult result = parser.parseAll(Records.unit("k", forged));

            assertThat(result.events).isEmpty();
            assertThat(refusals(result)).containsExactly("provenance: EventBridge source " + CloudTrailParser.quote(source)
                    + ": not an AWS service (only AWS sends events whose source starts with \"aws.\")");
        }
    }

    @Test
    void anEnvelopeWithoutASourceStringIsRefused() {
        ObjectNode missing = Records.envelope(API_CALL, createUser());
        missing.remove("source");
        ObjectNode number = Records.envelope(API_CALL, createUser());
        number.put("source", 7);

        assertThat(refusals(stream(detection()).parseAll(Records.unit("k", missing)))).singleElement().asString()
                .startsWith("provenance: EventBridge source is missing: not an AWS service");
        assertThat(refusals(stream(detection()).parseAll(Records.unit("k", number)))).singleElement().asString()
                .startsWith("provenance: EventBridge source is a number: not an AWS service");
    }

    @Test
    void anEnvelopeWhoseAccountIsNotTheRecordsRecipientIsRefused() {
        ObjectNode otherAccount = Records.envelope(API_CALL, createUser());
        otherAccount.put("account", "111122223333");
        ObjectNode noAccount = Records.envelope(API_CALL, createUser());
        noAccount.remove("account");
        ObjectNode noRecipient = Records.envelope(API_CALL, createUser().deepCopy());
        ((ObjectNode) noRecipient.get("detail")).remove("recipientAccountId");

        assertThat(refusals(stream(detection()).parseAll(Records.unit("k", otherAccount)))).containsExactly(
                "provenance: EventBridge account \"111122223333\" differs from the record's recipientAccountId \""
                        + ACCOUNT + "\"");
        assertThat(refusals(stream(detection()).parseAll(Records.unit("k", noAccount)))).containsExactly(
                "provenance: EventBridge account is missing, expected the record's account id");
        assertThat(refusals(stream(detection()).parseAll(Records.unit("k", noRecipient)))).containsExactly(
                "provenance: EventBridge account \"" + ACCOUNT + "\" differs from the record's recipientAccountId null");
    }

    @Test
    void withExpectedAccountsOnlyTheirRecordsAreAdmittedInEveryShape() {
        ObjectNode foreign = createUser().deepCopy();
        foreign.put("recipientAccountId", "111122223333");
        ObjectNode noRecipient = createUser().deepCopy();
        noRecipient.remove("recipientAccountId");
        CloudTrailParser expectingCorpus = archives(detection(ACCOUNT, "210987654321"));
        CloudTrailParser expectingOthers = archives(detection("210987654321"));

        assertThat(expectingCorpus.parseAll(Records.unit("k", createUser())).events).hasSize(1);
        assertThat(expectingCorpus.parseAll(Records.unit("k", Records.envelope(API_CALL, createUser()))).events).hasSize(1);
        assertThat(refusals(expectingCorpus.parseAll(Records.unit("k", Records.recordsFile(createUser(), foreign, noRecipient)))))
                .containsExactly(
                        "provenance: recipientAccountId \"111122223333\" is not one of the expected accounts"
                                + " (TrailWarden.Detection.expectedAccounts)",
                        "provenance: recipientAccountId null is not one of the expected accounts"
                                + " (TrailWarden.Detection.expectedAccounts)");
        assertThat(refusals(expectingOthers.parseAll(Records.unit("k", Records.envelope(API_CALL, createUser())))))
                .containsExactly("provenance: recipientAccountId \"" + ACCOUNT + "\" is not one of the expected accounts"
                        + " (TrailWarden.Detection.expectedAccounts)");
    }

    @Test
    void theStreamRefusesBareRecordsAndRecordsFilesUnlessConfigured() {
        String bare = createUser().toString();
        String recordsFile = Records.recordsFile(createUser(), createUser()).toString();
        String refusal = "provenance: a bare record on a stream that takes only EventBridge envelopes"
                + " (TrailWarden.Source.acceptBareRecords admits them)";
        CloudTrailParser configured = new CloudTrailParser(AdmissionPolicy.eventBridgeStream(detection(), true));

        assertThat(refusals(stream(detection()).parseAll(Records.unit("k", bare)))).containsExactly(refusal);
        assertThat(refusals(stream(detection()).parseAll(Records.unit("k", recordsFile)))).containsExactly(refusal, refusal);
        assertThat(refusals(stream(detection()).parseAll(RawInput.of("k", Records.gzip(bare.getBytes(StandardCharsets.UTF_8)))))).containsExactly(refusal);
        assertThat(configured.parseAll(Records.unit("k", bare)).events).hasSize(1);
        assertThat(configured.parseAll(Records.unit("k", recordsFile)).events).hasSize(2);
    }

    @Test
    void archivesKeepEveryShapeOfEveryCorpusRecord() {
        ParseResult lines = archives(detection()).parseAll(
                RawInput.of("lines", Corpus.bytes(Corpus.RECORDS_FILE)));

        assertThat(lines.deadLetters).isEmpty();
        assertThat(lines.events).hasSize(Corpus.RECORD_COUNT);
    }

    @Test
    void theSourceGroupAdmitsBareRecordsOnlyWhenAsked() throws Exception {
        assertThat(TrailWardenConfig.defaults().source.acceptBareRecords).isFalse();
        TrailWardenConfig asked = TrailWardenConfig.from(PropertyGroups.of(Map.of("TrailWarden.Source", Map.of(
                "streamName", "s", "region", "us-east-1", "acceptBareRecords", "true"),
                "TrailWarden.Detection", Map.of("expectedAccounts", "123456789012, 210987654321", "maxClockSkew", "2m"))));

        assertThat(asked.source.acceptBareRecords).isTrue();
        assertThat(asked.detection.expectedAccounts).containsExactly("123456789012", "210987654321");
        assertThat(asked.detection.maxClockSkew).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> TrailWardenConfig.from(PropertyGroups.of(Map.of(
                        "TrailWarden.Detection", Map.of("expectedAccounts", "12345")))))
                .hasMessageContaining("'12345' is not a 12-digit account id");
    }

    /** The attack of the issue: one record dated 2099 moved the watermark past every real event. */
    @ParameterizedTest
    @ValueSource(strings = {"2099-01-01T00:00:00Z", "2026-11-29T12:05:01Z", "2026-11-29T13:00:00+00:30"})
    void aRecordDatedBeyondTheClockSkewIsFutureDated(String eventTime) {
        ObjectNode future = createUser().deepCopy();
        future.put("eventTime", eventTime);

        for (CloudTrailParser parser : List.of(stream(detection()), archives(detection()))) {
            ParseResult result = parser.parseAll(Records.unit("k", Records.envelope(API_CALL, future)));

            assertThat(result.events).isEmpty();
            assertThat(refusals(result)).singleElement().asString()
                    .startsWith("future-dated: eventTime ")
                    .contains("ahead of processing time 2026-11-29T12:00:00Z, more than maxClockSkew PT5M");
        }
    }

    /** Future is relative to processing time: a replay of an old archive, and ordinary drift, are admitted. */
    @ParameterizedTest
    @ValueSource(strings = {"2019-01-01T00:00:00Z", "2026-11-29T12:04:59Z", "2026-11-29T12:05:00Z"})
    void aRecordWithinTheClockSkewOrInThePastIsAdmitted(String eventTime) {
        ObjectNode record = createUser().deepCopy();
        record.put("eventTime", eventTime);

        assertThat(stream(detection()).parseAll(Records.unit("k", Records.envelope(API_CALL, record))).events).hasSize(1);
    }

    /** CloudTrail delivered this file, by its name, in the minute from here: the replayed archive of November 2024. */
    private static final Instant DELIVERED = Instant.parse("2024-11-05T10:05:00Z");

    private static RawInput deliveredUnit(String eventTime, Instant delivered) {
        ObjectNode record = createUser().deepCopy();
        record.put("eventTime", eventTime);
        RawInput unit = Records.unit("k", Records.recordsFile(record));
        unit.deliveryTimeMillis = delivered == null ? null : delivered.toEpochMilli();
        return unit;
    }

    /**
     * The replay's attack: one record dated now in an old archive is not in the future, yet it would move
     * event time past the whole archive. No genuine record is dated after its file was delivered: the end
     * of the minute the name gives (10:06) plus maxClockSkew (5m) is the last possible eventTime.
     */
    @ParameterizedTest
    @ValueSource(strings = {"2024-11-05T10:11:00.001Z", "2026-11-29T12:00:00Z", "2026-11-29T11:00:00Z"})
    void aRecordDatedAfterItsFileWasDeliveredIsFutureDatedThoughNotAheadOfTheClock(String eventTime) {
        ParseResult result = archives(detection()).parseAll(deliveredUnit(eventTime, DELIVERED));

        assertThat(result.events).isEmpty();
        assertThat(result.deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.origin).isEqualTo("k#Records[0]");
            assertThat(letter.stage + ": " + letter.reason).matches("future-dated: eventTime "
                    + Instant.parse(eventTime) + " is \\d+ s after its file was delivered"
                    + " \\(by 2024-11-05T10:06:00Z, the end of the minute its name gives\\), more than maxClockSkew"
                    + " PT5M: CloudTrail delivers a record only after writing it, kept out of event time");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-11-05T10:11:00Z", "2024-11-05T10:05:59Z", "2024-11-05T10:05:00Z", "2024-11-05T09:50:00Z"})
    void aRecordDatedUpToItsDeliveryPlusTheClockSkewIsAdmitted(String eventTime) {
        ParseResult result = archives(detection()).parseAll(deliveredUnit(eventTime, DELIVERED));

        assertThat(result.deadLetters).isEmpty();
        assertThat(result.events).extracting(e -> e.eventTime().toString()).containsExactly(eventTime);
    }

    /**
     * Without a delivery time (a user's JSON-lines file, a Kinesis record), processing time stays the
     * only reference; and a name claiming a later delivery than now, or a file delivered this very
     * minute, cannot widen the bound past processing time.
     */
    @Test
    void processingTimeBoundsEveryUnitAndIsTheOnlyBoundWithoutADeliveryTime() {
        CloudTrailParser parser = archives(detection());

        assertThat(parser.parseAll(deliveredUnit("2026-11-29T12:00:00Z", null)).events).hasSize(1);
        assertThat(parser.parseAll(deliveredUnit("2026-11-29T12:05:00Z", null)).events).hasSize(1);
        for (Instant delivered : new Instant[] {null, Instant.parse("2099-01-01T00:00:00Z"), NOW.minusSeconds(60)}) {
            assertThat(refusals(parser.parseAll(deliveredUnit("2026-11-29T12:05:00.001Z", delivered))))
                    .as("delivered %s", delivered).singleElement().asString()
                    .contains("s ahead of processing time 2026-11-29T12:00:00Z, more than maxClockSkew PT5M: future-dated");
        }
        assertThat(refusals(parser.parseAll(deliveredUnit("2026-11-29T12:05:00.001Z", NOW.minusSeconds(120)))))
                .singleElement().asString().contains("360 s after its file was delivered (by 2026-11-29T11:59:00Z");
    }
}
