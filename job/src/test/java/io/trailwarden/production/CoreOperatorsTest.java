package io.trailwarden.production;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trailwarden.pipeline.CoreOperators;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.runtime.CompiledRules;
import io.trailwarden.rules.runtime.RuleCatalogue;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;

/**
 * The golden list of core operators ({@link CoreOperators#PRODUCTION}) against the production graph:
 * dropping the state that is not restored can only drop rule state, because every other uid is in
 * the list, and a uid that leaves the list stops the job from being built.
 */
class CoreOperatorsTest {
    @Test
    void theProductionGraphsOperatorsAreTheGoldenCoreListAndTheRulesOperators() throws Exception {
        StreamExecutionEnvironment env = ProductionGraph.build(2);
        CompiledRules rules = RuleCatalogue.compile(ProductionGraph.production());
        Set<String> ruleUidPrefixes = Stream.concat(rules.rules().stream().map(rule -> rule.uid("")),
                        Stream.of(CompiledRules.DISPATCH_UID, CompiledRules.SUPPRESSION_UID))
                .collect(Collectors.toSet());

        Set<String> all = ProductionGraph.transformations(env).stream()
                .map(Transformation::getUid).filter(uid -> uid != null).collect(Collectors.toCollection(TreeSet::new));
        Set<String> ruleUids = new TreeSet<>(all);
        ruleUids.removeAll(CoreOperators.PRODUCTION);

        assertThat(CoreOperators.in(env)).isEqualTo(CoreOperators.PRODUCTION);
        assertThat(all).containsAll(CoreOperators.PRODUCTION);
        assertThat(ruleUids).isNotEmpty().allSatisfy(uid -> assertThat(ruleUidPrefixes)
                .as("%s belongs to a rule of the catalogue", uid).anyMatch(uid::startsWith));
        assertThat(CoreOperators.PRODUCTION).noneMatch(uid -> uid.startsWith(CompiledRule.UID_PREFIX));
        assertThat(CoreOperators.RETIRED).doesNotContainAnyElementsOf(CoreOperators.PRODUCTION);
    }

    @Test
    void aCoreOperatorThatIsNotListedOrAListedOneThatIsGoneStopsTheBuild() throws Exception {
        StreamExecutionEnvironment env = ProductionGraph.build(2);
        // As if dedup's uid had been renamed: the listed uid is still expected, an unlisted one is there.
        env.fromData(1).uid("dedup-by-principal-v2").sinkTo(new DiscardingSink<>()).uid("dedup-by-principal-v2-sink");
        Set<String> expected = new TreeSet<>(CoreOperators.PRODUCTION);
        expected.add("dedup-by-principal-v2-sink");
        expected.add("dedup-by-principal-v1");

        assertThatThrownBy(() -> CoreOperators.check(env, expected))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("missing [dedup-by-principal-v1], not listed [dedup-by-principal-v2]");
    }
}
