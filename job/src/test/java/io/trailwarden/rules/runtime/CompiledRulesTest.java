package io.trailwarden.rules.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.ListsConfig;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.model.Rule;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** The job graph the catalogue compiles to: per-rule operators with uids derived from the rule id. */
class CompiledRulesTest {
    @Test
    void everyRuleOperatorHasAUidDerivedFromItsRuleId() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        CompiledRules rules = CompiledRules.compile(RepoRules.load(), ListsConfig.defaults().lists);
        rules.apply(env.fromData(TypeInformation.of(CloudTrailEvent.class), Records.createUser("c", Records.T0, "a", "b").parsed()))
                .sinkTo(new DiscardingSink<Finding>());

        Set<String> uids = env.getStreamGraph().getStreamNodes().stream()
                .map(StreamNode::getTransformationUID).collect(Collectors.toSet());

        assertThat(uids).contains(
                "rule-iam-user-created-match",
                "rule-backdoor-admin-user-prefilter", "rule-backdoor-admin-user-cep", "rule-backdoor-admin-user-late",
                "rule-console-login-failure-burst-prefilter", "rule-console-login-failure-burst-threshold",
                "rule-discovery-burst-threshold", "rule-s3-enumeration-then-object-access-cep");
        for (CompiledRule rule : rules.rules()) {
            String expected = rule.kind == Rule.Kind.MATCH ? "rule-" + rule.id + "-match"
                    : rule.kind == Rule.Kind.SEQUENCE ? "rule-" + rule.id + "-cep" : "rule-" + rule.id + "-threshold";
            assertThat(uids).as(rule.id).contains(expected);
        }
    }

    @Test
    void matchRulesNeedNoShuffle() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // One parallelism throughout, so any edge that is not forward would be the rule's own keyBy.
        env.setParallelism(1);
        Rule match = RepoRules.load().stream().filter(rule -> rule.id.equals("iam-user-created")).findFirst().orElseThrow();
        CompiledRules rules = CompiledRules.compile(java.util.List.of(match), ListsConfig.defaults().lists);
        rules.apply(env.fromData(TypeInformation.of(CloudTrailEvent.class), Records.createUser("c", Records.T0, "a", "b").parsed()))
                .sinkTo(new DiscardingSink<Finding>());

        // Events are not shuffled; only the rule's findings are, by principal and target, to the suppression.
        StreamGraph graph = env.getStreamGraph();
        assertThat(graph.getStreamNodes()).allSatisfy(node ->
                assertThat(node.getInEdges()).allSatisfy(edge ->
                        assertThat(edge.getPartitioner().getClass().getSimpleName())
                                .isEqualTo(node.getOperatorName().endsWith(" suppression") ? "KeyGroupStreamPartitioner"
                                        : "ForwardPartitioner")));
        assertThat(graph.getStreamNodes()).anyMatch(node -> node.getOperatorName().equals("rule iam-user-created suppression"));
    }

    @Test
    void rulesKeyedByThePrincipalReuseTheInputPartitioningOthersShuffle() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        CompiledRules rules = CompiledRules.compile(RepoRules.load(), ListsConfig.defaults().lists);
        rules.apply(env.fromData(TypeInformation.of(CloudTrailEvent.class), Records.createUser("c", Records.T0, "a", "b").parsed()))
                .sinkTo(new DiscardingSink<Finding>());

        StreamGraph graph = env.getStreamGraph();
        Map<String, String> inputPartitioners = graph.getStreamNodes().stream()
                .filter(node -> node.getTransformationUID() != null && !node.getInEdges().isEmpty())
                .collect(Collectors.toMap(StreamNode::getTransformationUID,
                        node -> node.getInEdges().get(0).getPartitioner().getClass().getSimpleName()));
        assertThat(inputPartitioners).containsEntry("rule-discovery-burst-threshold", "ForwardPartitioner")
                .containsEntry("rule-backdoor-admin-user-cep", "ForwardPartitioner")
                .containsEntry("rule-console-login-then-s3-enumeration-cep", "ForwardPartitioner")
                .containsEntry("rule-s3-enumeration-then-object-access-cep", "ForwardPartitioner")
                .containsEntry("rule-backdoor-admin-user-late-delivery", "ForwardPartitioner")
                // Keyed by user name: the shuffle is in front of the late path, which the threshold follows forward.
                .containsEntry("rule-console-login-failure-burst-late-delivery", "KeyGroupStreamPartitioner")
                .containsEntry("rule-console-login-failure-burst-threshold", "ForwardPartitioner");
    }

    @Test
    void allowedLatenessZeroLeavesOutTheLatePath() throws Exception {
        CompiledRules rules = CompiledRules.compile(RepoRules.load(), ListsConfig.defaults().lists);
        assertThat(uids(rules)).contains("rule-backdoor-admin-user-late-delivery", "rule-discovery-burst-late-delivery");
        assertThat(uids(rules.withAllowedLateness(java.time.Duration.ZERO)))
                .noneMatch(uid -> uid.endsWith("-late-delivery"))
                .contains("rule-backdoor-admin-user-cep", "rule-discovery-burst-threshold");
    }

    private static java.util.Set<String> uids(CompiledRules rules) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        rules.apply(env.fromData(TypeInformation.of(CloudTrailEvent.class), Records.createUser("c", Records.T0, "a", "b").parsed()))
                .sinkTo(new DiscardingSink<Finding>());
        return env.getStreamGraph().getStreamNodes().stream().map(StreamNode::getTransformationUID)
                .filter(java.util.Objects::nonNull).collect(Collectors.toSet());
    }
}
