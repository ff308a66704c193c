package io.trailwarden.finding;

import io.trailwarden.event.Actor;
import io.trailwarden.event.CloudTrailEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/** A rule matched: who did what, to whom, the events in order, and the planned response. A Flink POJO. */
public class Finding {
    /** Derived from the rule and the matched event ids, so a replayed incident has the same id. */
    public String findingId;
    public String ruleId;
    public String title;
    public Severity severity = Severity.MEDIUM;
    /** ATT&CK tactics of the rule: what the attacker was trying to achieve. */
    @TypeInfo(ListTypeInfoFactory.class)
    public List<String> tactics = new ArrayList<>();
    @TypeInfo(ListTypeInfoFactory.class)
    public List<String> mitre = new ArrayList<>();
    /** The acting identity: of the first matched event. */
    public Actor actor;
    /** What the response acts on; null when the rule names none. */
    public Target target;
    /** Matched events in event-time order. */
    @TypeInfo(ListTypeInfoFactory.class)
    public List<CloudTrailEvent> events = new ArrayList<>();
    @TypeInfo(ListTypeInfoFactory.class)
    public List<PlannedAction> response = new ArrayList<>();
    /** Why the rule contains or only alerts, as its author wrote it; null when the finding has no rule. */
    public String responseReason;
    /** The labelled values the rule names (an ordered map of label -> values), in the rule's order. */
    @TypeInfo(ListTypeInfoFactory.class)
    public List<ContextValue> context = new ArrayList<>();
    /**
     * How many matches of the rule, key and target the incident covers: 1 for the finding that opens it;
     * on an {@link #incidentUpdate}, every match counted while it was open.
     */
    public int matches = 1;
    /** Event time of the incident's first and last matched event; null: this finding's own events. */
    public Long incidentStartMillis;
    public Long incidentEndMillis;
    /**
     * The record that closes an incident of several matches: the opening finding with the count, span and
     * latest events. Everything in it was already alerted and contained through the opening finding.
     */
    public boolean incidentUpdate;

    public Finding() {}

    public static String findingId(String ruleId, List<CloudTrailEvent> events) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(ruleId.getBytes(StandardCharsets.UTF_8));
            for (CloudTrailEvent event : events) {
                digest.update((byte) 0);
                digest.update(String.valueOf(event.eventId).getBytes(StandardCharsets.UTF_8));
            }
            StringBuilder id = new StringBuilder("tw-");
            byte[] hash = digest.digest();
            for (int i = 0; i < 10; i++) {
                id.append(Character.forDigit((hash[i] >> 4) & 0xf, 16)).append(Character.forDigit(hash[i] & 0xf, 16));
            }
            return id.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The values under a context label; empty when the finding has no such label. */
    public List<String> context(String label) {
        for (ContextValue entry : context) {
            if (entry.label.equals(label)) {
                return entry.values;
            }
        }
        return List.of();
    }

    public long incidentStart() {
        return incidentStartMillis != null ? incidentStartMillis : events.isEmpty() ? 0L : events.get(0).eventTimeMillis;
    }

    public long incidentEnd() {
        return incidentEndMillis != null ? incidentEndMillis : lastEventTimeMillis();
    }

    /** Event time of the last matched event: when the incident became a finding. */
    public long lastEventTimeMillis() {
        return events.isEmpty() ? 0L : events.get(events.size() - 1).eventTimeMillis;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Finding)) {
            return false;
        }
        Finding other = (Finding) o;
        return Objects.equals(findingId, other.findingId)
                && Objects.equals(ruleId, other.ruleId)
                && severity == other.severity
                && Objects.equals(tactics, other.tactics)
                && Objects.equals(responseReason, other.responseReason)
                && Objects.equals(actor, other.actor)
                && Objects.equals(target, other.target)
                && Objects.equals(events, other.events)
                && Objects.equals(response, other.response)
                && Objects.equals(context, other.context)
                && matches == other.matches
                && Objects.equals(incidentStartMillis, other.incidentStartMillis)
                && Objects.equals(incidentEndMillis, other.incidentEndMillis)
                && incidentUpdate == other.incidentUpdate;
    }

    @Override
    public int hashCode() {
        return Objects.hash(findingId, ruleId);
    }

    @Override
    public String toString() {
        return (incidentUpdate ? "update of " : "") + findingId + " " + ruleId + " [" + severity + "] by " + actor
                + " target " + target + " events " + events.size() + (matches > 1 ? " matches " + matches : "");
    }
}
