package io.trailwarden.respond;

import io.trailwarden.config.AlertConfig;
import io.trailwarden.config.AwsConfig;
import io.trailwarden.config.ResponseConfig;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.event.DeadLetter;
import io.trailwarden.finding.Finding;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * Findings in; audit records and dead letters out: planner (safety rails) -> blast-radius cap (one
 * global key) -> async responders (IAM containment, then the SNS alert) -> audit stream.
 */
public final class ResponseStage {
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<DeadLetter>("response-dead-letters") {
        private static final long serialVersionUID = 1L;
    };

    private final ResponseConfig response;
    private final AlertConfig alerts;
    private final AwsConfig aws;

    public ResponseStage(ResponseConfig response, AlertConfig alerts, AwsConfig aws) {
        this.response = response;
        this.alerts = alerts;
        this.aws = aws;
    }

    public static ResponseStage from(TrailWardenConfig config) {
        return new ResponseStage(config.response, config.alerts, config.aws);
    }

    /** The audit stream of every action's result; its side output {@link #DEAD_LETTERS} holds the failures. */
    public SingleOutputStreamOperator<ActionResult> apply(DataStream<Finding> findings) {
        DataStream<ResponsePlan> plans = findings
                .map(new PlanResponse(new ResponsePlanner(response)))
                .uid("response-planner")
                .name("Response planner (safety rails)");
        DataStream<ResponsePlan> capped = plans
                .keyBy(plan -> 0)
                .process(new BlastRadiusFunction(response.maxContainments, response.containmentWindow.toMillis()))
                .uid("response-blast-radius-cap")
                .name("Blast-radius cap");
        DataStream<ResponseReport> reports = AsyncDataStream.unorderedWait(
                        capped,
                        new ResponseAsyncFunction(response, alerts, aws),
                        response.actionTimeout.toMillis(),
                        TimeUnit.MILLISECONDS,
                        response.maxInFlight)
                .uid("response-async-responders")
                .name("IAM containment and SNS alert");
        return reports
                .process(new SplitResponseReport(DEAD_LETTERS))
                .uid("response-audit")
                .name("Response audit");
    }
}
