package io.trailwarden.respond;

import io.trailwarden.finding.AuditRecord;
import io.trailwarden.finding.PlannedAction;
import java.util.Objects;

/** The audit record of one action of one finding's response. A Flink POJO. */
public class ActionResult {
    public String findingId;
    public String ruleId;
    public PlannedAction.Type action = PlannedAction.Type.ALERT;
    /** The target's ARN, or its name when the ARN is unknown; the topic for an alert. */
    public String target;
    public String targetAccount;
    public Outcome outcome = Outcome.FAILED;
    /** What changed, why nothing did, or why it failed. */
    public String detail;
    public long startedAtMillis;
    public long durationMillis;
    /** A failed alert: its whole text, so the audit store keeps what SNS could not deliver. */
    public String undeliveredAlert;
    /** A containment: the command that undoes exactly what it did (keys and fallback policy included). */
    public String releaseCommand;

    public ActionResult() {}

    public static ActionResult of(String findingId, String ruleId, PlannedAction.Type action, String target,
            String targetAccount, Outcome outcome, String detail, long startedAtMillis, long durationMillis) {
        ActionResult result = new ActionResult();
        result.findingId = findingId;
        result.ruleId = ruleId;
        result.action = action;
        result.target = target;
        result.targetAccount = targetAccount;
        result.outcome = outcome;
        result.detail = detail;
        result.startedAtMillis = startedAtMillis;
        result.durationMillis = durationMillis;
        return result;
    }

    /** This result as the audit record of finding.schema.json. */
    public AuditRecord toRecord() {
        return AuditRecord.of(findingId, ruleId, String.valueOf(action), target, targetAccount, String.valueOf(outcome),
                detail, startedAtMillis, durationMillis);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ActionResult)) {
            return false;
        }
        ActionResult other = (ActionResult) o;
        return startedAtMillis == other.startedAtMillis && durationMillis == other.durationMillis
                && Objects.equals(findingId, other.findingId) && action == other.action
                && Objects.equals(target, other.target) && outcome == other.outcome
                && Objects.equals(detail, other.detail);
    }

    @Override
    public int hashCode() {
        return Objects.hash(findingId, action, target, outcome);
    }

    @Override
    public String toString() {
        return findingId + " " + action + " " + target + " " + outcome + (detail == null ? "" : ": " + detail);
    }
}
