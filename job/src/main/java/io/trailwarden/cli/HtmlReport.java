package io.trailwarden.cli;

import io.trailwarden.event.DeadLetter;
import io.trailwarden.finding.FindingHtml;
import io.trailwarden.finding.SafeText;
import io.trailwarden.finding.Severity;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code replay --format html}: one self-contained page, a summary by rule and severity, every finding
 * as an incident (timeline, actors, source IPs, planned response; {@link FindingHtml}), most severe
 * first, and the dead letters grouped by reason. No script, no external resource: the page's
 * Content-Security-Policy allows nothing but its own style sheet, by hash, so even markup that got
 * through would load and run nothing. Incidents open and close with {@code <details>}.
 *
 * <p>Bounded: the job renders each incident ({@link FindingForm#HTML_INCIDENT}), the report writes them
 * as they arrive into one temporary file per severity, and only counts stay in memory; the page is put
 * together from them at the end. A finding lists at most
 * {@link #MAX_EVENTS_PER_FINDING} events, a rule at most {@link #MAX_INCIDENTS_PER_RULE} incidents and the
 * report at most {@link #MAX_INCIDENTS}; the summary counts every finding and says how many are not
 * detailed.
 */
final class HtmlReport implements FindingOutput {
    static final int MAX_EVENTS_PER_FINDING = 50;
    static final int MAX_INCIDENTS_PER_RULE = 100;
    static final int MAX_INCIDENTS = 1000;
    private static final int SAMPLE_CHARS = 500;

    static final String STYLE = "body{font:14px/1.4 'DejaVu Sans',sans-serif;margin:1.5em;color:#1d2329;background:#fff}"
            + "h1{font-size:1.5em;margin:0 0 .3em}h2{margin-top:1.6em;border-bottom:2px solid #d0d7de}"
            + "h4{margin:.8em 0 .3em}table{border-collapse:collapse;margin:.3em 0}"
            + "th,td{border:1px solid #d0d7de;padding:.2em .5em;text-align:left;vertical-align:top}"
            + "th{background:#f3f5f7}td.n{text-align:right}td.t{white-space:nowrap}code,.agent,pre{font-family:'DejaVu Sans Mono',monospace}"
            + "td,dd,li,summary{overflow-wrap:anywhere}.agent{font-size:.85em}"
            + "details.finding{border:1px solid #d0d7de;border-left:6px solid #8c959f;margin:.5em 0;padding:.3em .8em}"
            + "details.sev-critical{border-left-color:#a40e26}details.sev-high{border-left-color:#d1242f}"
            + "details.sev-medium{border-left-color:#bf8700}details.sev-low{border-left-color:#0969da}"
            + "summary{cursor:pointer;font-weight:bold}.sev{display:inline-block;min-width:7em;color:#fff;"
            + "background:#8c959f;padding:0 .4em;border-radius:3px}.sev-critical .sev{background:#a40e26}"
            + ".sev-high .sev{background:#d1242f}.sev-medium .sev{background:#bf8700}.sev-low .sev{background:#0969da}"
            + ".when{font-weight:normal;color:#57606a}dl{display:grid;grid-template-columns:9em 1fr;margin:.5em 0}"
            + "dt{color:#57606a}dd{margin:0}.error{color:#d1242f;font-weight:bold}.dry{background:#ddf4ff;"
            + "padding:0 .3em;border-radius:3px}.cut{color:#9a6700;font-style:italic}ul.distinct li{display:inline;"
            + "margin-right:1.2em}ul.distinct{padding-left:1em}pre{white-space:pre-wrap;background:#f6f8fa;padding:.4em}";
    /** Allows the one style sheet above and nothing else: no script, image, font, frame, form or base URL. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src '" + sha256(STYLE) + "'; "
            + "base-uri 'none'; form-action 'none'";

    private final PrintWriter out;
    private final String inputs;
    /** Holds the incidents of each severity until the page is put together. */
    final Path folder;
    private final Map<Severity, BufferedWriter> incidents = new EnumMap<>(Severity.class);
    private final Map<String, Map<Severity, Long>> findingsByRule = new HashMap<>();
    private final Map<String, Integer> detailedByRule = new HashMap<>();
    private int detailed;
    private long findings;

    /** {@code inputs} names what was replayed, for the page's heading. */
    HtmlReport(PrintWriter out, String inputs) throws IOException {
        this.out = out;
        this.inputs = inputs;
        this.folder = Files.createTempDirectory("trailwarden-report");
    }

    @Override
    public FindingForm form() {
        return FindingForm.HTML_INCIDENT;
    }

    @Override
    public void write(RenderedFinding finding) {
        if (!finding.incidentUpdate) {
            findings++;
            findingsByRule.computeIfAbsent(finding.ruleId, rule -> new EnumMap<>(Severity.class))
                    .merge(finding.severity, 1L, Long::sum);
        }
        int ofRule = detailedByRule.getOrDefault(finding.ruleId, 0);
        if (ofRule >= MAX_INCIDENTS_PER_RULE || detailed >= MAX_INCIDENTS) {
            return;
        }
        if (finding.text == null) {
            throw new IllegalStateException("finding " + SafeText.safe(finding.findingId) + " of rule "
                    + SafeText.safe(finding.ruleId) + " arrived without its incident, with only " + ofRule
                    + " of the rule's incidents in the report");
        }
        detailedByRule.put(finding.ruleId, ofRule + 1);
        detailed++;
        try {
            BufferedWriter writer = incidents.get(finding.severity);
            if (writer == null) {
                writer = Files.newBufferedWriter(incidentFile(finding.severity), StandardCharsets.UTF_8);
                incidents.put(finding.severity, writer);
            }
            writer.write(finding.text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report's incidents under " + folder, e);
        }
    }

    @Override
    public void finish(long eventsRead, DeadLetterSummary deadLetters) throws IOException {
        for (BufferedWriter writer : incidents.values()) {
            writer.close();
        }
        out.print("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"" + CONTENT_SECURITY_POLICY + "\">\n"
                + "<meta name=\"referrer\" content=\"no-referrer\">\n<title>TrailWarden replay report</title>\n"
                + "<style>" + STYLE + "</style>\n</head>\n<body>\n");
        out.print("<h1>TrailWarden replay report</h1>\n<p>Replay of " + h(inputs) + ", written "
                + Instant.now().toString() + ". Responses are planned only (dry-run): replay never acts.</p>\n"
                + "<p>" + String.format("%,d", eventsRead) + " events read, " + String.format("%,d", findings)
                + " findings, " + String.format("%,d", deadLetters.total()) + " dead letters.</p>\n");
        summary();
        incidents();
        deadLetters(deadLetters);
        out.print("</body>\n</html>\n");
        out.flush();
    }

    /** Deletes the temporary incident files. */
    @Override
    public void close() throws IOException {
        for (BufferedWriter writer : incidents.values()) {
            writer.close();
        }
        for (Severity severity : Severity.values()) {
            Files.deleteIfExists(incidentFile(severity));
        }
        Files.deleteIfExists(folder);
    }

    private void summary() {
        out.print("<h2>Summary by rule and severity</h2>\n");
        if (findings == 0) {
            out.print("<p>No findings.</p>\n");
            return;
        }
        List<Severity> severities = mostSevereFirst();
        out.print("<table class=\"summary\">\n<tr><th>rule</th>");
        severities.forEach(severity -> out.print("<th>" + severity + "</th>"));
        out.print("<th>total</th><th>detailed below</th></tr>\n");
        List<String> rules = new ArrayList<>(findingsByRule.keySet());
        rules.sort(Comparator.comparing((String rule) -> mostSevere(findingsByRule.get(rule))).reversed()
                .thenComparing(rule -> -total(findingsByRule.get(rule))).thenComparing(rule -> rule));
        Map<Severity, Long> bySeverity = new EnumMap<>(Severity.class);
        for (String rule : rules) {
            Map<Severity, Long> counts = findingsByRule.get(rule);
            out.print("<tr><td><code>" + h(rule) + "</code></td>");
            severities.forEach(severity -> out.print(cell(counts.getOrDefault(severity, 0L))));
            counts.forEach((severity, count) -> bySeverity.merge(severity, count, Long::sum));
            out.print(cell(total(counts)) + cell(detailedByRule.getOrDefault(rule, 0)) + "</tr>\n");
        }
        out.print("<tr><th>all rules</th>");
        severities.forEach(severity -> out.print(cell(bySeverity.getOrDefault(severity, 0L))));
        out.print(cell(findings) + cell(detailed) + "</tr>\n</table>\n");
        if (detailed < findings) {
            out.print("<p class=\"cut\">" + (findings - detailed) + " findings are counted above but not detailed"
                    + " below: the report details at most " + MAX_INCIDENTS_PER_RULE + " per rule and "
                    + MAX_INCIDENTS + " in all, in the order they were found. Use --format jsonl for every one.</p>\n");
        }
    }

    private void incidents() throws IOException {
        for (Severity severity : mostSevereFirst()) {
            Path file = incidentFile(severity);
            if (!Files.exists(file)) {
                continue;
            }
            out.print("<h2 id=\"sev-" + severity.name().toLowerCase(Locale.ROOT) + "\">" + severity
                    + " incidents</h2>\n");
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                reader.transferTo(out);
            }
        }
    }

    private void deadLetters(DeadLetterSummary deadLetters) {
        out.print("<h2>Dead letters</h2>\n");
        if (deadLetters.total() == 0) {
            out.print("<p>None: every input record was used.</p>\n");
            return;
        }
        out.print("<p>Input the job could not use, counted by stage and reason (quoted text shown as \u2026 and"
                + " numbers as #), with the first " + DeadLetterSummary.SAMPLES_PER_REASON + " of each.</p>\n");
        for (DeadLetterSummary.Reason reason : deadLetters.reasons()) {
            out.print("<details class=\"dead-letter\"><summary>" + String.format("%,d", reason.count) + " &times; "
                    + h(reason.stage) + ": " + (reason.group == null
                            ? "other reasons (more than " + DeadLetterSummary.MAX_REASONS + " kinds)"
                            : h(reason.group)) + "</summary>\n");
            for (DeadLetter sample : reason.samples) {
                out.print("<dl><dt>origin</dt><dd>" + h(sample.origin) + "</dd><dt>reason</dt><dd>"
                        + SafeText.html(sample.reason, SAMPLE_CHARS) + "</dd><dt>input</dt><dd>" + sample.rawLength
                        + " chars</dd></dl>\n<pre>" + SafeText.html(sample.raw, SAMPLE_CHARS) + "</pre>\n");
            }
            out.print("</details>\n");
        }
    }

    private Path incidentFile(Severity severity) {
        return folder.resolve(severity.name() + ".html");
    }

    private static List<Severity> mostSevereFirst() {
        List<Severity> severities = new ArrayList<>(List.of(Severity.values()));
        severities.sort(Comparator.reverseOrder());
        return severities;
    }

    private static Severity mostSevere(Map<Severity, Long> counts) {
        return counts.keySet().stream().max(Comparator.naturalOrder()).orElse(Severity.INFORMATIONAL);
    }

    private static long total(Map<Severity, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private static String cell(long count) {
        return "<td class=\"n\">" + (count == 0 ? "" : String.format("%,d", count)) + "</td>";
    }

    private static String h(String value) {
        return SafeText.html(value, SafeText.DEFAULT_MAX_CHARS);
    }

    /** The CSP source expression of a style sheet: its SHA-256, base64. */
    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
