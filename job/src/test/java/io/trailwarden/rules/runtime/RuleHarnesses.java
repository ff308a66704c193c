package io.trailwarden.rules.runtime;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleEvent;
import io.trailwarden.rules.compile.StepOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

/** What the keyed-rule harness tests share: feeding records as the job does, and reading findings back. */
final class RuleHarnesses {
    private RuleHarnesses() {}

    /** The CEP operator of a sequence rule exactly as {@link CompiledRules} builds it, in a keyed harness. */
    static KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, Finding> sequenceHarness(
            CompiledRule rule, OutputTag<RuleEvent> late) throws Exception {
        Pattern<RuleEvent, RuleEvent> pattern = CompiledRules.pattern(rule);
        CepOperator<RuleEvent, String, Finding> operator = new CepOperator<>(
                TypeInformation.of(RuleEvent.class).createSerializer(new ExecutionConfig()),
                false,
                NFACompiler.compileFactory(pattern, false),
                new StepOrder(),
                pattern.getAfterMatchSkipStrategy(),
                new SequenceFindings(rule),
                late);
        return new KeyedOneInputStreamOperatorTestHarness<>(operator, event -> event.key, Types.STRING);
    }

    /** Feeds the records (in the given arrival order) through the rule's pre-filter, as the job does. */
    static void feed(CompiledRule rule, KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, Finding> harness,
            Records... records) throws Exception {
        for (Records record : records) {
            CloudTrailEvent event = record.parsed();
            RuleEvent ruleEvent = rule.prefilter(event);
            if (ruleEvent != null) {
                harness.processElement(new StreamRecord<>(ruleEvent, event.eventTimeMillis));
            }
        }
    }

    static List<Finding> findings(KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, Finding> harness) {
        List<Finding> findings = new ArrayList<>();
        for (Object output : harness.getOutput()) {
            if (output instanceof StreamRecord) {
                findings.add((Finding) ((StreamRecord<?>) output).getValue());
            }
        }
        return findings;
    }

    /** Each finding as the event ids it matched, in order. */
    static List<List<String>> findingEventIds(
            KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, Finding> harness) {
        return findings(harness).stream()
                .map(finding -> finding.events.stream().map(event -> event.eventId).collect(Collectors.toList()))
                .collect(Collectors.toList());
    }
}
