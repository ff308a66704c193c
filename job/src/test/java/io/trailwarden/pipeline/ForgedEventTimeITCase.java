package io.trailwarden.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.DetectionConfig;
import io.trailwarden.event.AdmissionPolicy;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.DeadLetter;
import io.trailwarden.finding.Finding;
import io.trailwarden.source.RawInput;
import io.trailwarden.testing.PackagedRules;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The attack of issue 11: one record dated 2099 moved the watermark, every real event after it was
 * late, and the backdoor sequence was missed. The forged record goes first, and the input pauses after
 * it long enough for the periodic watermark to be emitted, so a watermark taken from it would make the
 * whole backdoor late.
 */
class ForgedEventTimeITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(1)
            .build());

    private static final String RULE_ID = "backdoor-admin-user";

    @Test
    void aRecordDated2099NeitherMovesEventTimeNorHidesTheBackdoor() throws Exception {
        // The rule's own real records, the three calls of one detonation in one second.
        List<String> attack = PackagedRules.testRecords(RULE_ID, 0);
        String forged = attack.get(2)
                .replace("3346344c-5a3e-429e-8405-420f98f75d6e", "forged-2099")
                .replace("2024-08-01T13:33:28Z", "2099-01-01T00:00:00Z")
                .replace("\"CreateUser\"", "\"ListUsers\"");
        List<RawInput> units = new ArrayList<>();
        units.add(RawInput.of("forged", forged));
        for (int i = 0; i < attack.size(); i++) {
            units.add(RawInput.of("attack:" + i, attack.get(i)));
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.getConfig().setAutoWatermarkInterval(50);
        TrailWardenTopology.Outputs outputs = TrailWardenTopology.build(
                env.fromData(units).map(new PauseAfterForged()).disableChaining(),
                DetectionConfig.defaults(), AdmissionPolicy.archives(DetectionConfig.defaults()),
                PackagedRules.only(RULE_ID));
        CloseableIterator<Finding> findingsOut = outputs.findings.collectAsync();
        CloseableIterator<DeadLetter> deadLettersOut = outputs.deadLetters.collectAsync();
        env.executeAsync("forged-event-time");

        List<Finding> findings = TrailWardenTopologyITCase.drain(findingsOut);
        List<DeadLetter> deadLetters = TrailWardenTopologyITCase.drain(deadLettersOut);

        assertThat(findings).extracting(finding -> finding.ruleId).containsExactly(RULE_ID);
        assertThat(findings.get(0).target.name).isEqualTo("malicious-iam-user");
        assertThat(deadLetters).extracting(letter -> letter.stage + " " + letter.origin)
                .containsExactly(CloudTrailParser.FUTURE_DATED_STAGE + " forged");
    }

    /** Holds the first real record back until the parse task has had time to emit a watermark. */
    private static final class PauseAfterForged implements MapFunction<RawInput, RawInput> {
        private static final long serialVersionUID = 1L;

        @Override
        public RawInput map(RawInput unit) throws InterruptedException {
            if ("attack:0".equals(unit.origin)) {
                Thread.sleep(1000);
            }
            return unit;
        }
    }
}
