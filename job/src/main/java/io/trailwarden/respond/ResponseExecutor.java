package io.trailwarden.respond;

import io.trailwarden.event.DeadLetter;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.FindingDocument;
import io.trailwarden.finding.FindingJson;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.finding.Target;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Carries out one plan: containments first, then the alert, which always goes out and says what
 * succeeded and what failed. Failures do not throw: each failed action becomes a FAILED result and a
 * dead letter. Blocking; the Flink stage runs it on its async-I/O thread pool.
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

    public ResponseReport execute(ResponsePlan plan) {
        Finding finding = plan.finding;
        ResponseReport report = new ResponseReport();
        report.findingId = finding.findingId;
        List<ActionResult> containments = new ArrayList<>();
        boolean ignored = false;
        for (PlannedStep step : plan.steps) {
            if (step.decision == Decision.IGNORED_OWN_ACTIVITY) {
                ignored = true;
            }
            if (step.type == PlannedAction.Type.CONTAIN || step.decision == Decision.IGNORED_OWN_ACTIVITY) {
                containments.add(contain(finding, step, report));
            }
        }
        report.results.addAll(containments);
        if (!ignored) {
            report.results.add(alert(finding, containments, report));
        }
        return report;
    }

    /**
     * The report of a response that did not finish (timed out, or its task failed): every action
     * failed, each a dead letter. Its actions may be partly done; they are idempotent, so safe to repeat.
     */
    public static ResponseReport failedAll(ResponsePlan plan, long startedAtMillis, long durationMillis, String detail) {
        ResponseReport report = new ResponseReport();
        report.findingId = plan.finding.findingId;
        for (PlannedStep step : plan.steps) {
            ActionResult result = ActionResult.of(plan.finding.findingId, plan.finding.ruleId, step.type,
                    step.target == null ? "-" : targetLabel(step.target),
                    step.target == null ? null : step.target.accountId, Outcome.FAILED, detail, startedAtMillis,
                    durationMillis);
            report.results.add(result);
            report.deadLetters.add(deadLetter(plan.finding, result));
        }
        return report;
    }

    private ActionResult contain(Finding finding, PlannedStep step, ResponseReport report) {
        long started = clock.get().toEpochMilli();
        String label = step.target == null ? "-" : targetLabel(step.target);
        String account = step.target == null ? null : step.target.accountId;
        if (step.decision != Decision.EXECUTE) {
            String detail = step.decision == Decision.DRY_RUN ? "would quarantine " + label + " (" + step.reason + ")" : step.reason;
            return ActionResult.of(finding.findingId, finding.ruleId, step.type, label, account,
                    step.decision.outcomeWithoutExecution(), detail, started, 0);
        }
        ActionResult result;
        try {
            ContainmentResult done = containment.contain(step.target, finding.findingId,
                    Instant.ofEpochMilli(finding.lastEventTimeMillis()));
            result = ActionResult.of(finding.findingId, finding.ruleId, step.type, label, account, done.outcome,
                    done.detail, started, clock.get().toEpochMilli() - started);
        } catch (RuntimeException e) {
            // SdkException mostly; anything else (a finding with a malformed target) must not fail the
            // job either: a restart would replay the same finding into the same failure.
            result = ActionResult.of(finding.findingId, finding.ruleId, step.type, label, account, Outcome.FAILED,
                    "containment failed: " + e.getMessage(), started, clock.get().toEpochMilli() - started);
            report.deadLetters.add(deadLetter(finding, result));
        }
        return result;
    }

    private ActionResult alert(Finding finding, List<ActionResult> containments, ResponseReport report) {
        long started = clock.get().toEpochMilli();
        String topic = publisher == null ? "-" : publisher.topicArn();
        ActionResult result;
        if (publisher == null) {
            result = ActionResult.of(finding.findingId, finding.ruleId, PlannedAction.Type.ALERT, topic, null,
                    Outcome.FAILED, "no SNS topic configured (TrailWarden.Alerts.topicArn)", started, 0);
        } else {
            try {
                String messageId = publisher.publish(formatter.format(finding, containments));
                result = ActionResult.of(finding.findingId, finding.ruleId, PlannedAction.Type.ALERT, topic, null,
                        Outcome.DONE, "published as SNS message " + messageId, started,
                        clock.get().toEpochMilli() - started);
            } catch (RuntimeException e) {
                result = ActionResult.of(finding.findingId, finding.ruleId, PlannedAction.Type.ALERT, topic, null,
                        Outcome.FAILED, "alert failed: " + e.getMessage(), started, clock.get().toEpochMilli() - started);
            }
        }
        if (result.outcome == Outcome.FAILED) {
            report.deadLetters.add(deadLetter(finding, result));
        }
        return result;
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
