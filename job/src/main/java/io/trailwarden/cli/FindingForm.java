package io.trailwarden.cli;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.FindingDocument;
import io.trailwarden.finding.FindingHtml;
import io.trailwarden.finding.FindingJson;
import io.trailwarden.finding.FindingText;
import io.trailwarden.finding.SafeText;
import java.time.Instant;

/**
 * The forms the local commands write a finding in. Each is rendered inside the job
 * ({@link RenderFindings}), so the command receives text rather than findings with all their events.
 */
enum FindingForm {
    /** {@code replay --format table}: one line per finding, under {@link #TABLE_HEADER}. */
    TABLE_LINE {
        @Override
        String render(Finding finding) {
            CloudTrailEvent first = finding.events.get(0);
            StringBuilder events = new StringBuilder();
            for (CloudTrailEvent event : finding.events) {
                events.append(events.length() == 0 ? "" : " > ").append(event.eventName);
            }
            if (finding.incidentUpdate) {
                events.insert(0, "incident " + finding.findingId + " closed, " + finding.matches + " matches to "
                        + Instant.ofEpochMilli(finding.incidentEnd()) + ": ");
            }
            return String.format(TABLE_COLUMNS,
                    Instant.ofEpochMilli(first.eventTimeMillis),
                    finding.severity,
                    SafeText.safe(finding.ruleId),
                    SafeText.safe(finding.actor == null ? "-" : finding.actor.principalKey(), 120),
                    finding.target == null ? "-" : SafeText.safe(finding.target.kind + " " + finding.target.name, 120),
                    SafeText.safe(events.toString(), 200));
        }
    },
    /** {@code replay --format jsonl}: one finding document (finding.schema.json) on one line. */
    JSON_LINE {
        @Override
        String render(Finding finding) {
            return FindingJson.line(FindingDocument.of(finding, FindingDocument.Limits.TOOLS));
        }
    },
    /** {@code replay --format html}: the incident's element of the report. */
    HTML_INCIDENT {
        @Override
        String render(Finding finding) {
            return FindingHtml.render(FindingDocument.of(finding, SafeText.DEFAULT_MAX_CHARS,
                    HtmlReport.MAX_EVENTS_PER_FINDING));
        }

        /** The report details at most this many of a rule's findings, so no subtask renders more. */
        @Override
        int maxRenderedPerRule() {
            return HtmlReport.MAX_INCIDENTS_PER_RULE;
        }
    },
    /** {@code run --local}: the multi-line text for a person at a terminal. */
    TERMINAL_TEXT {
        @Override
        String render(Finding finding) {
            return FindingText.render(FindingDocument.of(finding, FindingDocument.Limits.TERMINAL));
        }
    };

    private static final String TABLE_COLUMNS = "%-20s  %-8s  %-38s  %-50s  %-30s  %s";
    static final String TABLE_HEADER =
            String.format(TABLE_COLUMNS, "TIME", "SEVERITY", "RULE", "PRINCIPAL", "TARGET", "EVENTS");

    abstract String render(Finding finding);

    /** How many findings of one rule a subtask renders; the ones after are passed on without their text. */
    int maxRenderedPerRule() {
        return Integer.MAX_VALUE;
    }
}
