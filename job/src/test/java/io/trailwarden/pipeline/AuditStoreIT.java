package io.trailwarden.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.config.AuditConfig;
import io.trailwarden.config.AwsConfig;
import io.trailwarden.event.DeadLetter;
import io.trailwarden.finding.FindingSchema;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.respond.ActionResult;
import io.trailwarden.respond.Outcome;
import io.trailwarden.testing.MotoClients;
import io.trailwarden.testing.MotoServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The audit store on moto S3: a job that
 * fails once after a completed checkpoint and restarts from it still leaves every record exactly once,
 * in the hour's folder, each line a valid record of finding.schema.json with hostile text escaped.
 */
class AuditStoreIT {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();
    private static final String BUCKET = "trailwarden-audit";
    private static final int RECORDS = 200;
    private static final String HOSTILE = "\u202Eevil\u2028line\u001b[31m \"q\" \\ </script>";
    private static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
    private static final AtomicBoolean FAILED = new AtomicBoolean();

    /** Slows the stream so checkpoints complete mid-way, then fails once after one has. */
    static final class FailOnceAfterCheckpoint implements MapFunction<ActionResult, ActionResult>, CheckpointListener {
        private static final long serialVersionUID = 1L;
        @Override
        public ActionResult map(ActionResult result) throws Exception {
            if (!CHECKPOINTED.get()) {
                Thread.sleep(50);
            } else if (FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after a completed checkpoint");
            }
            return result;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTED.set(true);
        }
    }

    @Test
    void recordsAppearExactlyOnceUnderTheHourAfterAFailureAndRestart() throws Exception {
        S3Client s3 = MotoClients.s3(MOTO);
        s3.createBucket(r -> r.bucket(BUCKET));
        Configuration flink = new Configuration();
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        String hourBefore = hourFolder();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(2);
        env.enableCheckpointing(200);
        List<ActionResult> results = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            results.add(ActionResult.of("tw-" + i, "rule", PlannedAction.Type.CONTAIN, "arn:aws:iam::111122223333:user/u" + i,
                    "111122223333", Outcome.DONE, HOSTILE, 1_722_519_208_000L, 3));
        }
        DataStream<ActionResult> audit = env.fromData(results).map(new FailOnceAfterCheckpoint()).name("fail once")
                // Chained to the one-subtask source, so a checkpoint barrier passes between two records.
                .setParallelism(1);
        DataStream<DeadLetter> deadLetters = env.fromData(DeadLetter.of("parse", "malformed " + HOSTILE, "trail.json:1", HOSTILE));
        AuditStore.attach(audit, deadLetters, new AuditConfig("s3://" + BUCKET + "/trailwarden/"),
                new AwsConfig(MotoServer.REGION, MOTO.endpoint().toString()));
        env.execute("audit store");
        String hourAfter = hourFolder();

        Map<String, Integer> auditLines = new HashMap<>();
        List<JsonNode> deadLetterLines = new ArrayList<>();
        for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix("trailwarden/")).contents()) {
            assertThat(object.key()).matches("trailwarden/(audit|dead-letter)/dt=\\d{4}-\\d{2}-\\d{2}/hour=\\d{2}/"
                    + "(audit|dead-letter)-\\d+-\\d+-\\d+\\.jsonl");
            assertThat(object.key()).containsAnyOf(hourBefore, hourAfter);
            String content = s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(object.key())).asString(StandardCharsets.UTF_8);
            assertThat(content).doesNotContain("\u202E", "\u2028", "\u001b", "</script>");
            for (String line : content.split("\n")) {
                if (object.key().startsWith("trailwarden/audit/")) {
                    JsonNode record = FindingSchema.valid(line, "audit");
                    assertThat(record.get("detail").asText()).isEqualTo(HOSTILE);
                    auditLines.merge(record.get("findingId").asText(), 1, Integer::sum);
                } else {
                    deadLetterLines.add(FindingSchema.valid(line, "dead-letter"));
                }
            }
        }
        assertThat(auditLines).hasSize(RECORDS).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
        assertThat(deadLetterLines).hasSize(1);
        assertThat(FAILED).as("the failure was injected").isTrue();
        assertThat(deadLetterLines.get(0).get("reason").asText()).isEqualTo("malformed " + HOSTILE);
    }

    private static String hourFolder() {
        return ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd'/hour='HH"));
    }
}
