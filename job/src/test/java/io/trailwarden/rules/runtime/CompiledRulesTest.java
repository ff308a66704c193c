package io.trailwarden.rules.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.ListsConfig;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.model.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** The job graph the catalogue compiles to: per-rule operators with uids derived from the rule id and its detection. */
class CompiledRulesTest {
    @Test
    void everyRuleOperatorHasAUidDerivedFromItsRuleIdAndDetection() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        CompiledRules rules = CompiledRules.compile(RepoRules.load(), ListsConfig.defaults().lists);
        rules.apply(env.fromData(TypeInformation.of(CloudTrailEvent.class), Records.createUser("c", Records.T0, "a", "b").parsed()).uid("test-input"))
                .sinkTo(new DiscardingSink<Finding>()).uid("test-findings");

        Set<String> uids = env.getStreamGraph().getStreamNodes().stream()
                .map(StreamNode::getTransformationUID).collect(Collectors.toSet());

        for (CompiledRule rule : rules.rules()) {
            String prefix = "rule-" + rule.id + "-" + rule.fingerprint + "-";
            if (rule.kind == Rule.Kind.MATCH) {
                assertThat(uids).as(rule.id).noneMatch(uid -> uid.startsWith("rule-" + rule.id + "-"));
            } else if (rule.kind == Rule.Kind.SEQUENCE) {
                assertThat(uids).as(rule.id).contains(prefix + "late-buffer", prefix + "cep", prefix + "incident",
                        prefix + "late", prefix + "late-sink");
            } else {
                assertThat(uids).as(rule.id).contains(prefix + "late-buffer", prefix + "threshold", prefix + "late",
                        prefix + "late-sink");
            }
        }
        uids.removeAll(Set.of("test-input", "test-findings"));
        assertThat(uids).contains(CompiledRules.DISPATCH_UID, CompiledRules.SUPPRESSION_UID);
        assertThat(uids).as("every operator of the detection stage belongs to a rule or the catalogue")
                .allMatch(uid -> uid.startsWith("rule-"));
    }

    @Test
    void theOperatorCountDoesNotGrowWithMatchRulesAndEventsAreNotShuffledForThem() throws Exception {
        List<Rule> all = RepoRules.load();
        List<Rule> matchRules = all.stream().filter(rule -> rule.kind == Rule.Kind.MATCH).collect(Collectors.toList());
        StreamGraph one = graph(matchRules.subList(0, 1));
        StreamGraph every = graph(matchRules);

        assertThat(matchRules).hasSizeGreaterThan(20);
        assertThat(every.getStreamNodes()).hasSameSizeAs(one.getStreamNodes());
        // Events are not shuffled; only findings are, by rule, principal and target, to the suppression.
        assertThat(every.getStreamNodes()).allSatisfy(node ->
                assertThat(node.getInEdges()).allSatisfy(edge ->
                        assertThat(edge.getPartitioner().getClass().getSimpleName())
                                .isEqualTo(CompiledRules.SUPPRESSION_UID.equals(node.getTransformationUID())
                                        ? "KeyGroupStreamPartitioner" : "ForwardPartitioner")));
    }

    private static StreamGraph graph(List<Rule> rules) {
        return graph(CompiledRules.compile(rules, ListsConfig.defaults().lists));
    }

    private static StreamGraph graph(CompiledRules rules) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // One parallelism throughout, so any edge that is not forward would be a keyBy.
        env.setParallelism(1);
        rules.apply(env.fromData(TypeInformation.of(CloudTrailEvent.class), Records.createUser("c", Records.T0, "a", "b").parsed()))
                .sinkTo(new DiscardingSink<Finding>());
        return env.getStreamGraph();
    }

    @Test
    void rulesKeyedByThePrincipalReuseTheInputPartitioningOthersShuffle() throws Exception {
        CompiledRules rules = CompiledRules.compile(RepoRules.load(), ListsConfig.defaults().lists);
        StreamGraph graph = graph(rules);
        Map<String, String> inputPartitioners = graph.getStreamNodes().stream()
                .filter(node -> node.getTransformationUID() != null && !node.getInEdges().isEmpty())
                .collect(Collectors.toMap(StreamNode::getTransformationUID,
                        node -> node.getInEdges().get(0).getPartitioner().getClass().getSimpleName()));
        Map<String, CompiledRule> byId = rules.rules().stream().collect(Collectors.toMap(rule -> rule.id, rule -> rule));
        assertThat(inputPartitioners)
                .containsEntry(byId.get("reconnaissance-burst").uid("late-buffer"), "ForwardPartitioner")
                .containsEntry(byId.get("reconnaissance-burst").uid("threshold"), "ForwardPartitioner")
                .containsEntry(byId.get("console-login-then-s3-enumeration").uid("cep"), "ForwardPartitioner")
                .containsEntry(byId.get("s3-enumeration-then-object-access").uid("cep"), "ForwardPartitioner")
                // Keyed by account and the user being built, whoever the actor, and console failures by user name:
                // the shuffle is in front of the late path, which the CEP and threshold operators follow forward.
                .containsEntry(byId.get("backdoor-admin-user").uid("late-buffer"), "KeyGroupStreamPartitioner")
                .containsEntry(byId.get("backdoor-admin-user").uid("cep"), "ForwardPartitioner")
                .containsEntry(byId.get("console-login-failure-burst").uid("late-buffer"), "KeyGroupStreamPartitioner")
                .containsEntry(byId.get("console-login-failure-burst").uid("threshold"), "ForwardPartitioner");
    }

    @Test
    void aSequenceAndTheLateCountersRunInTheirRulesThreadSoEventsAreNotSerializedAgain() throws Exception {
        CompiledRules rules = CompiledRules.compile(RepoRules.load(), ListsConfig.defaults().lists);
        List<String> tasks = new ArrayList<>();
        graph(rules).getJobGraph().getVertices().forEach(vertex -> tasks.add(vertex.getName()));
        List<CompiledRule> sequences = rules.rules().stream().filter(rule -> rule.kind == Rule.Kind.SEQUENCE)
                .collect(Collectors.toList());
        assertThat(sequences).hasSizeGreaterThan(3);
        for (CompiledRule rule : sequences) {
            assertThat(tasks).as(rule.id).filteredOn(task -> task.contains("rule " + rule.id + " sequence"))
                    .singleElement().asString().contains("rule " + rule.id + " late delivery");
        }
        // Late events are counted where they leave their operator, not sent to a task of their own.
        for (CompiledRule rule : rules.rules()) {
            assertThat(tasks).as(rule.id).noneMatch(task -> task.startsWith("rule " + rule.id + " late events")
                    || task.startsWith("rule " + rule.id + " events too late"));
        }
        assertThat(String.join("\n", tasks)).contains("events too late counted");
    }

    @Test
    void allowedLatenessZeroLeavesOutTheLatePath() throws Exception {
        CompiledRules rules = CompiledRules.compile(RepoRules.load(), ListsConfig.defaults().lists);
        Map<String, CompiledRule> byId = rules.rules().stream().collect(Collectors.toMap(rule -> rule.id, rule -> rule));
        assertThat(uids(rules)).contains(byId.get("backdoor-admin-user").uid("late-buffer"),
                byId.get("reconnaissance-burst").uid("late-buffer"));
        assertThat(uids(rules.withAllowedLateness(java.time.Duration.ZERO)))
                .noneMatch(uid -> uid.endsWith("-late-buffer"))
                .contains(byId.get("backdoor-admin-user").uid("cep"), byId.get("reconnaissance-burst").uid("threshold"));
    }

    private static java.util.Set<String> uids(CompiledRules rules) {
        return graph(rules).getStreamNodes().stream().map(StreamNode::getTransformationUID)
                .filter(java.util.Objects::nonNull).collect(Collectors.toSet());
    }
}
