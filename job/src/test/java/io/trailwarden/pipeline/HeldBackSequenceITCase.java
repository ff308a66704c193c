package io.trailwarden.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.DetectionConfig;
import io.trailwarden.finding.Finding;
import io.trailwarden.source.RawInput;
import io.trailwarden.testing.PackagedRules;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * Issue 11 item 7 in the streaming job: the input never ends, so event time moves only as records
 * arrive, as in production. The principal first creates an unrelated user, then builds a backdoor; the
 * backdoor finding must come once the watermark passes its last step. Under flink-cep's skip strategies
 * it waited for the unrelated partial match's 30-minute window, which this input never reaches.
 */
class HeldBackSequenceITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final String RULE_ID = "backdoor-admin-user";
    private static final String REAL_TIME = "2024-08-01T13:33:28Z";

    @Test
    void theBackdoorFindingComesAtTheWatermarkOfItsLastStepNotAtTheUnrelatedPartialsTimeout() throws Exception {
        // The rule's real records: AttachUserPolicy, CreateAccessKey, CreateUser of one detonation.
        List<String> real = PackagedRules.testRecords(RULE_ID, 0);
        Instant t0 = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        List<RawInput> units = List.of(
                unit("unrelated", real.get(2).replace("malicious-iam-user", "contractor"), t0),
                unit("created", real.get(2), t0.plusSeconds(60)),
                unit("admin", real.get(0), t0.plusSeconds(70)),
                unit("key", real.get(1), t0.plusSeconds(120)),
                // A later call of someone else moves event time past the key (30 s out-of-orderness).
                unit("later", real.get(2).replace("\"CreateUser\"", "\"ListUsers\"")
                        .replace("user/christophe", "user/someone-else"), t0.plusSeconds(160)));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.getConfig().setAutoWatermarkInterval(50);
        TrailWardenTopology.Outputs outputs = TrailWardenTopology.build(
                env.addSource(new EndlessSource(units), TypeInformation.of(RawInput.class)).setParallelism(1),
                DetectionConfig.defaults(), PackagedRules.only(RULE_ID));
        CloseableIterator<Finding> findings = outputs.findings.collectAsync();
        JobClient job = env.executeAsync("held-back-sequence");
        try {
            Finding finding = CompletableFuture.supplyAsync(findings::next).get(90, TimeUnit.SECONDS);

            assertThat(finding.ruleId).isEqualTo(RULE_ID);
            assertThat(finding.target.name).isEqualTo("malicious-iam-user");
            assertThat(finding.events.stream().map(event -> event.eventId).collect(Collectors.toList()))
                    .containsExactly("created", "admin", "key");
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
            findings.close();
        }
    }

    /** A real record moved to {@code at} under a new eventID. */
    static RawInput unit(String eventId, String record, Instant at) {
        String json = record.replace(REAL_TIME, at.toString())
                .replaceFirst("\"eventID\"\\s*:\\s*\"[^\"]+\"", "\"eventID\": \"" + eventId + "\"");
        return RawInput.of(eventId, json);
    }
}
