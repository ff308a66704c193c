package io.trailwarden.rules.runtime;

import io.trailwarden.config.DetectionConfig;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleCompiler;
import io.trailwarden.rules.compile.RuleEvent;
import io.trailwarden.rules.compile.StepCondition;
import io.trailwarden.rules.compile.StepOrder;
import io.trailwarden.rules.model.Rule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.transformations.PhysicalTransformation;
import org.apache.flink.util.OutputTag;

/**
 * The rule catalogue as a detection stage. One operator, {@link RuleDispatch}, tests each event against
 * the rules that may match it: match rules emit their findings there (the single-event fast path), and
 * each sequence and threshold receives the events its steps match through a side output, into its own
 * keyBy(rule key) -> late path -> CEP pattern or threshold function, in event time. The findings of
 * every rule that suppresses repeats then go through one keyed {@link FindingSuppression}. The two
 * catalogue-wide operators have fixed uids; every per-rule operator's uid is derived from the rule id
 * and its detection's fingerprint ({@link CompiledRule#uid}), so an edit restarts only that rule's
 * detection state.
 *
 * <p>A rule keyed by the acting principal skips the keyBy: its input is already partitioned by
 * {@link io.trailwarden.event.PrincipalKey} (the {@link DetectionStage} contract) and the dispatch's
 * side output is forward-connected, so it is reinterpreted as keyed by the same key. That spares
 * the shuffle of every event such a rule looks at (a broad threshold rule looks at most of them).
 */
public final class CompiledRules implements DetectionStage {
    private static final long serialVersionUID = 1L;
    /** Stateless: every rule's per-event test ({@link RuleDispatch}). */
    public static final String DISPATCH_UID = CompiledRule.UID_PREFIX + "catalogue-dispatch";
    /** The open incidents of every rule that suppresses repeats ({@link FindingSuppression}). */
    public static final String SUPPRESSION_UID = CompiledRule.UID_PREFIX + "catalogue-suppression";
    private final List<CompiledRule> rules;
    /** Zero: no late path; events behind the watermark are only counted by sequences and thresholds. */
    private final Duration allowedLateness;

    public CompiledRules(List<CompiledRule> rules, Duration allowedLateness) {
        this.rules = List.copyOf(rules);
        this.allowedLateness = allowedLateness;
    }

    /** With the default allowed lateness ({@link DetectionConfig#DEFAULT_ALLOWED_LATENESS}). */
    public static CompiledRules compile(List<Rule> rules, Map<String, List<String>> lists) {
        return new CompiledRules(new RuleCompiler(lists).compile(rules), DetectionConfig.DEFAULT_ALLOWED_LATENESS);
    }

    /** The same rules with another allowed lateness; zero turns the late path off. */
    public CompiledRules withAllowedLateness(Duration lateness) {
        return new CompiledRules(rules, lateness);
    }

    public List<CompiledRule> rules() {
        return rules;
    }

    @Override
    public DataStream<Finding> apply(DataStream<CloudTrailEvent> events) {
        Map<String, OutputTag<RuleEvent>> ruleEvents = new LinkedHashMap<>();
        for (CompiledRule rule : rules) {
            if (rule.kind != Rule.Kind.MATCH) {
                ruleEvents.put(rule.id, new OutputTag<>(rule.uid("events"), TypeInformation.of(RuleEvent.class)));
            }
        }
        SingleOutputStreamOperator<Finding> dispatched = events
                .process(new RuleDispatch(rules, ruleEvents), TypeInformation.of(Finding.class))
                .uid(DISPATCH_UID).name("Rules: each event against the rules that name its call");
        List<DataStream<Finding>> suppressed = new ArrayList<>();
        List<DataStream<Finding>> findings = new ArrayList<>();
        suppressed.add(dispatched);
        for (CompiledRule rule : rules) {
            if (rule.kind == Rule.Kind.MATCH) {
                continue;
            }
            DataStream<Finding> ruleFindings = statefulDetection(rule, dispatched.getSideOutput(ruleEvents.get(rule.id)));
            (rule.suppression.isZero() ? findings : suppressed).add(ruleFindings);
        }
        List<CompiledRule> suppressing = new ArrayList<>();
        for (CompiledRule rule : rules) {
            if (!rule.suppression.isZero()) {
                suppressing.add(rule);
            }
        }
        if (!suppressing.isEmpty()) {
            findings.add(union(suppressed).keyBy(new FindingSuppression.IncidentKey(suppressing), Types.STRING)
                    .process(new FindingSuppression(suppressing), TypeInformation.of(Finding.class))
                    .uid(SUPPRESSION_UID).name("One finding per incident and suppression period"));
        }
        return union(findings);
    }

    /**
     * A sequence's or threshold's operators from its pre-filtered events: keyBy (unless keyed by the
     * principal), the late path, the CEP pattern or threshold function, and the count of the events
     * that came too late for both.
     */
    private DataStream<Finding> statefulDetection(CompiledRule rule, DataStream<RuleEvent> prefiltered) {
        OutputTag<RuleEvent> lateTag = new OutputTag<>(rule.uid("late"), TypeInformation.of(RuleEvent.class));
        KeyedStream<RuleEvent, String> keyed = rule.keyedByPrincipal()
                ? DataStreamUtils.reinterpretAsKeyedStream(prefiltered, new RuleEventKey(), Types.STRING)
                : prefiltered.keyBy(new RuleEventKey(), Types.STRING);
        DataStream<RuleEvent> ignoredLate = null;
        DataStream<Finding> lateFindings = null;
        if (!allowedLateness.isZero()) {
            OutputTag<Finding> lateFindingsTag = LateDelivery.findingsTag(rule);
            SingleOutputStreamOperator<RuleEvent> inTime = keyed
                    .process(new LateDelivery(rule, allowedLateness, lateTag, lateFindingsTag),
                            TypeInformation.of(RuleEvent.class))
                    .uid(rule.uid("late-buffer")).name("rule " + rule.id + " late delivery");
            ignoredLate = inTime.getSideOutput(lateTag);
            lateFindings = inTime.getSideOutput(lateFindingsTag);
            // Forward-connected after a keyed operator: still partitioned by the key, and chained to
            // it, so the operator below sees the watermark it saw.
            keyed = DataStreamUtils.reinterpretAsKeyedStream(inTime, new RuleEventKey(), Types.STRING);
        }
        SingleOutputStreamOperator<Finding> matched;
        DataStream<Finding> ruleFindings;
        if (rule.kind == Rule.Kind.SEQUENCE) {
            SingleOutputStreamOperator<RuleEvent> released = keyed
                    .process(new EventTimeRelease(), TypeInformation.of(RuleEvent.class))
                    .uid(rule.uid("release")).name("rule " + rule.id + " events in event-time order");
            matched = CEP.pattern(DataStreamUtils.reinterpretAsKeyedStream(released, new RuleEventKey(), Types.STRING),
                            pattern(rule), new StepOrder())
                    .inEventTime()
                    .sideOutputLateData(lateTag)
                    .process(new SequenceFindings(rule), TypeInformation.of(Finding.class))
                    .uid(rule.uid("cep")).name("rule " + rule.id + " sequence");
            // Flink's CEP operator starts a chain of its own by default, which made every event of a
            // sequence cross a network channel: serialized with its record, read back in another task.
            // Chained, it takes the released events in the same thread; its state is unchanged.
            ((PhysicalTransformation<Finding>) matched.getTransformation())
                    .setChainingStrategy(ChainingStrategy.ALWAYS);
            // Forward-connected after the keyed CEP operator (and the late path before it, on the same
            // key), so both are still partitioned by the key.
            DataStream<Finding> sequences = lateFindings == null ? matched : matched.union(lateFindings);
            ruleFindings = DataStreamUtils.reinterpretAsKeyedStream(sequences, new FindingKey(rule), Types.STRING)
                    .process(new IncidentFindings(rule), TypeInformation.of(Finding.class))
                    .uid(rule.uid("incident")).name("rule " + rule.id + " one finding per incident");
        } else {
            matched = keyed.process(new ThresholdFunction(rule, lateTag), TypeInformation.of(Finding.class))
                    .uid(rule.uid("threshold")).name("rule " + rule.id + " threshold");
            ruleFindings = lateFindings == null ? matched : matched.union(lateFindings);
        }
        countLate(rule, matched.getSideOutput(lateTag), "late", "late events");
        if (ignoredLate != null) {
            countLate(rule, ignoredLate, "late-buffer-ignored", "events too late");
        }
        return ruleFindings;
    }

    /**
     * Counts a stream of late events where it leaves its operator. One counter per stream rather than
     * one for their union: a union cannot be chained, and its two network channels per rule were read
     * for availability at every record the rules' thread handled.
     */
    private static void countLate(CompiledRule rule, DataStream<RuleEvent> late, String uid, String name) {
        late.flatMap(new LateRuleEvents(rule.id), Types.VOID)
                .uid(rule.uid(uid)).name("rule " + rule.id + " " + name)
                .sinkTo(new DiscardingSink<>())
                .uid(rule.uid(uid + "-sink")).name("rule " + rule.id + " " + name + " counted");
    }

    /** The rule's key, as its pre-filter computed it. */
    static final class RuleEventKey implements KeySelector<RuleEvent, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(RuleEvent event) {
            return event.key;
        }
    }

    /** A sequence finding's rule key: the key of its events, which all share it. */
    static final class FindingKey implements KeySelector<Finding, String> {
        private static final long serialVersionUID = 1L;
        private final CompiledRule rule;

        FindingKey(CompiledRule rule) {
            this.rule = rule;
        }

        @Override
        public String getKey(Finding finding) {
            return rule.keyOf(finding.events.get(0));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> DataStream<T> union(List<DataStream<T>> streams) {
        DataStream<T> first = streams.get(0);
        return streams.size() == 1 ? first : first.union(streams.subList(1, streams.size()).toArray(new DataStream[0]));
    }

    /**
     * The CEP pattern of a sequence: relaxed contiguity (other calls of the principal may come between
     * steps), which takes the first event that fits each next step, so the events of one start do not
     * combine into several matches. No after-match skip: see {@link IncidentFindings}, which turns the
     * matches of one incident into one finding. With a trailing absent step the pattern's window is the sequence's plus the absent
     * step's; the last positive step checks on its own that the steps fit the sequence's window, so
     * absence is looked for at least the absent step's window after the last step.
     */
    static Pattern<RuleEvent, RuleEvent> pattern(CompiledRule rule) {
        int positives = rule.positiveStepCount();
        StepCondition[] conditions = stepConditions(rule);
        Pattern<RuleEvent, RuleEvent> pattern = Pattern
                .<RuleEvent>begin(rule.stepNames[0], AfterMatchSkipStrategy.noSkip())
                .where(conditions[0]);
        for (int step = 1; step < positives; step++) {
            pattern = pattern.followedBy(rule.stepNames[step]).where(conditions[step]);
        }
        if (rule.hasAbsentStep) {
            pattern = pattern.notFollowedBy(rule.stepNames[positives]).where(conditions[positives]);
        }
        return pattern.within(rule.span());
    }

    /**
     * Each step's condition, the absent step's last: the last positive step of a rule with an absent step
     * also checks that the steps fit the sequence's window (the pattern's window is the whole span).
     */
    static StepCondition[] stepConditions(CompiledRule rule) {
        int positives = rule.positiveStepCount();
        long lastStepSpan = rule.hasAbsentStep ? rule.within.toMillis() : 0;
        StepCondition[] conditions = new StepCondition[rule.stepNames.length];
        for (int step = 0; step < rule.stepNames.length; step++) {
            conditions[step] = new StepCondition(rule, step, step == positives - 1 ? lastStepSpan : 0);
        }
        return conditions;
    }
}
