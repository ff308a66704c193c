package io.trailwarden.pipeline;

import static io.trailwarden.pipeline.HeldBackSequenceITCase.unit;
import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.DetectionConfig;
import io.trailwarden.finding.Finding;
import io.trailwarden.source.RawInput;
import io.trailwarden.testing.PackagedRules;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11 item 3 in the streaming job: the input never ends and event time moves only as records
 * arrive. A backdoor's grant reaches the job two hours behind the watermark, after its other steps and
 * after later traffic; the finding must still come, once. Another backdoor's grant arrives 26 hours
 * late, beyond the default allowedLateness of 24 hours, and gives none.
 */
class LateDeliveryITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final String RULE_ID = "backdoor-admin-user";

    @Test
    void aStepDeliveredTwoHoursLateCompletesTheBackdoorOnceAndOneBeyondAllowedLatenessDoesNot() throws Exception {
        // The rule's real records: AttachUserPolicy, CreateAccessKey, CreateUser of one detonation.
        List<String> real = PackagedRules.testRecords(RULE_ID, 0);
        Instant t0 = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        Instant old = t0.minus(Duration.ofHours(24));
        String otherUser = "malicious-iam-user-2";
        List<RawInput> units = List.of(
                unit("old-created", real.get(2).replace("malicious-iam-user", otherUser), old),
                unit("old-key", real.get(1).replace("malicious-iam-user", otherUser), old.plusSeconds(120)),
                unit("created", real.get(2), t0),
                unit("key", real.get(1), t0.plusSeconds(120)),
                // Later calls of someone else move event time two hours past the backdoor.
                unit("later", real.get(2).replace("\"CreateUser\"", "\"ListUsers\"")
                        .replace("user/christophe", "user/someone-else"), t0.plus(Duration.ofHours(2))),
                RawInput.of(EndlessSource.PAUSE, "{}"),
                unit("admin", real.get(0), t0.plusSeconds(70)),
                unit("old-admin", real.get(0).replace("malicious-iam-user", otherUser), old.plusSeconds(70)));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.getConfig().setAutoWatermarkInterval(50);
        TrailWardenTopology.Outputs outputs = TrailWardenTopology.build(
                env.addSource(new EndlessSource(units), TypeInformation.of(RawInput.class)).setParallelism(1),
                DetectionConfig.defaults(), PackagedRules.only(RULE_ID));
        CloseableIterator<Finding> findings = outputs.findings.collectAsync();
        JobClient job = env.executeAsync("late-delivery");
        try {
            Finding finding = CompletableFuture.supplyAsync(findings::next).get(90, TimeUnit.SECONDS);

            assertThat(finding.ruleId).isEqualTo(RULE_ID);
            assertThat(finding.target.name).isEqualTo("malicious-iam-user");
            assertThat(finding.events.stream().map(event -> event.eventId).collect(Collectors.toList()))
                    .containsExactly("created", "admin", "key");
            CompletableFuture<Finding> another = CompletableFuture.supplyAsync(findings::next);
            assertThat(another).as("no second finding, none for the grant beyond allowedLateness")
                    .failsWithin(Duration.ofSeconds(10)).withThrowableOfType(TimeoutException.class);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
            findings.close();
        }
    }
}
