package io.trailwarden.respond;

import io.trailwarden.config.AlertConfig;
import io.trailwarden.finding.AuditRecord;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.FindingDocument;
import io.trailwarden.finding.FindingJson;
import io.trailwarden.finding.FindingText;
import io.trailwarden.finding.PlannedAction;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders one finding's alert: the finding document ({@link FindingDocument}) with the response's audit
 * records, release commands and, for escalations, the alert kind and the targets the cap holds back,
 * as text ({@link FindingText}) then JSON ({@link FindingJson}), cut to SNS's limits. Values are cut to
 * {@code maxFieldChars}, and an alert too large for one message names fewer held-back targets, then
 * lists fewer events, and says how many of each it left out.
 */
public final class AlertFormatter implements Serializable {
    private static final long serialVersionUID = 1L;

    /** SNS rejects subjects of 100 characters or more, and any that are not printable ASCII. */
    public static final int MAX_SUBJECT_CHARS = 99;
    /** SNS's limit is 256 KiB for message and attributes together; the rest is headroom for attributes. */
    public static final int MAX_MESSAGE_BYTES = 256 * 1024 - 8 * 1024;
    public static final String JSON_SEPARATOR = "\n\n----- JSON -----\n";

    private final AlertConfig config;

    public AlertFormatter(AlertConfig config) {
        this.config = config;
    }

    /**
     * @param results the outcome of every action other than the alert itself, in plan order
     */
    public Alert format(Finding finding, List<ActionResult> results) {
        return format(finding, results, ResponseTask.AlertKind.FINDING, List.of(), 0);
    }

    /**
     * @param heldBack the targets of the account the blast-radius cap holds back, as
     *     {@link BlastRadiusFunction} lists them: the finding's own first (one per {@code HELD_BY_CAP}
     *     result), then the newest. Not empty makes the alert a capped one: its own subject,
     *     {@code capped=true}, the finding's own held targets and as many others as fit named.
     * @param heldBackNotNamed how many more targets the cap holds back than {@code heldBack} lists
     */
    public Alert format(Finding finding, List<ActionResult> results, ResponseTask.AlertKind kind, List<String> heldBack,
            int heldBackNotNamed) {
        List<AuditRecord> records = new ArrayList<>();
        results.forEach(result -> records.add(result.toRecord()));
        List<String> release = releaseCommands(results);
        int ownHeld = (int) results.stream().filter(result -> result.outcome == Outcome.HELD_BY_CAP).count();
        FindingDocument document = FindingDocument.fitting(finding,
                new FindingDocument.Limits(config.maxEvents, config.maxFieldChars),
                new FindingDocument.HeldBack(heldBack, heldBackNotNamed, ownHeld),
                shown -> utf8Length(message(shown.withResults(records, release).withAlert(kind.name()))),
                MAX_MESSAGE_BYTES);
        boolean capped = !heldBack.isEmpty();
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("severity", String.valueOf(finding.severity));
        attributes.put("ruleId", subjectSafe(String.valueOf(finding.ruleId), 256));
        attributes.put("account", subjectSafe(document.account, 64));
        attributes.put("alertKind", kind.name());
        attributes.put("capped", String.valueOf(capped));
        attributes.put("escalated", String.valueOf(capped || escalated(kind)));
        return new Alert(subject(finding, kind, capped), message(document), attributes);
    }

    private static boolean escalated(ResponseTask.AlertKind kind) {
        return kind == ResponseTask.AlertKind.PARTIAL || kind == ResponseTask.AlertKind.FAILED
                || kind == ResponseTask.AlertKind.GAVE_UP;
    }

    public String subject(Finding finding) {
        return subject(finding, ResponseTask.AlertKind.FINDING, false);
    }

    private String subject(Finding finding, ResponseTask.AlertKind kind, boolean capped) {
        String prefix;
        switch (kind) {
            case CONTAINED:
                prefix = "TrailWarden contained";
                break;
            case PARTIAL:
                prefix = "TrailWarden ESCALATED: containment PARTIAL";
                break;
            case FAILED:
                prefix = "TrailWarden ESCALATED: containment FAILED, retrying";
                break;
            case GAVE_UP:
                prefix = "TrailWarden ESCALATED: containment GIVEN UP, act now";
                break;
            default:
                prefix = capped ? "TrailWarden ESCALATED: containment HELD BY CAP"
                        : finding.incidentUpdate ? "TrailWarden incident closed, " + finding.matches + " matches," : "TrailWarden";
                break;
        }
        return subjectSafe(prefix + " " + finding.severity + ": " + finding.title + " [" + finding.ruleId + "]",
                MAX_SUBJECT_CHARS);
    }

    private static String message(FindingDocument document) {
        return FindingText.render(document) + JSON_SEPARATOR + FindingJson.indented(document);
    }

    private static List<String> releaseCommands(List<ActionResult> results) {
        List<String> commands = new ArrayList<>();
        for (ActionResult result : results) {
            if (result.action == PlannedAction.Type.CONTAIN && result.releaseCommand != null) {
                commands.add(result.releaseCommand);
            }
        }
        return commands;
    }

    /** Printable ASCII only (anything else becomes '?'), cut to {@code max} characters. */
    static String subjectSafe(String value, int max) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && out.length() < max; i++) {
            char c = value.charAt(i);
            out.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        String trimmed = out.toString().trim();
        return trimmed.isEmpty() ? "TrailWarden alert" : trimmed;
    }

    static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
