package io.trailwarden.respond;

import io.trailwarden.event.DeadLetter;
import io.trailwarden.finding.PlannedAction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Turns each finding's report into the audit stream, with its failed actions as dead letters. */
public final class SplitResponseReport extends ProcessFunction<ResponseReport, ActionResult> {
    private static final long serialVersionUID = 1L;

    private final OutputTag<DeadLetter> deadLetters;
    private transient Counter failedActions;
    private transient Counter containments;

    public SplitResponseReport(OutputTag<DeadLetter> deadLetters) {
        this.deadLetters = deadLetters;
    }

    @Override
    public void open(OpenContext openContext) {
        failedActions = getRuntimeContext().getMetricGroup().counter("responseActionsFailed");
        containments = getRuntimeContext().getMetricGroup().counter("containmentsDone");
    }

    @Override
    public void processElement(ResponseReport report, Context ctx, Collector<ActionResult> out) {
        for (ActionResult result : report.results) {
            if (result.outcome == Outcome.FAILED) {
                failedActions.inc();
            } else if (result.outcome == Outcome.DONE && result.action == PlannedAction.Type.CONTAIN) {
                containments.inc();
            }
            out.collect(result);
        }
        for (DeadLetter letter : report.deadLetters) {
            ctx.output(deadLetters, letter);
        }
    }
}
