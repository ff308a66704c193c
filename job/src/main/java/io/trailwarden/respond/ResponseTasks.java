package io.trailwarden.respond;

import io.trailwarden.finding.PlannedAction;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits a capped plan into its actions: the finding's alert (main output), one containment per
 * executed step ({@link #CONTAINMENTS}), and the audit records of the steps the rails decided not to
 * execute ({@link #DECISIONS}). The alert is its own action, so it never waits behind a containment.
 */
public final class ResponseTasks extends ProcessFunction<ResponsePlan, ResponseTask> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<ResponseTask> CONTAINMENTS = new OutputTag<ResponseTask>("response-containments") {
        private static final long serialVersionUID = 1L;
    };
    public static final OutputTag<ResponseReport> DECISIONS = new OutputTag<ResponseReport>("response-decisions") {
        private static final long serialVersionUID = 1L;
    };

    @Override
    public void processElement(ResponsePlan plan, Context ctx, Collector<ResponseTask> out) {
        long now = ctx.timerService().currentProcessingTime();
        List<ActionResult> reported = new ArrayList<>();
        ResponseReport decisions = new ResponseReport();
        decisions.findingId = plan.finding.findingId;
        for (PlannedStep step : plan.steps) {
            if (step.type != PlannedAction.Type.CONTAIN) {
                continue;
            }
            if (step.decision == Decision.EXECUTE) {
                ctx.output(CONTAINMENTS, ResponseTask.contain(plan.finding, step, plan.admittedAtMillis));
                reported.add(ActionResult.of(plan.finding.findingId, plan.finding.ruleId, step.type,
                        ResponseExecutor.targetLabel(step.target), step.target.accountId, Outcome.STARTED,
                        "containment started; a follow-up alert reports its outcome", now, 0));
            } else {
                ActionResult result = ResponseExecutor.notExecuted(plan.finding, step, now);
                reported.add(result);
                decisions.results.add(result);
            }
        }
        if (!decisions.results.isEmpty()) {
            ctx.output(DECISIONS, decisions);
        }
        out.collect(ResponseTask.alert(plan.finding, ResponseTask.AlertKind.FINDING, "-", reported, plan.heldBack,
                plan.heldBackNotNamed));
    }
}
