package io.trailwarden.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.DetectionConfig;
import io.trailwarden.event.AdmissionPolicy;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.DeadLetter;
import io.trailwarden.finding.Finding;
import io.trailwarden.source.CloudTrailInputs;
import io.trailwarden.source.RawInput;
import io.trailwarden.testing.PackagedRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack of issue 11: one record dated 2099 moved the watermark, every real event after it was
 * late, and the backdoor sequence was missed. The forged record goes first, and the input pauses after
 * it long enough for the periodic watermark to be emitted, so a watermark taken from it would make the
 * whole backdoor late. In the replay of an old archive a record dated now does the same without being
 * in the future; only its delivery file's name gives it away.
 */
class ForgedEventTimeITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(1)
            .build());

    private static final String RULE_ID = "backdoor-admin-user";
    private static final String REAL_ID = "3346344c-5a3e-429e-8405-420f98f75d6e";
    private static final String REAL_TIME = "2024-08-01T13:33:28Z";

    @Test
    void aRecordDated2099NeitherMovesEventTimeNorHidesTheBackdoor() throws Exception {
        // The rule's own real records, the three calls of one detonation in one second.
        List<String> attack = PackagedRules.testRecords(RULE_ID, 0);
        String forged = attack.get(2)
                .replace(REAL_ID, "forged-2099")
                .replace(REAL_TIME, "2099-01-01T00:00:00Z")
                .replace("\"CreateUser\"", "\"ListUsers\"");
        List<RawInput> units = new ArrayList<>();
        units.add(RawInput.of("forged", forged));
        for (int i = 0; i < attack.size(); i++) {
            units.add(RawInput.of("attack:" + i, attack.get(i)));
        }

        List<DeadLetter> deadLetters = backdoorFoundDespite(environment().fromData(units), "attack:0");

        assertThat(deadLetters).extracting(letter -> letter.stage + " " + letter.origin)
                .containsExactly(CloudTrailParser.FUTURE_DATED_STAGE + " forged");
    }

    /**
     * A replay of August 2024 delivery files, read from disk by the replay's file source: the earliest
     * file holds a genuine call and then one record dated now, which processing time cannot refuse.
     */
    @Test
    void aRecordDatedNowInAnOldDeliveryFileNeitherMovesEventTimeNorHidesTheBackdoor(@TempDir Path archive)
            throws Exception {
        List<String> attack = PackagedRules.testRecords(RULE_ID, 0);
        String genuine = attack.get(2).replace(REAL_ID, "genuine-list").replace(REAL_TIME, "2024-08-01T13:15:00Z")
                .replace("\"CreateUser\"", "\"ListUsers\"");
        String datedNow = attack.get(2).replace(REAL_ID, "dated-now")
                .replace(REAL_TIME, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
                .replace("\"CreateUser\"", "\"ListUsers\"");
        Files.writeString(archive.resolve("229654561268_CloudTrail_us-east-1_20240801T1320Z_early.json"),
                "{\"Records\": [" + genuine + ", " + datedNow + "]}");
        Files.writeString(archive.resolve("229654561268_CloudTrail_us-east-1_20240801T1335Z_attack.json"),
                "{\"Records\": [" + String.join(", ", attack) + "]}");

        List<DeadLetter> deadLetters = backdoorFoundDespite(environment().fromSource(
                CloudTrailInputs.fileSource(List.of(archive)), WatermarkStrategy.noWatermarks(), "archive"), "_attack.json");

        assertThat(deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.stage).isEqualTo(CloudTrailParser.FUTURE_DATED_STAGE);
            assertThat(letter.origin).endsWith("_CloudTrail_us-east-1_20240801T1320Z_early.json#Records[1]");
            assertThat(letter.reason).contains("s after its file was delivered (by 2024-08-01T13:21:00Z")
                    .endsWith("CloudTrail delivers a record only after writing it, kept out of event time");
        });
    }

    /** One slot, and watermarks often enough that one is emitted during a pause. */
    private static StreamExecutionEnvironment environment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.getConfig().setAutoWatermarkInterval(50);
        return env;
    }

    /**
     * Runs {@code input} through the topology with the backdoor rule, pausing before the first unit of
     * the attack (origin containing {@code attackMarker}); checks that the backdoor is found, and returns
     * the dead letters.
     */
    private static List<DeadLetter> backdoorFoundDespite(DataStream<RawInput> input, String attackMarker)
            throws Exception {
        TrailWardenTopology.Outputs outputs = TrailWardenTopology.build(
                input.map(new PauseBefore(attackMarker)).disableChaining(),
                DetectionConfig.defaults(), AdmissionPolicy.archives(DetectionConfig.defaults()),
                PackagedRules.only(RULE_ID));
        CloseableIterator<Finding> findingsOut = outputs.findings.collectAsync();
        CloseableIterator<DeadLetter> deadLettersOut = outputs.deadLetters.collectAsync();
        input.getExecutionEnvironment().executeAsync("forged-event-time");

        List<Finding> findings = TrailWardenTopologyITCase.drain(findingsOut);
        List<DeadLetter> deadLetters = TrailWardenTopologyITCase.drain(deadLettersOut);

        assertThat(findings).extracting(finding -> finding.ruleId).containsExactly(RULE_ID);
        assertThat(findings.get(0).target.name).isEqualTo("malicious-iam-user");
        return deadLetters;
    }

    /** Holds the first unit of the attack back until the parse task has had time to emit a watermark. */
    private static final class PauseBefore implements MapFunction<RawInput, RawInput> {
        private static final long serialVersionUID = 1L;
        private final String marker;
        private boolean paused;

        PauseBefore(String marker) {
            this.marker = marker;
        }

        @Override
        public RawInput map(RawInput unit) throws InterruptedException {
            if (!paused && unit.origin.contains(marker)) {
                paused = true;
                Thread.sleep(1000);
            }
            return unit;
        }
    }
}
