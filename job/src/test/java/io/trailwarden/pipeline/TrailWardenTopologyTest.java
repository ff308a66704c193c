package io.trailwarden.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.runtime.CompiledRules;
import io.trailwarden.rules.runtime.RuleCatalogue;
import io.trailwarden.source.RawInput;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** The job graph's shape: every operator can be matched to its state in a snapshot after an upgrade. */
class TrailWardenTopologyTest {
    @Test
    void everyOperatorHasAStableUidAndAReadableName() throws Exception {
        TrailWardenConfig config = TrailWardenConfig.defaults();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        CompiledRules rules = RuleCatalogue.compile(config);
        TrailWardenTopology.Outputs outputs = TrailWardenTopology.build(
                env.fromData(RawInput.of("unit", "{}")).uid("test-source"), config.detection, rules);
        outputs.findings.sinkTo(discarding()).uid("test-findings");
        outputs.deadLetters.sinkTo(discarding()).uid("test-dead-letters");

        StreamGraph graph = env.getStreamGraph();
        List<String> uids = graph.getStreamNodes().stream()
                .map(StreamNode::getTransformationUID).collect(Collectors.toList());

        assertThat(uids).doesNotContainNull().doesNotHaveDuplicates().contains(
                TrailWardenTopology.PARSE_UID,
                TrailWardenTopology.DEDUP_UID,
                TrailWardenTopology.EVENT_TIME_UID,
                TrailWardenTopology.LATE_EVENTS_UID,
                CompiledRules.DISPATCH_UID,
                CompiledRules.SUPPRESSION_UID,
                rule(rules, "backdoor-admin-user").uid("late-buffer"),
                rule(rules, "backdoor-admin-user").uid("cep"),
                rule(rules, "reconnaissance-burst").uid("threshold"));
        assertThat(graph.getStreamNodes()).allSatisfy(node -> assertThat(node.getOperatorName())
                .isNotBlank().hasSizeLessThanOrEqualTo(80));
    }

    private static CompiledRule rule(CompiledRules rules, String id) {
        return rules.rules().stream().filter(rule -> rule.id.equals(id)).findFirst().orElseThrow();
    }

    private static <T> Sink<T> discarding() {
        return new DiscardingSink<>();
    }
}
