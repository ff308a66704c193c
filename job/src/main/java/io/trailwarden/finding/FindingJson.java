package io.trailwarden.finding;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.EventJson;

/** A finding as JSON for a dead letter: enough to redo its response by hand. */
public final class FindingJson {
    private FindingJson() {}

    public static String write(Finding finding) {
        ObjectNode root = EventJson.MAPPER.createObjectNode();
        root.put("findingId", finding.findingId);
        root.put("ruleId", finding.ruleId);
        root.put("severity", String.valueOf(finding.severity));
        if (finding.target != null) {
            ObjectNode target = root.putObject("target");
            target.put("kind", finding.target.kind.name());
            target.put("name", finding.target.name);
            target.put("arn", finding.target.arn);
            target.put("accountId", finding.target.accountId);
        }
        ArrayNode events = root.putArray("eventIds");
        for (CloudTrailEvent event : finding.events) {
            events.add(event.eventId);
        }
        return root.toString();
    }
}
