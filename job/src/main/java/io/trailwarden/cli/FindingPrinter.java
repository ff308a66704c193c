package io.trailwarden.cli;

import static io.trailwarden.cli.TerminalText.safe;

import io.trailwarden.event.Actor;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.finding.ContextValue;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.finding.Target;
import java.io.PrintWriter;
import java.time.Instant;

/**
 * Prints a finding for a person at a terminal. Every value that came from a CloudTrail record goes
 * through {@link TerminalText#safe}: names, agents and addresses are chosen by whoever made the call.
 */
public final class FindingPrinter {
    private final PrintWriter out;

    public FindingPrinter(PrintWriter out) {
        this.out = out;
    }

    public void print(Finding finding) {
        out.println("FINDING " + safe(finding.severity == null ? null : finding.severity.name()) + "  "
                + safe(finding.ruleId) + "  " + safe(finding.findingId));
        out.println("  " + safe(finding.title));
        if (!finding.mitre.isEmpty()) {
            out.println("  mitre     " + safe(String.join(", ", finding.mitre)));
        }
        out.println("  actor     " + actor(finding.actor));
        out.println("  target    " + target(finding.target));
        for (ContextValue entry : finding.context) {
            out.println("  " + safe(entry.label) + ": " + safe(String.join(", ", entry.values), 1000));
        }
        out.println("  events");
        for (CloudTrailEvent event : finding.events) {
            out.println("    " + event(event));
        }
        out.println("  response");
        for (PlannedAction action : finding.response) {
            out.println("    " + action(action));
        }
        out.println();
        out.flush();
    }

    private static String actor(Actor actor) {
        if (actor == null) {
            return "-";
        }
        StringBuilder line = new StringBuilder();
        line.append(safe(actor.type.cloudTrailName())).append(' ').append(safe(actor.principalKey()));
        if (actor.accessKeyId != null) {
            line.append("  access key ").append(safe(actor.accessKeyId));
        }
        if (actor.mfaAuthenticated != null) {
            line.append(actor.mfaAuthenticated ? "  with MFA" : "  without MFA");
        }
        return line.toString();
    }

    private static String target(Target target) {
        if (target == null) {
            return "-";
        }
        return safe(target.kind.name()) + " " + safe(target.name)
                + (target.arn == null ? "" : "  " + safe(target.arn))
                + (target.accountId == null ? "" : "  account " + safe(target.accountId));
    }

    private static String event(CloudTrailEvent event) {
        return Instant.ofEpochMilli(event.eventTimeMillis) + "  " + safe(event.eventName)
                + "  " + safe(event.eventSource)
                + (event.errorCode == null ? "" : "  FAILED " + safe(event.errorCode))
                + "  region " + safe(event.awsRegion)
                + "  from " + safe(event.sourceIpAddress)
                + "  agent \"" + safe(event.userAgent, 80) + "\""
                + "  eventID " + safe(event.eventId);
    }

    private static String action(PlannedAction action) {
        return safe(action.type.name())
                + (action.target == null ? "" : " " + safe(action.target.kind.name()) + " " + safe(action.target.name))
                + (action.dryRun ? "  (dry-run)" : "")
                + (action.note == null ? "" : "  " + safe(action.note));
    }
}
