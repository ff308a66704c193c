package io.trailwarden.respond;

import io.trailwarden.finding.PlannedAction;
import io.trailwarden.finding.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The blast-radius cap, one budget per account (plans are keyed by {@link #budgetKey}): at most
 * {@code maxContainments} distinct targets per sliding window, plus {@code criticalReserve} more that
 * only CRITICAL findings may use, so decoys of lower severity cannot spend the budget a real backdoor
 * needs. A target already admitted in the window costs nothing again (a second rule, a repeat). A
 * containment beyond the cap is held back: kept in state as pending, named in the capped alerts of the
 * account until the window passes (each names its own and the newest, and counts the rest), and carried
 * out when a human runs the command its alert and audit record give.
 * Processing time: the cap bounds what the job does now, not when the events happened.
 */
public final class BlastRadiusFunction extends KeyedProcessFunction<String, ResponsePlan, ResponsePlan> {
    private static final long serialVersionUID = 1L;

    /** A capped alert names at most this many held-back targets and counts the rest. */
    static final int MAX_HELD_NAMED = 100;
    private static final Comparator<Map.Entry<String, Long>> NEWEST_FIRST =
            Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey());

    private final int maxContainments;
    private final int criticalReserve;
    private final long windowMillis;
    /** Target key to when it was admitted. */
    private transient MapState<String, Long> admitted;
    /** Target key to when it was held back. */
    private transient MapState<String, Long> held;
    private transient Counter capped;

    public BlastRadiusFunction(int maxContainments, int criticalReserve, long windowMillis) {
        this.maxContainments = maxContainments;
        this.criticalReserve = criticalReserve;
        this.windowMillis = windowMillis;
    }

    /** The account whose budget a plan spends: its first containment target's, else none. */
    public static String budgetKey(ResponsePlan plan) {
        for (PlannedStep step : plan.steps) {
            if (step.type == PlannedAction.Type.CONTAIN && step.target != null && step.target.accountId != null) {
                return step.target.accountId;
            }
        }
        return "-";
    }

    @Override
    public void open(OpenContext openContext) {
        admitted = getRuntimeContext().getMapState(new MapStateDescriptor<>("targets-admitted", Types.STRING, Types.LONG));
        held = getRuntimeContext().getMapState(new MapStateDescriptor<>("targets-held-back", Types.STRING, Types.LONG));
        capped = getRuntimeContext().getMetricGroup().counter("containmentsCapped");
    }

    @Override
    public void processElement(ResponsePlan plan, Context ctx, Collector<ResponsePlan> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        forgetBefore(admitted, now - windowMillis);
        forgetBefore(held, now - windowMillis);
        int limit = maxContainments + (plan.finding.severity == Severity.CRITICAL ? criticalReserve : 0);
        for (PlannedStep step : plan.steps) {
            if (step.decision != Decision.EXECUTE || step.type != PlannedAction.Type.CONTAIN) {
                continue;
            }
            String key = ResponseTask.targetKey(step.target);
            if (admitted.contains(key)) {
                continue;
            }
            if (count(admitted) < limit) {
                admitted.put(key, now);
                held.remove(key);
                continue;
            }
            step.decision = Decision.HELD_BY_CAP;
            step.reason = "blast-radius cap reached: " + count(admitted) + " targets contained in account "
                    + step.target.accountId + " in the last " + windowMillis / 1000 + " s (TrailWarden.Response.maxContainments"
                    + (limit > maxContainments ? " + criticalReserve" : "") + "); held for approval: "
                    + approveCommand(plan, step);
            held.put(key, now);
            capped.inc();
        }
        plan.admittedAtMillis = now;
        plan.heldBack = new ArrayList<>();
        plan.heldBackNotNamed = 0;
        if (plan.steps.stream().anyMatch(step -> step.decision == Decision.HELD_BY_CAP)) {
            nameHeldBack(plan);
        }
        out.collect(plan);
    }

    /**
     * What the plan's capped alert names: the plan's own held targets first (what the alert is about),
     * then the newest others (an old one was named by the capped alert that held it, and leaves the
     * window first), at most {@link #MAX_HELD_NAMED}, and how many more are held. Bounded, so thousands
     * of decoys cannot make every alert, and every alert task kept for retries, carry them all.
     */
    private void nameHeldBack(ResponsePlan plan) throws Exception {
        Set<String> own = new LinkedHashSet<>();
        for (PlannedStep step : plan.steps) {
            if (step.decision == Decision.HELD_BY_CAP) {
                own.add(ResponseTask.targetKey(step.target));
            }
        }
        // The newest others that fit, in a heap whose head is the oldest of them: memory bounded by what is named.
        PriorityQueue<Map.Entry<String, Long>> newest = new PriorityQueue<>(NEWEST_FIRST.reversed());
        int others = 0;
        for (Map.Entry<String, Long> entry : held.entries()) {
            if (own.contains(entry.getKey())) {
                continue;
            }
            others++;
            newest.add(Map.entry(entry.getKey(), entry.getValue()));
            if (own.size() + newest.size() > MAX_HELD_NAMED) {
                newest.poll();
            }
        }
        List<Map.Entry<String, Long>> named = new ArrayList<>(newest);
        named.sort(NEWEST_FIRST);
        List<String> keys = new ArrayList<>(own);
        named.forEach(entry -> keys.add(entry.getKey()));
        keys.forEach(key -> plan.heldBack.add(key.substring("contain|".length())));
        plan.heldBackNotNamed = others - named.size();
    }

    /** The one command a human runs to carry out a held-back containment. */
    static String approveCommand(ResponsePlan plan, PlannedStep step) {
        return "trailwarden contain --finding " + plan.finding.findingId
                + (step.target.kind == io.trailwarden.finding.Target.Kind.IAM_ROLE ? " --role " : " --user ")
                + step.target.name + " --account " + step.target.accountId;
    }

    private static int count(MapState<String, Long> state) throws Exception {
        int count = 0;
        for (String ignored : state.keys()) {
            count++;
        }
        return count;
    }

    private static void forgetBefore(MapState<String, Long> state, long oldest) throws Exception {
        List<String> old = new ArrayList<>();
        for (Map.Entry<String, Long> entry : state.entries()) {
            if (entry.getValue() <= oldest) {
                old.add(entry.getKey());
            }
        }
        for (String key : old) {
            state.remove(key);
        }
    }
}
