package io.trailwarden.respond;

import io.trailwarden.finding.Finding;
import org.apache.flink.api.common.functions.MapFunction;

/** The stateless safety rails, applied in parallel before the shared blast-radius cap. */
public final class PlanResponse implements MapFunction<Finding, ResponsePlan> {
    private static final long serialVersionUID = 1L;
    private final ResponsePlanner planner;

    public PlanResponse(ResponsePlanner planner) {
        this.planner = planner;
    }

    @Override
    public ResponsePlan map(Finding finding) {
        return planner.plan(finding);
    }
}
