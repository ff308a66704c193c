package io.trailwarden.respond;

import io.trailwarden.event.DeadLetter;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.FindingDocument;
import io.trailwarden.finding.FindingJson;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.finding.Target;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One attempt of one action: a containment or an alert. Blocking, and never throws: a failure is a
 * FAILED result. The Flink responders ({@link ResponseRunner}) run attempts off the task thread and
 * retry them; {@link #execute} runs a whole plan at once, for a human approving a held-back containment.
 */
public final class ResponseExecutor {
    public static final String DEAD_LETTER_STAGE = "response";
    /**
     * A failed action's dead letter carries the finding document, with as many events as fit in the
     * dead letter's raw field: enough to redo the response by hand.
     */
    private static final FindingDocument.Limits DEAD_LETTER_LIMITS = new FindingDocument.Limits(Integer.MAX_VALUE, 256);

    private final IamContainment containment;
    private final AlertFormatter formatter;
    /** Null when no topic is configured: the alert then fails visibly instead of vanishing. */
    private final AlertPublisher publisher;
    private final Supplier<Instant> clock;

    public ResponseExecutor(IamContainment containment, AlertFormatter formatter, AlertPublisher publisher,
            Supplier<Instant> clock) {
        this.containment = containment;
        this.formatter = formatter;
        this.publisher = publisher;
        this.clock = clock;
    }

    /** Every containment of the plan now, then one alert saying how each ended. */
    public ResponseReport execute(ResponsePlan plan) {
        ResponseReport report = new ResponseReport();
        report.findingId = plan.finding.findingId;
        long now = clock.get().toEpochMilli();
        List<ActionResult> containments = new ArrayList<>();
        for (PlannedStep step : plan.steps) {
            if (step.type != PlannedAction.Type.CONTAIN) {
                continue;
            }
            containments.add(step.decision == Decision.EXECUTE
                    ? contain(ResponseTask.contain(plan.finding, step, now))
                    : notExecuted(plan.finding, step, now));
        }
        report.results.addAll(containments);
        report.results.add(alert(ResponseTask.alert(plan.finding, alertKind(containments), "-", containments, plan.heldBack,
                plan.heldBackNotNamed)));
        for (ActionResult result : report.results) {
            if (isFailure(result.outcome)) {
                report.deadLetters.add(deadLetter(plan.finding, result));
            }
        }
        return report;
    }

    private static ResponseTask.AlertKind alertKind(List<ActionResult> containments) {
        if (containments.stream().anyMatch(r -> r.outcome == Outcome.FAILED)) {
            return ResponseTask.AlertKind.FAILED;
        }
        if (containments.stream().anyMatch(r -> r.outcome == Outcome.PARTIAL)) {
            return ResponseTask.AlertKind.PARTIAL;
        }
        return ResponseTask.AlertKind.FINDING;
    }

    /** The audit record of a step the safety rails decided not to execute. */
    static ActionResult notExecuted(Finding finding, PlannedStep step, long now) {
        String label = step.target == null ? "-" : targetLabel(step.target);
        String detail = step.decision == Decision.DRY_RUN ? "would quarantine " + label + " (" + step.reason + ")" : step.reason;
        return ActionResult.of(finding.findingId, finding.ruleId, step.type, label,
                step.target == null ? null : step.target.accountId, step.decision.outcomeWithoutExecution(), detail, now, 0);
    }

    public ActionResult contain(ResponseTask task) {
        Finding finding = task.finding;
        Target target = task.step.target;
        long started = clock.get().toEpochMilli();
        ActionResult result;
        try {
            ContainmentResult done = containment.contain(target, finding.findingId, cutoff(task),
                    IamContainment.userKeys(finding, target));
            result = ActionResult.of(finding.findingId, finding.ruleId, PlannedAction.Type.CONTAIN, targetLabel(target),
                    target.accountId, done.outcome, done.detail, started, clock.get().toEpochMilli() - started);
            if (done.outcome == Outcome.DONE || done.outcome == Outcome.ALREADY_DONE || done.outcome == Outcome.PARTIAL) {
                result.releaseCommand = releaseCommand(target, done);
            }
        } catch (RuntimeException e) {
            // SdkException mostly; anything else (a malformed target) must not fail the job either: a
            // restart would replay the same finding into the same failure.
            result = ActionResult.of(finding.findingId, finding.ruleId, PlannedAction.Type.CONTAIN, targetLabel(target),
                    target.accountId, Outcome.FAILED, "containment failed: " + e.getMessage(), started,
                    clock.get().toEpochMilli() - started);
        }
        return result;
    }

    /**
     * Sessions of a contained role issued before this are revoked: at least the containment time (as AWS's
     * own "revoke active sessions" does), at least the end of the last matched event's second, and at least
     * the cut-off of every finding that joined the containment.
     */
    static Instant cutoff(ResponseTask task) {
        Instant lastEvent = Instant.ofEpochMilli(task.finding.lastEventTimeMillis()).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        Instant admitted = Instant.ofEpochMilli(task.admittedAtMillis);
        Instant admittedCeil = admitted.truncatedTo(ChronoUnit.SECONDS).equals(admitted)
                ? admitted : admitted.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        Instant own = lastEvent.isAfter(admittedCeil) ? lastEvent : admittedCeil;
        Instant joined = Instant.ofEpochMilli(task.joinedCutoffMillis);
        return joined.isAfter(own) ? joined : own;
    }

    public ActionResult alert(ResponseTask task) {
        Finding finding = task.finding;
        long started = clock.get().toEpochMilli();
        String topic = publisher == null ? "-" : publisher.topicArn();
        // The update that closes an incident shares its opening finding's id: the audit record tells them apart.
        String what = task.alertKind + (finding.incidentUpdate ? " (incident closed)" : "") + " alert";
        Alert alert = formatter.format(finding, task.results, task.alertKind, task.heldBack, task.heldBackNotNamed);
        ActionResult result;
        if (publisher == null) {
            result = ActionResult.of(finding.findingId, finding.ruleId, PlannedAction.Type.ALERT, topic, null,
                    Outcome.FAILED, "no SNS topic configured (TrailWarden.Alerts.topicArn)", started, 0);
        } else {
            try {
                String messageId = publisher.publish(alert);
                return ActionResult.of(finding.findingId, finding.ruleId, PlannedAction.Type.ALERT, topic, null,
                        Outcome.DONE, what + " published as SNS message " + messageId, started,
                        clock.get().toEpochMilli() - started);
            } catch (RuntimeException e) {
                result = ActionResult.of(finding.findingId, finding.ruleId, PlannedAction.Type.ALERT, topic, null,
                        Outcome.FAILED, what + " failed: " + e.getMessage(), started,
                        clock.get().toEpochMilli() - started);
            }
        }
        result.undeliveredAlert = alert.subject + "\n" + alert.message;
        return result;
    }

    static boolean isFailure(Outcome outcome) {
        return outcome == Outcome.FAILED || outcome == Outcome.PARTIAL;
    }

    /** The command that undoes exactly this containment, from its own record (the tags are only a copy). */
    static String releaseCommand(Target target, ContainmentResult done) {
        StringBuilder command = new StringBuilder("trailwarden release ")
                .append(target.kind == Target.Kind.IAM_ROLE ? "--role " : "--user ")
                .append(done.renamedTo != null ? done.renamedTo : target.name);
        if (target.accountId != null) {
            command.append(" --account ").append(target.accountId);
        }
        if (!done.deactivatedKeys.isEmpty()) {
            command.append(" --reactivate-keys ").append(String.join(",", done.deactivatedKeys));
        }
        if (done.managedDenyAttached) {
            command.append(" --detach-deny-all");
        }
        return command.toString();
    }

    static DeadLetter deadLetter(Finding finding, ActionResult failed) {
        return DeadLetter.of(DEAD_LETTER_STAGE, failed.action + " " + failed.target + ": " + failed.detail,
                "finding " + finding.findingId + " rule " + finding.ruleId, FindingJson.line(FindingDocument.fitting(finding,
                        DEAD_LETTER_LIMITS, document -> FindingJson.line(document).length(), DeadLetter.MAX_RAW_CHARS)));
    }

    /** How a target is named in results and alerts: its ARN when known. */
    public static String targetLabel(Target target) {
        return target.arn != null ? target.arn : target.kind + " " + target.name;
    }
}
