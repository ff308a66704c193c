package io.trailwarden.respond;

import io.trailwarden.config.AlertConfig;
import io.trailwarden.config.AwsConfig;
import io.trailwarden.config.ResponseConfig;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.event.DeadLetter;
import io.trailwarden.finding.Finding;
import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * Findings in; audit records and dead letters out: planner (safety rails) -> blast-radius cap (keyed by
 * account) -> the finding's alert and each containment as separate actions, each on its own retrying
 * responder -> audit stream. A containment's outcome is a follow-up alert.
 */
public final class ResponseStage {
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<DeadLetter>("response-dead-letters") {
        private static final long serialVersionUID = 1L;
    };

    private final ResponseConfig response;
    private final List<String> trustedAutomation;
    private final AlertConfig alerts;
    private final AwsConfig aws;

    /** {@code trustedAutomation}: ARN patterns whose findings are alerted, never contained. */
    public ResponseStage(ResponseConfig response, List<String> trustedAutomation, AlertConfig alerts, AwsConfig aws) {
        this.response = response;
        this.trustedAutomation = List.copyOf(trustedAutomation);
        this.alerts = alerts;
        this.aws = aws;
    }

    public static ResponseStage from(TrailWardenConfig config) {
        return new ResponseStage(config.response, config.lists.trustedAutomation(), config.alerts, config.aws);
    }

    /** The audit stream of every action's result; its side output {@link #DEAD_LETTERS} holds the failures. */
    public SingleOutputStreamOperator<ActionResult> apply(DataStream<Finding> findings) {
        DataStream<ResponsePlan> plans = findings
                .map(new PlanResponse(new ResponsePlanner(response, trustedAutomation)))
                .uid("response-planner")
                .name("Response planner (safety rails)");
        DataStream<ResponsePlan> capped = plans
                .keyBy(BlastRadiusFunction::budgetKey)
                .process(new BlastRadiusFunction(response.maxContainments, response.criticalReserve,
                        response.containmentWindow.toMillis()))
                .uid("response-blast-radius-cap")
                .name("Blast-radius cap (per account)");
        SingleOutputStreamOperator<ResponseTask> findingAlerts = capped
                .process(new ResponseTasks())
                .uid("response-tasks")
                .name("Response actions");
        SingleOutputStreamOperator<ResponseReport> contained = findingAlerts.getSideOutput(ResponseTasks.CONTAINMENTS)
                .keyBy(task -> task.key)
                .process(new ResponseRunner(ResponseTask.Kind.CONTAIN, response, alerts, aws))
                .uid("response-containment")
                .name("IAM containment (one per target, retried)");
        SingleOutputStreamOperator<ResponseReport> alerted = findingAlerts
                .union(contained.getSideOutput(ResponseRunner.FOLLOW_UP_ALERTS))
                .keyBy(task -> task.key)
                .process(new ResponseRunner(ResponseTask.Kind.ALERT, response, alerts, aws))
                .uid("response-alerts")
                .name("SNS alerts (retried)");
        return findingAlerts.getSideOutput(ResponseTasks.DECISIONS)
                .union(contained, alerted)
                .process(new SplitResponseReport(DEAD_LETTERS))
                .uid("response-audit")
                .name("Response audit");
    }
}
