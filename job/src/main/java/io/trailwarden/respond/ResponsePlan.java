package io.trailwarden.respond;

import io.trailwarden.finding.Finding;
import io.trailwarden.finding.ListTypeInfoFactory;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/** A finding with its actions decided by the safety rails. A Flink POJO. */
public class ResponsePlan {
    public Finding finding;
    @TypeInfo(ListTypeInfoFactory.class)
    public List<PlannedStep> steps = new ArrayList<>();
    /**
     * Set by the blast-radius cap: targets of this plan's account it holds back, at most
     * {@link BlastRadiusFunction#MAX_HELD_NAMED}.
     */
    @TypeInfo(ListTypeInfoFactory.class)
    public List<String> heldBack = new ArrayList<>();
    /** Set by the blast-radius cap: how many more targets of the account it holds back than {@link #heldBack} names. */
    public int heldBackNotNamed;
    /** Set by the blast-radius cap: when it admitted this plan's containments. */
    public long admittedAtMillis;

    public ResponsePlan() {}

    public static ResponsePlan of(Finding finding, List<PlannedStep> steps) {
        ResponsePlan plan = new ResponsePlan();
        plan.finding = finding;
        plan.steps = new ArrayList<>(steps);
        return plan;
    }

    @Override
    public String toString() {
        return (finding == null ? "?" : finding.findingId) + " " + steps;
    }
}
