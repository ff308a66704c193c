package io.trailwarden.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.source.RawInput;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ParseFunctionTest {

    @Test
    void eventsGoToTheMainOutputDeadLettersToTheSideOutputAndBothAreCounted() throws Exception {
        Map<String, Metric> metrics = new ConcurrentHashMap<>();
        TestingMetricRegistry registry = TestingMetricRegistry.builder()
                .setRegisterConsumer((metric, name, group) -> {
                    if (Arrays.asList(group.getScopeComponents()).contains(ParseFunction.METRIC_GROUP)) {
                        metrics.put(name, metric);
                    }
                })
                .build();
        TaskMetricGroup taskMetrics = TaskManagerMetricGroup.createTaskManagerMetricGroup(
                        registry, "localhost", ResourceID.generate())
                .addJob(new JobID(), "job")
                .addTask(ExecutionAttemptID.randomId(), "parse");
        MockEnvironment environment = new MockEnvironmentBuilder().setMetricGroup(taskMetrics).build();
        List<String> records = Corpus.records();

        OneInputStreamOperatorTestHarness<RawInput, CloudTrailEvent> harness =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new ParseFunction()), environment);
        try {
            harness.open();
            harness.processElement(new StreamRecord<>(Records.unit("k:1", records.get(0)), 1L));
            harness.processElement(new StreamRecord<>(Records.unit("k:2", "{\"eventID\": 4"), 2L));
            harness.processElement(new StreamRecord<>(Records.unit("k:3",
                    "{\"Records\": [" + records.get(1) + ", 7, " + records.get(2) + "]}"), 3L));

            assertThat(harness.extractOutputValues()).extracting(e -> e.eventId).containsExactly(
                    EventJson.readTree(records.get(0)).get("eventID").asText(),
                    EventJson.readTree(records.get(1)).get("eventID").asText(),
                    EventJson.readTree(records.get(2)).get("eventID").asText());
            List<String> deadLetters = harness.getSideOutput(ParseFunction.DEAD_LETTERS).stream()
                    .map(record -> record.getValue().origin + " " + record.getValue().reason)
                    .collect(Collectors.toList());
            assertThat(deadLetters).hasSize(2);
            assertThat(deadLetters.get(0)).startsWith("k:2 malformed JSON");
            assertThat(deadLetters.get(1)).isEqualTo("k:3#Records[1] not a CloudTrail record: a JSON number");
            assertThat(((Counter) metrics.get(ParseFunction.EVENTS_PARSED)).getCount()).isEqualTo(3);
            assertThat(((Counter) metrics.get(ParseFunction.DEAD_LETTER_COUNT)).getCount()).isEqualTo(2);
        } finally {
            harness.close();
        }
    }

    @Test
    void typesCrossingTheParseStageAreNotKryo() {
        assertThat(TypeInformation.of(RawInput.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(CloudTrailEvent.class)).isInstanceOf(CloudTrailEventTypeInfo.class);
        assertThat(TypeInformation.of(DeadLetter.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(ParseFunction.DEAD_LETTERS.getTypeInfo()).isInstanceOf(PojoTypeInfo.class);
    }
}
