package io.trailwarden.cli;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.FindingDocument;
import io.trailwarden.finding.FindingJson;
import io.trailwarden.finding.SafeText;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;

/**
 * How replay writes findings: a line per finding for people, one JSON object per line for tools, or a
 * page for people ({@link HtmlReport}).
 */
interface FindingOutput extends Closeable {
    void write(Finding finding);

    /** After the last finding of a replay that ran to its end: what the output says about the whole. */
    default void finish(long eventsRead, DeadLetterSummary deadLetters) throws IOException {}

    @Override
    default void close() throws IOException {}

    /** One finding document (finding.schema.json) per line. */
    final class JsonLines implements FindingOutput {
        private final PrintWriter out;

        JsonLines(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void write(Finding finding) {
            out.println(FindingJson.line(FindingDocument.of(finding, FindingDocument.Limits.TOOLS)));
        }
    }

    /** One line per finding; every value from a record goes through {@link SafeText#safe}. */
    final class Table implements FindingOutput {
        private final PrintWriter out;
        private boolean headerWritten;

        Table(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void write(Finding finding) {
            if (!headerWritten) {
                out.printf("%-20s  %-8s  %-38s  %-50s  %-30s  %s%n", "TIME", "SEVERITY", "RULE", "PRINCIPAL", "TARGET",
                        "EVENTS");
                headerWritten = true;
            }
            CloudTrailEvent first = finding.events.get(0);
            StringBuilder events = new StringBuilder();
            for (CloudTrailEvent event : finding.events) {
                events.append(events.length() == 0 ? "" : " > ").append(event.eventName);
            }
            if (finding.incidentUpdate) {
                events.insert(0, "incident " + finding.findingId + " closed, " + finding.matches + " matches to "
                        + Instant.ofEpochMilli(finding.incidentEnd()) + ": ");
            }
            out.printf("%-20s  %-8s  %-38s  %-50s  %-30s  %s%n",
                    Instant.ofEpochMilli(first.eventTimeMillis),
                    finding.severity,
                    SafeText.safe(finding.ruleId),
                    SafeText.safe(finding.actor == null ? "-" : finding.actor.principalKey(), 120),
                    finding.target == null ? "-" : SafeText.safe(finding.target.kind + " " + finding.target.name, 120),
                    SafeText.safe(events.toString(), 200));
            out.flush();
        }
    }
}
