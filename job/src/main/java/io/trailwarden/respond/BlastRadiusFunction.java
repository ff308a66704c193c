package io.trailwarden.respond;

import io.trailwarden.finding.PlannedAction;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The blast-radius cap. Every plan is keyed by one constant, so one instance sees every containment of
 * the whole job whatever its parallelism, and the admitted times live in keyed state: the cap holds
 * across restarts and is part of every checkpoint. Containments beyond the cap become alert-only.
 * Processing time: the cap bounds what the job does now, not when the events happened.
 */
public final class BlastRadiusFunction extends KeyedProcessFunction<Integer, ResponsePlan, ResponsePlan> {
    private static final long serialVersionUID = 1L;

    private final int maxContainments;
    private final long windowMillis;
    private transient ListState<Long> admitted;
    private transient Counter capped;

    public BlastRadiusFunction(int maxContainments, long windowMillis) {
        this.maxContainments = maxContainments;
        this.windowMillis = windowMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        admitted = getRuntimeContext().getListState(new ListStateDescriptor<>("containments-admitted", Types.LONG));
        capped = getRuntimeContext().getMetricGroup().counter("containmentsCapped");
    }

    @Override
    public void processElement(ResponsePlan plan, Context ctx, Collector<ResponsePlan> out) throws Exception {
        BlastRadiusCap cap = new BlastRadiusCap(maxContainments, windowMillis);
        long now = ctx.timerService().currentProcessingTime();
        List<Long> previous = new ArrayList<>();
        for (Long time : admitted.get()) {
            previous.add(time);
        }
        List<Long> recent = cap.inWindow(previous, now);
        for (PlannedStep step : plan.steps) {
            if (step.decision == Decision.EXECUTE && step.type == PlannedAction.Type.CONTAIN
                    && !cap.tryAdmit(recent, now)) {
                step.decision = Decision.SKIPPED_CAP;
                step.reason = "blast-radius cap reached: " + maxContainments + " containments in the last "
                        + windowMillis / 1000 + " s (TrailWarden.Response.maxContainments); alert only";
                capped.inc();
            }
        }
        admitted.update(recent);
        out.collect(plan);
    }
}
