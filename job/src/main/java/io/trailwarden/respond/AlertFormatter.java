package io.trailwarden.respond;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.config.AlertConfig;
import io.trailwarden.event.Actor;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.EventJson;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.finding.Target;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders one finding's alert. Everything a caller of AWS chose (user names, user agents, request
 * parameters) is data: in the text part control and format characters are shown as {@code \\uXXXX}
 * escapes, so a user agent holding a newline cannot forge a line of the alert, and every such value
 * is cut to {@code maxFieldChars}. The JSON part carries the same (cut) values, escaped by Jackson.
 */
public final class AlertFormatter implements Serializable {
    private static final long serialVersionUID = 1L;

    /** SNS rejects subjects of 100 characters or more, and any that are not printable ASCII. */
    public static final int MAX_SUBJECT_CHARS = 99;
    /** SNS's limit is 256 KiB for message and attributes together; the rest is headroom for attributes. */
    public static final int MAX_MESSAGE_BYTES = 256 * 1024 - 8 * 1024;
    static final String JSON_SEPARATOR = "\n\n----- JSON -----\n";

    private final AlertConfig config;

    public AlertFormatter(AlertConfig config) {
        this.config = config;
    }

    /**
     * @param results the outcome of every action other than the alert itself, in plan order
     */
    public Alert format(Finding finding, List<ActionResult> results) {
        return format(finding, results, ResponseTask.AlertKind.FINDING, List.of());
    }

    /**
     * @param heldBack every target of the account the blast-radius cap holds back; not empty makes the
     *     alert a capped one: its own subject, {@code capped=true}, every held-back target named
     */
    public Alert format(Finding finding, List<ActionResult> results, ResponseTask.AlertKind kind, List<String> heldBack) {
        int shown = Math.min(finding.events.size(), config.maxEvents);
        String message = render(finding, results, kind, heldBack, shown);
        while (utf8Length(message) > MAX_MESSAGE_BYTES && shown > 0) {
            shown = shown - Math.max(1, shown / 4);
            message = render(finding, results, kind, heldBack, shown);
        }
        boolean capped = !heldBack.isEmpty();
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("severity", String.valueOf(finding.severity));
        attributes.put("ruleId", subjectSafe(String.valueOf(finding.ruleId), 256));
        attributes.put("account", subjectSafe(account(finding), 64));
        attributes.put("alertKind", kind.name());
        attributes.put("capped", String.valueOf(capped));
        attributes.put("escalated", String.valueOf(capped || escalated(kind)));
        return new Alert(subject(finding, kind, capped), message, attributes);
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
                prefix = capped ? "TrailWarden ESCALATED: containment HELD BY CAP" : "TrailWarden";
                break;
        }
        return subjectSafe(prefix + " " + finding.severity + ": " + finding.title + " [" + finding.ruleId + "]",
                MAX_SUBJECT_CHARS);
    }

    private String render(Finding finding, List<ActionResult> results, ResponseTask.AlertKind kind,
            List<String> heldBack, int shownEvents) {
        StringBuilder text = new StringBuilder();
        if (!heldBack.isEmpty()) {
            text.append("CONTAINMENT HELD BACK by the blast-radius cap: approve each with the command in its action below.\n")
                    .append("Every target held back in this account now (account|kind|name):\n");
            heldBack.forEach(target -> text.append("  ").append(clean(target)).append('\n'));
            text.append('\n');
        }
        if (kind != ResponseTask.AlertKind.FINDING) {
            text.append("Containment outcome (").append(kind).append(")\n\n");
        }
        Actor actor = finding.actor;
        text.append("TrailWarden finding ").append(clean(finding.findingId)).append('\n');
        line(text, "Rule", clean(finding.ruleId) + " - " + clean(finding.title));
        line(text, "Severity", String.valueOf(finding.severity));
        line(text, "MITRE", finding.mitre.isEmpty() ? "-" : clean(String.join(", ", finding.mitre)));
        line(text, "Principal", actor == null ? "-" : actor.type.cloudTrailName() + " " + clean(actor.principalKey()));
        line(text, "Target", finding.target == null ? "-" : describe(finding.target));
        line(text, "Account", clean(account(finding)));

        int total = finding.events.size();
        text.append("\nMatched events, in order (").append(total).append("):\n");
        for (int i = 0; i < shownEvents; i++) {
            CloudTrailEvent event = finding.events.get(i);
            text.append("  ").append(i + 1).append(". ").append(Instant.ofEpochMilli(event.eventTimeMillis))
                    .append(' ').append(clean(event.eventName)).append('\n');
            text.append("     principal: ").append(event.actor == null ? "-" : clean(event.actor.principalKey()))
                    .append("\n     source IP: ").append(clean(event.sourceIpAddress))
                    .append("\n     user agent: ").append(clean(event.userAgent))
                    .append("\n     access key: ").append(event.actor == null ? "-" : clean(event.actor.accessKeyId))
                    .append("\n     region: ").append(clean(event.awsRegion))
                    .append("\n     event id: ").append(clean(event.eventId));
            if (event.errorCode != null) {
                text.append("\n     error: ").append(clean(event.errorCode)).append(' ').append(clean(event.errorMessage));
            }
            text.append('\n');
        }
        if (shownEvents < total) {
            text.append("  ... ").append(total - shownEvents).append(" more events not shown (alert size limit)\n");
        }

        text.append("\nActions:\n");
        for (ActionResult result : results) {
            text.append("  - ").append(result.action).append(' ').append(clean(result.target)).append(": ")
                    .append(result.outcome).append(" - ").append(clean(result.detail)).append('\n');
        }
        text.append("  - ALERT: this message\n");

        List<String> releases = releaseCommands(finding, results);
        text.append("\nHow to release:\n");
        if (releases.isEmpty()) {
            text.append("  nothing was contained, nothing to release\n");
        }
        for (String command : releases) {
            text.append("  ").append(command).append('\n');
        }
        return text + JSON_SEPARATOR + json(finding, results, shownEvents, releases, kind, heldBack);
    }

    private String json(Finding finding, List<ActionResult> results, int shownEvents, List<String> releases,
            ResponseTask.AlertKind kind, List<String> heldBack) {
        ObjectNode root = EventJson.MAPPER.createObjectNode();
        root.put("findingId", finding.findingId);
        root.put("alertKind", kind.name());
        ArrayNode held = root.putArray("heldBack");
        heldBack.forEach(target -> held.add(cut(target)));
        root.put("ruleId", finding.ruleId);
        root.put("title", cut(finding.title));
        root.put("severity", String.valueOf(finding.severity));
        ArrayNode mitre = root.putArray("mitre");
        finding.mitre.forEach(mitre::add);
        if (finding.actor != null) {
            ObjectNode principal = root.putObject("principal");
            principal.put("type", finding.actor.type.cloudTrailName());
            principal.put("arn", cut(finding.actor.principalKey()));
            principal.put("accountId", finding.actor.accountId);
            principal.put("userName", cut(finding.actor.userName));
        }
        if (finding.target != null) {
            ObjectNode target = root.putObject("target");
            target.put("kind", finding.target.kind.name());
            target.put("name", cut(finding.target.name));
            target.put("arn", cut(finding.target.arn));
            target.put("accountId", finding.target.accountId);
        }
        root.put("account", account(finding));
        root.put("eventCount", finding.events.size());
        root.put("eventsOmitted", finding.events.size() - shownEvents);
        ArrayNode events = root.putArray("events");
        for (int i = 0; i < shownEvents; i++) {
            CloudTrailEvent event = finding.events.get(i);
            ObjectNode node = events.addObject();
            node.put("time", Instant.ofEpochMilli(event.eventTimeMillis).toString());
            node.put("eventName", cut(event.eventName));
            node.put("principal", event.actor == null ? null : cut(event.actor.principalKey()));
            node.put("sourceIp", cut(event.sourceIpAddress));
            node.put("userAgent", cut(event.userAgent));
            node.put("accessKeyId", event.actor == null ? null : cut(event.actor.accessKeyId));
            node.put("region", cut(event.awsRegion));
            node.put("eventId", cut(event.eventId));
            if (event.errorCode != null) {
                node.put("errorCode", cut(event.errorCode));
            }
        }
        ArrayNode actions = root.putArray("actions");
        for (ActionResult result : results) {
            ObjectNode node = actions.addObject();
            node.put("action", result.action.name());
            node.put("target", cut(result.target));
            node.put("outcome", result.outcome.name());
            node.put("detail", cut(result.detail));
        }
        ArrayNode release = root.putArray("release");
        releases.forEach(release::add);
        try {
            return EventJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serialises", e);
        }
    }

    private List<String> releaseCommands(Finding finding, List<ActionResult> results) {
        List<String> commands = new ArrayList<>();
        for (ActionResult result : results) {
            if (result.action == PlannedAction.Type.CONTAIN && result.releaseCommand != null) {
                commands.add(clean(result.releaseCommand));
            }
        }
        return commands;
    }

    private String describe(Target target) {
        return target.kind + " " + clean(target.arn != null ? target.arn : target.name);
    }

    private static String account(Finding finding) {
        if (finding.target != null && finding.target.accountId != null) {
            return finding.target.accountId;
        }
        if (finding.actor != null && finding.actor.accountId != null) {
            return finding.actor.accountId;
        }
        return "unknown";
    }

    private static void line(StringBuilder text, String label, String value) {
        text.append(label).append(": ").append(value).append('\n');
    }

    /** Cut to the configured length, saying how much was cut. */
    String cut(String value) {
        if (value == null || value.length() <= config.maxFieldChars) {
            return value;
        }
        int end = config.maxFieldChars;
        if (Character.isHighSurrogate(value.charAt(end - 1))) {
            // Never split a surrogate pair: half of one is not a character and not valid UTF-8.
            end--;
        }
        return value.substring(0, end) + "...[" + (value.length() - end) + " more chars]";
    }

    /** Cut, then every control, format or line-separator character shown as an escape: one value, one line. */
    String clean(String value) {
        if (value == null) {
            return "-";
        }
        String cut = cut(value);
        StringBuilder out = new StringBuilder(cut.length());
        cut.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.UNASSIGNED
                    || type == Character.SURROGATE || type == Character.PRIVATE_USE) {
                if (cp > 0xFFFF) {
                    out.append(String.format("\\U%08X", cp));
                } else {
                    out.append(String.format("\\u%04X", cp));
                }
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
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
