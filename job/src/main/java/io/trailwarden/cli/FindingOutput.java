package io.trailwarden.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.event.Actor;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.EventJson;
import io.trailwarden.finding.ContextValue;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.finding.Target;
import java.io.PrintWriter;
import java.time.Instant;

/** How replay writes findings: a line per finding for people, or one JSON object per line for tools. */
interface FindingOutput {
    void write(Finding finding);

    /** One JSON object per finding. JSON escaping keeps attacker-chosen strings inert. */
    final class JsonLines implements FindingOutput {
        private final PrintWriter out;

        JsonLines(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void write(Finding finding) {
            try {
                out.println(EventJson.MAPPER.writeValueAsString(toJson(finding)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a finding is plain data and always serialises", e);
            }
        }

        static ObjectNode toJson(Finding finding) {
            ObjectNode json = EventJson.MAPPER.createObjectNode();
            json.put("findingId", finding.findingId);
            json.put("ruleId", finding.ruleId);
            json.put("title", finding.title);
            json.put("severity", finding.severity == null ? null : finding.severity.name().toLowerCase(java.util.Locale.ROOT));
            json.putPOJO("mitre", finding.mitre);
            Actor actor = finding.actor;
            json.put("principal", actor == null ? null : actor.arn);
            json.put("principalType", actor == null ? null : actor.type.cloudTrailName());
            json.put("account", actor == null ? null : actor.accountId);
            json.set("target", target(finding.target));
            ObjectNode context = json.putObject("context");
            for (ContextValue entry : finding.context) {
                ArrayNode values = context.putArray(entry.label);
                entry.values.forEach(values::add);
            }
            ArrayNode events = json.putArray("events");
            for (CloudTrailEvent event : finding.events) {
                ObjectNode item = events.addObject();
                item.put("eventId", event.eventId);
                item.put("eventTime", Instant.ofEpochMilli(event.eventTimeMillis).toString());
                item.put("eventName", event.eventName);
                item.put("eventSource", event.eventSource);
                item.put("sourceIPAddress", event.sourceIpAddress);
                item.put("userAgent", event.userAgent);
                item.put("awsRegion", event.awsRegion);
                item.put("accessKeyId", event.actor == null ? null : event.actor.accessKeyId);
            }
            ArrayNode actions = json.putArray("actions");
            for (PlannedAction action : finding.response) {
                ObjectNode item = actions.addObject();
                item.put("type", action.type.name());
                item.set("target", target(action.target));
                item.put("dryRun", action.dryRun);
                item.put("note", action.note);
            }
            return json;
        }

        private static ObjectNode target(Target target) {
            if (target == null) {
                return null;
            }
            ObjectNode json = EventJson.MAPPER.createObjectNode();
            json.put("type", target.kind.name());
            json.put("name", target.name);
            json.put("arn", target.arn);
            json.put("account", target.accountId);
            return json;
        }
    }

    /** One line per finding; every value from a record goes through {@link TerminalText#safe}. */
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
            out.printf("%-20s  %-8s  %-38s  %-50s  %-30s  %s%n",
                    Instant.ofEpochMilli(first.eventTimeMillis),
                    finding.severity,
                    TerminalText.safe(finding.ruleId),
                    TerminalText.safe(finding.actor == null ? "-" : finding.actor.principalKey(), 120),
                    finding.target == null ? "-" : TerminalText.safe(finding.target.kind + " " + finding.target.name, 120),
                    TerminalText.safe(events.toString(), 200));
            out.flush();
        }
    }
}
