package io.trailwarden.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
            ObjectNode forged = Records.envelope("AWS API Call via CloudTrail", EventJson.readTree(records.get(3)));
            forged.put("source", "attacker.custom");
            harness.processElement(new StreamRecord<>(Records.unit("k:4", forged), 4L));
            harness.processElement(new StreamRecord<>(Records.unit("k:5",
                    records.get(4).replaceFirst("\"eventTime\": ?\"[^\"]+\"", "\"eventTime\": \"2099-01-01T00:00:00Z\"")), 5L));

            assertThat(harness.extractOutputValues()).extracting(e -> e.eventId).containsExactly(
                    EventJson.readTree(records.get(0)).get("eventID").asText(),
                    EventJson.readTree(records.get(1)).get("eventID").asText(),
                    EventJson.readTree(records.get(2)).get("eventID").asText());
            List<String> deadLetters = harness.getSideOutput(ParseFunction.DEAD_LETTERS).stream()
                    .map(record -> record.getValue().origin + " " + record.getValue().reason)
                    .collect(Collectors.toList());
            assertThat(deadLetters).hasSize(4);
            assertThat(deadLetters.get(0)).startsWith("k:2 malformed JSON");
            assertThat(deadLetters.get(1)).isEqualTo("k:3#Records[1] not a CloudTrail record: a JSON number");
            assertThat(deadLetters.get(2)).startsWith("k:4 EventBridge source \"attacker.custom\": not an AWS service");
            assertThat(deadLetters.get(3)).startsWith("k:5 eventTime 2099-01-01T00:00:00Z is ");
            assertThat(((Counter) metrics.get(ParseFunction.EVENTS_PARSED)).getCount()).isEqualTo(3);
            assertThat(((Counter) metrics.get(ParseFunction.DEAD_LETTER_COUNT)).getCount()).isEqualTo(4);
            assertThat(((Counter) metrics.get(ParseFunction.UNTRUSTED_COUNT)).getCount()).isEqualTo(1);
            assertThat(((Counter) metrics.get(ParseFunction.FUTURE_DATED_COUNT)).getCount()).isEqualTo(1);
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
