package io.trailwarden.rules.runtime;

import static io.trailwarden.rules.runtime.Records.ATTACKER;
import static io.trailwarden.rules.runtime.Records.FIVE_MIN_LATER;
import static io.trailwarden.rules.runtime.Records.ONE_MIN_LATER;
import static io.trailwarden.rules.runtime.Records.T0;
import static io.trailwarden.rules.runtime.Records.TEN_MIN_LATER;
import static io.trailwarden.rules.runtime.Records.TWO_MIN_LATER;
import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.DetectionConfig;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleCompiler;
import io.trailwarden.rules.compile.RuleEvent;
import io.trailwarden.rules.compile.StepOrder;
import io.trailwarden.rules.load.RuleLoader;
import io.trailwarden.rules.model.Rule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A sequence with a trailing absent step ("not followed by ... within"), compiled from YAML. */
class AbsentStepHarnessTest {
    /** A user is created and given a key, and nobody tags it as approved within 10 minutes. */
    private static final String RULE = String.join("\n",
            "id: untagged-user-with-key",
            "title: User with a key that was never approved",
            "description: test rule",
            "severity: medium",
            "tactics: [persistence]",
            "mitre: [T1136.003]",
            "references: [https://attack.mitre.org/techniques/T1136/003/]",
            "falsePositives: [none]",
            "runbook: none",
            "detection:",
            "  sequence:",
            "    by: actor",
            "    within: 5m",
            "    steps:",
            "      - name: created",
            "        where: {eventName: CreateUser}",
            "        capture: {user: requestParameters.userName}",
            "      - name: key",
            "        where: {eventName: CreateAccessKey, requestParameters.userName: {equalsCapture: user}}",
            "    absent:",
            "      name: approved",
            "      where: {eventName: TagUser, requestParameters.userName: {equalsCapture: user}}",
            "      within: 10m",
            "response:",
            "  contain: {userFromCapture: user}",
            "  reason: the user nobody approved is the backdoor to close",
            "tests:",
            "  - {name: a, expect: alert, events: [{}]}",
            "  - {name: b, expect: alert, events: [{}]}",
            "  - {name: c, expect: none, events: [{}]}",
            "  - {name: d, expect: none, events: [{}]}",
            "");

    private CompiledRule rule;
    private KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, Finding> harness;

    @BeforeEach
    void open() throws Exception {
        Rule loaded = new RuleLoader(List.of(), DetectionConfig.defaults().maxRuleWindow)
                .load(List.of(new RuleLoader.Source("untagged-user-with-key.yaml", RULE))).get(0);
        rule = new RuleCompiler(Map.of()).compile(loaded);
        Pattern<RuleEvent, RuleEvent> pattern = CompiledRules.pattern(rule);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new CepOperator<>(
                TypeInformation.of(RuleEvent.class).createSerializer(new SerializerConfigImpl()), false,
                NFACompiler.compileFactory(pattern, false), new StepOrder(), pattern.getAfterMatchSkipStrategy(),
                new SequenceFindings(rule), new OutputTag<>("late", TypeInformation.of(RuleEvent.class))),
                event -> event.key, Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void feed(Records... records) throws Exception {
        RuleHarnesses.feed(rule, harness, records);
    }

    private List<List<String>> findings() {
        return RuleHarnesses.findingEventIds(harness);
    }

    private static Instant at(Duration offset) {
        return T0.plus(offset);
    }

    @Test
    void findingOnlyOnceTheAbsenceWindowHasPassed() throws Exception {
        feed(Records.createUser("c", T0, ATTACKER, "temp"), Records.createAccessKey("k", ONE_MIN_LATER, ATTACKER, "temp"));
        harness.processWatermark(TEN_MIN_LATER.toEpochMilli());
        assertThat(findings()).as("still waiting for an approval").isEmpty();

        harness.processWatermark(at(Duration.ofMinutes(16)).toEpochMilli());
        assertThat(findings()).containsExactly(List.of("c", "k"));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void theAbsentEventInTimeCancelsTheFinding() throws Exception {
        feed(Records.createUser("c", T0, ATTACKER, "temp"), Records.createAccessKey("k", ONE_MIN_LATER, ATTACKER, "temp"),
                Records.iam("TagUser", "t", FIVE_MIN_LATER, ATTACKER, "temp"));
        harness.processWatermark(at(Duration.ofMinutes(20)).toEpochMilli());

        assertThat(findings()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void taggingAnotherUserDoesNotCancel() throws Exception {
        feed(Records.createUser("c", T0, ATTACKER, "temp"), Records.createAccessKey("k", TWO_MIN_LATER, ATTACKER, "temp"),
                Records.iam("TagUser", "t", FIVE_MIN_LATER, ATTACKER, "someone-else"));
        harness.processWatermark(at(Duration.ofMinutes(20)).toEpochMilli());

        assertThat(findings()).containsExactly(List.of("c", "k"));
    }

    @Test
    void positiveStepsBeyondTheSequenceWindowDoNotMatch() throws Exception {
        feed(Records.createUser("c", T0, ATTACKER, "temp"), Records.createAccessKey("k", at(Duration.ofMinutes(6)), ATTACKER, "temp"));
        harness.processWatermark(at(Duration.ofMinutes(30)).toEpochMilli());

        assertThat(findings()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }
}
