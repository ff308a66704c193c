package io.trailwarden.finding;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The HTML form of a finding, for the replay report: one {@code <details>} element that opens on the
 * incident, with its timeline (the events in event-time order), the actors and source IPs of those
 * events, and what the response would contain. It renders a {@link FindingDocument}, as {@link FindingText}
 * does, so it shows what the other forms carry; every value goes through {@link SafeText#html}. The
 * markup uses the classes of the report's style sheet and no script.
 */
public final class FindingHtml {
    /** Distinct actors or source IPs listed per finding; the rest are counted. */
    static final int MAX_DISTINCT = 20;

    private FindingHtml() {}

    public static String render(FindingDocument finding) {
        StringBuilder html = new StringBuilder(4096);
        String severity = finding.severity.name();
        // The most severe incidents open with the page; the others open on a click.
        boolean update = finding.incident != null && finding.incident.update;
        // An update closes an incident listed before it; it is not another finding.
        html.append(update ? "<details class=\"incident-update sev-" : "<details class=\"finding sev-")
                .append(severity.toLowerCase(Locale.ROOT))
                .append(finding.severity == Severity.CRITICAL && !update ? "\" open>\n" : "\">\n")
                .append("<summary>").append(update ? "Incident closed: " : "")
                .append("<span class=\"sev\">").append(severity).append("</span> <code>")
                .append(h(finding.ruleId)).append("</code> ").append(h(finding.title));
        if (!finding.events.isEmpty()) {
            html.append(" <span class=\"when\">").append(h(finding.events.get(0).eventTime)).append("</span>");
        }
        html.append("</summary>\n<dl>\n");
        item(html, "finding", h(finding.findingId));
        if (finding.incident != null) {
            item(html, "incident", h(FindingText.incident(finding.incident)));
        }
        if (!finding.mitre.isEmpty()) {
            item(html, "MITRE ATT&amp;CK", h(String.join(", ", finding.mitre)));
        }
        item(html, "principal", FindingText.principal(finding.principal, FindingHtml::h));
        item(html, "target", FindingText.target(finding.target, FindingHtml::h));
        item(html, "account", h(finding.account));
        finding.context.forEach((label, values) -> {
            Integer omitted = finding.contextOmitted == null ? null : finding.contextOmitted.get(label);
            item(html, h(label), h(String.join(", ", values)) + (omitted == null ? "" : " (+" + omitted + " more)"));
        });
        html.append("</dl>\n");
        distinct(html, "Actors", finding, event -> event.principal);
        distinct(html, "Source IPs", finding, event -> event.sourceIPAddress);
        timeline(html, finding);
        response(html, finding);
        html.append("</details>\n");
        return html.toString();
    }

    private static void timeline(StringBuilder html, FindingDocument finding) {
        html.append("<h4>Timeline: ").append(finding.eventCount).append(finding.eventCount == 1 ? " event" : " events")
                .append(", in event-time order</h4>\n<table class=\"timeline\">\n<tr><th>#</th><th>time</th>"
                        + "<th>event</th><th>actor</th><th>source IP</th><th>user agent</th><th>region</th>"
                        + "<th>error</th></tr>\n");
        for (int i = 0; i < finding.events.size(); i++) {
            FindingDocument.Event event = finding.events.get(i);
            html.append("<tr><td>").append(i + 1).append("</td><td class=\"t\">").append(h(event.eventTime))
                    .append("</td><td class=\"t\"><b>").append(h(event.eventName)).append("</b><br><small>")
                    .append(h(event.eventSource)).append("</small></td><td>").append(h(event.principal));
            if (event.accessKeyId != null) {
                html.append("<br><small>key ").append(h(event.accessKeyId)).append("</small>");
            }
            html.append("</td><td>").append(h(event.sourceIPAddress)).append("</td><td class=\"agent\">")
                    .append(h(event.userAgent)).append("</td><td>").append(h(event.awsRegion)).append("</td><td>");
            if (event.errorCode != null) {
                html.append("<span class=\"error\">").append(h(event.errorCode)).append("</span> ")
                        .append(h(event.errorMessage));
            }
            html.append("</td></tr>\n");
        }
        html.append("</table>\n");
        if (finding.eventsOmitted > 0) {
            html.append("<p class=\"cut\">").append(finding.eventsOmitted)
                    .append(" more events not shown (the report lists the first ").append(finding.events.size())
                    .append(" of a finding)</p>\n");
        }
    }

    private static void response(StringBuilder html, FindingDocument finding) {
        html.append("<h4>Response: what would be contained, as planned</h4>\n<ul class=\"response\">\n");
        for (FindingDocument.Step step : finding.response) {
            html.append("<li><b>").append(h(step.action)).append("</b> ")
                    .append(FindingText.target(step.target, FindingHtml::h))
                    .append(step.dryRun ? " <span class=\"dry\">dry-run</span>" : "")
                    .append(step.note == null ? "" : " " + h(step.note)).append("</li>\n");
        }
        html.append("</ul>\n");
    }

    /** The distinct values of one event field, in order of first appearance, with how often each occurs. */
    private static void distinct(StringBuilder html, String heading, FindingDocument finding,
            Function<FindingDocument.Event, String> field) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        int more = 0;
        for (FindingDocument.Event event : finding.events) {
            String value = field.apply(event);
            if (seen.containsKey(value) || seen.size() < MAX_DISTINCT) {
                seen.merge(value, 1, Integer::sum);
            } else {
                more++;
            }
        }
        html.append("<h4>").append(heading);
        if (finding.eventsOmitted > 0) {
            html.append(" (of the events shown)");
        }
        html.append("</h4>\n<ul class=\"distinct\">");
        seen.forEach((value, count) -> html.append("<li>").append(h(value)).append(" <small>&times;").append(count)
                .append("</small></li>"));
        if (more > 0) {
            html.append("<li class=\"cut\">").append(more).append(" events with other values</li>");
        }
        html.append("</ul>\n");
    }

    private static void item(StringBuilder html, String label, String value) {
        html.append("<dt>").append(label).append("</dt><dd>").append(value).append("</dd>\n");
    }

    /** The document already cut its values to its limits; this only escapes them. */
    private static String h(String value) {
        return SafeText.html(value, Integer.MAX_VALUE);
    }
}
