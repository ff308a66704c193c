package io.trailwarden.finding;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The one text form of a finding: what {@code run --local} prints and the text part of the SNS alert.
 * It renders a {@link FindingDocument}, so it shows exactly what the JSON form carries. Every value goes
 * through {@link SafeText#safe}: one value stays on one line whatever it holds.
 */
public final class FindingText {
    private FindingText() {}

    /** How many matches an incident covers and when: "3 matches from T1 to T2 (closed)". No record text in it. */
    public static String incident(FindingDocument.Incident incident) {
        return incident.matches + (incident.matches == 1 ? " match" : " matches")
                + (incident.firstEventTime.equals(incident.lastEventTime) ? " at " + incident.firstEventTime
                        : " from " + incident.firstEventTime + " to " + incident.lastEventTime)
                + (incident.update ? " (closed)" : "");
    }

    public static String render(FindingDocument finding) {
        StringBuilder text = new StringBuilder();
        if (finding.heldBack != null) {
            text.append("CONTAINMENT HELD BACK by the blast-radius cap: the command in this finding's HELD_BY_CAP action"
                    + " below carries it out.\n")
                    .append("Targets held back in this account now (account|kind|name), this finding's first, then the newest:\n");
            finding.heldBack.forEach(target -> text.append("  ").append(safe(target)).append('\n'));
            if (finding.heldBackOmitted != null) {
                text.append("  ... ").append(finding.heldBackOmitted).append(" more held back, not named here (size limit)."
                        + " Each was named by its own capped alert. All of them: the audit store's audit records with"
                        + " outcome HELD_BY_CAP, each detail ending in its command, trailwarden contain --finding ID"
                        + " --user|--role NAME --account ID\n");
            }
            text.append('\n');
        }
        if (finding.alertKind != null && !finding.alertKind.equals("FINDING")) {
            text.append("Containment outcome (").append(safe(finding.alertKind)).append(")\n\n");
        }
        if (finding.incident != null && finding.incident.update) {
            text.append("INCIDENT UPDATE: the finding below was alerted (and contained, where its rule contains) when its"
                    + " incident opened; it closed after " + finding.incident.matches + " matches.\n\n");
        }
        text.append("FINDING ").append(finding.severity).append("  ").append(safe(finding.ruleId)).append("  ")
                .append(safe(finding.findingId)).append('\n');
        text.append("  ").append(safe(finding.title)).append('\n');
        if (!finding.tactics.isEmpty()) {
            line(text, "tactics", safe(String.join(", ", finding.tactics)));
        }
        if (!finding.mitre.isEmpty()) {
            line(text, "mitre", safe(String.join(", ", finding.mitre)));
        }
        line(text, "principal", principal(finding.principal));
        line(text, "target", target(finding.target));
        line(text, "account", safe(finding.account));
        finding.context.forEach((label, values) -> {
            Integer omitted = finding.contextOmitted == null ? null : finding.contextOmitted.get(label);
            line(text, safe(label), safe(String.join(", ", values)) + (omitted == null ? "" : " (+" + omitted + " more)"));
        });
        if (finding.incident != null) {
            line(text, "incident", incident(finding.incident));
        }
        line(text, "events", finding.eventCount + ", in event-time order");
        for (int i = 0; i < finding.events.size(); i++) {
            event(text, i + 1, finding.events.get(i));
        }
        if (finding.eventsOmitted > 0) {
            text.append("    ... ").append(finding.eventsOmitted).append(" more events not shown (size limit)\n");
        }
        text.append("  response\n");
        if (finding.responseReason != null) {
            text.append("    why  ").append(safe(finding.responseReason)).append('\n');
        }
        for (FindingDocument.Step step : finding.response) {
            text.append("    ").append(step.action).append(step.target == null ? "" : " " + target(step.target))
                    .append(step.dryRun ? "  (dry-run)" : "")
                    .append(step.note == null ? "" : "  " + safe(step.note)).append('\n');
        }
        if (finding.results != null) {
            text.append("  actions\n");
            for (AuditRecord result : finding.results) {
                text.append("    ").append(safe(result.action)).append(' ').append(safe(result.target)).append(": ")
                        .append(safe(result.outcome)).append(" - ").append(safe(result.detail)).append('\n');
            }
            text.append("  release\n");
            release(text, finding.release);
        }
        return text.toString();
    }

    private static void release(StringBuilder text, List<String> commands) {
        if (commands == null || commands.isEmpty()) {
            text.append("    nothing was contained, nothing to release\n");
            return;
        }
        commands.forEach(command -> text.append("    ").append(safe(command)).append('\n'));
    }

    private static void event(StringBuilder text, int number, FindingDocument.Event event) {
        text.append("    ").append(number).append(". ").append(event.eventTime).append("  ").append(safe(event.eventName))
                .append("  ").append(safe(event.eventSource));
        if (event.errorCode != null) {
            text.append("  FAILED ").append(safe(event.errorCode)).append(' ').append(safe(event.errorMessage));
        }
        text.append("\n       principal ").append(safe(event.principal))
                .append("  access key ").append(safe(event.accessKeyId))
                .append("\n       from ").append(safe(event.sourceIPAddress))
                .append("  region ").append(safe(event.awsRegion))
                .append("  event id ").append(safe(event.eventID))
                .append("\n       agent \"").append(safe(event.userAgent)).append("\"\n");
    }

    private static String principal(FindingDocument.Principal principal) {
        return principal(principal, FindingText::safe);
    }

    /** The principal on one line, each value through {@code escape}: shared with {@link FindingHtml}. */
    static String principal(FindingDocument.Principal principal, UnaryOperator<String> escape) {
        if (principal == null) {
            return "-";
        }
        return escape.apply(principal.identityType) + " " + escape.apply(principal.arn)
                + (principal.accessKeyId == null ? "" : "  access key " + escape.apply(principal.accessKeyId))
                + (principal.mfaAuthenticated == null ? "" : principal.mfaAuthenticated ? "  with MFA" : "  without MFA");
    }

    private static String target(Target target) {
        return target(target, FindingText::safe);
    }

    /** The target on one line, each value through {@code escape}: shared with {@link FindingHtml}. */
    static String target(Target target, UnaryOperator<String> escape) {
        if (target == null) {
            return "-";
        }
        return target.kind + " " + escape.apply(target.name) + (target.arn == null ? "" : "  " + escape.apply(target.arn))
                + (target.accountId == null ? "" : "  account " + escape.apply(target.accountId));
    }

    private static void line(StringBuilder text, String label, String value) {
        text.append(String.format("  %-10s", label)).append(value).append('\n');
    }

    /** The document already cut its values to its limits; this only escapes them. */
    private static String safe(String value) {
        return SafeText.safe(value, Integer.MAX_VALUE);
    }
}
