package io.trailwarden.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.DetectionConfig;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.DeadLetter;
import io.trailwarden.finding.Finding;
import io.trailwarden.source.RawInput;
import io.trailwarden.testing.PackagedRules;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Records whose arn escapes half of a surrogate pair ({@code "\ud800"}), which JSON allows. Were the
 * half kept, the parse side would key the event by it and the dedup side by the {@code ?} that its
 * UTF-8 decodes to after the shuffle: a key outside the receiving subtask's key groups fails the job,
 * and on Kinesis the restarted job reads the same record again. The job must finish, the records must
 * reach detection, and the backdoor built alongside them must still be found.
 */
class LoneSurrogateITCase {
    private static final int PARALLELISM = 2;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(PARALLELISM)
            .build());

    private static final String RULE_ID = "backdoor-admin-user";
    private static final String ARN = "arn:aws:iam::229654561268:user/christophe";
    private static final int HOSTILE_RECORDS = 50;

    @Test
    void arnsWithLoneSurrogatesNeitherStopTheJobNorHideTheBackdoor() throws Exception {
        List<String> attack = PackagedRules.testRecords(RULE_ID, 0);
        List<RawInput> units = new ArrayList<>();
        List<String> keptArns = new ArrayList<>();
        int movedByTheOldEncoding = 0;
        for (int i = 0; i < HOSTILE_RECORDS; i++) {
            // High and low halves, before, inside and after the user name.
            char half = (char) (Character.MIN_SURROGATE + i * 97 % (Character.MAX_SURROGATE - Character.MIN_SURROGATE + 1));
            String name = "christophe-" + i;
            int at = i % 3 == 0 ? 0 : i % 3 == 1 ? 5 : name.length();
            String arn = ARN.substring(0, ARN.lastIndexOf('/') + 1) + name.substring(0, at) + half + name.substring(at);
            units.add(RawInput.of("hostile:" + i, attack.get(1)
                    .replace("94faedcc-0fa4-46e6-9322-022e8e934f04", "hostile-" + i)
                    .replace("\"CreateAccessKey\"", "\"GetUser\"")
                    .replace(ARN, arn.replace(String.valueOf(half), String.format("\\u%04x", (int) half)))));
            keptArns.add(arn.replace(half, '\uFFFD'));
            if (operatorIndex(arn) != operatorIndex(new String(arn.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))) {
                movedByTheOldEncoding++;
            }
        }
        assertThat(movedByTheOldEncoding).as("records that the half kept as it came would send to the wrong subtask")
                .isPositive();
        for (int i = 0; i < attack.size(); i++) {
            units.add(RawInput.of("attack:" + i, attack.get(i)));
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        TrailWardenTopologyITCase.EventCapture detection = new TrailWardenTopologyITCase.EventCapture(PackagedRules.only(RULE_ID));
        TrailWardenTopology.Outputs outputs = TrailWardenTopology.build(
                env.fromData(units).rebalance(), DetectionConfig.defaults(), detection);
        CloseableIterator<Finding> findingsOut = outputs.findings.collectAsync();
        CloseableIterator<DeadLetter> deadLettersOut = outputs.deadLetters.collectAsync();
        JobClient job = env.executeAsync("lone-surrogates");

        List<Finding> findings = TrailWardenTopologyITCase.drain(findingsOut);
        List<DeadLetter> deadLetters = TrailWardenTopologyITCase.drain(deadLettersOut);
        List<CloudTrailEvent> detected = TrailWardenTopologyITCase.drain(detection.events);
        job.getJobExecutionResult().get();

        assertThat(findings).extracting(finding -> finding.ruleId).containsExactly(RULE_ID);
        assertThat(findings.get(0).target.name).isEqualTo("malicious-iam-user");
        assertThat(deadLetters).isEmpty();
        assertThat(detected.stream().filter(event -> event.eventId.startsWith("hostile-"))
                        .map(event -> event.actor.arn).collect(Collectors.toList()))
                .containsExactlyInAnyOrderElementsOf(keptArns);
    }

    /** The dedup subtask a principal key goes to, at the job's parallelism and Flink's default key groups. */
    private static int operatorIndex(String key) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(
                key, KeyGroupRangeAssignment.computeDefaultMaxParallelism(PARALLELISM), PARALLELISM);
    }
}
