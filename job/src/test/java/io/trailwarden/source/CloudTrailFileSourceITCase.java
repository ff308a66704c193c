package io.trailwarden.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.Corpus;
import io.trailwarden.event.EventJson;
import io.trailwarden.event.ParseFunction;
import io.trailwarden.event.Records;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The streaming file source and the parse stage on a real mini-cluster, parallelism 2. */
class CloudTrailFileSourceITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    @Test
    void aDirectoryOfMixedFilesReplaysEveryRecordAndDeadLettersEveryBadLine(@TempDir Path dir) throws Exception {
        List<String> records = Corpus.records();
        Files.write(dir.resolve("lines.jsonl.gz"),
                Records.gzip((String.join("\n", records) + "\n").getBytes(StandardCharsets.UTF_8)));
        Files.createDirectories(dir.resolve("s3/2024/07/30"));
        Files.write(dir.resolve("s3/2024/07/30/delivery.json"), Corpus.bytes(Corpus.RECORDS_FILE));
        Files.write(dir.resolve("hostile.jsonl.gz"), Corpus.bytes("/hostile/hostile.jsonl.gz"));
        Files.write(dir.resolve(".ignored.json"), records.get(0).getBytes(StandardCharsets.UTF_8));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        SingleOutputStreamOperator<CloudTrailEvent> events = env
                .fromSource(CloudTrailInputs.fileSource(List.of(dir)), WatermarkStrategy.noWatermarks(), "files")
                .process(new ParseFunction())
                .name("parse");
        DataStream<String> outcomes = events.map(event -> "event " + event.eventId)
                .union(events.getSideOutput(ParseFunction.DEAD_LETTERS).map(letter -> "dead " + letter.origin));

        List<String> collected = outcomes.executeAndCollect(10_000);

        List<String> eventIds = collected.stream().filter(s -> s.startsWith("event ")).collect(Collectors.toList());
        List<String> deadLetters = collected.stream().filter(s -> s.startsWith("dead ")).collect(Collectors.toList());
        assertThat(eventIds).hasSize(2 * Corpus.RECORD_COUNT + 6);
        assertThat(deadLetters).hasSize(18).allMatch(s -> s.contains("hostile.jsonl.gz:"));
        for (String record : records) {
            assertThat(eventIds).contains("event " + EventJson.readTree(record).get("eventID").asText());
        }
    }
}
