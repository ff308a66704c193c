package io.trailwarden.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One CloudTrail record: the typed fields detection and alerts use, plus the whole record as JSON so
 * rules and alerts can read any dotted path. A Flink POJO (public fields, no-argument constructor).
 *
 * <p>The parsed JSON tree is transient: Flink serializes the raw text, and the tree is rebuilt lazily
 * on the far side of a network shuffle only if something asks for a field that is not typed here.
 */
public class CloudTrailEvent {
    public String eventId;
    /** Event time in epoch milliseconds; CloudTrail's resolution is one second. */
    public long eventTimeMillis;
    public String eventName;
    public String eventSource;
    public String eventType;
    public String awsRegion;
    public String sourceIpAddress;
    public String userAgent;
    public String errorCode;
    public String errorMessage;
    public String recipientAccountId;
    public Boolean readOnly;
    public Actor actor = new Actor();
    /** The CloudTrail record itself (never the envelope around it), as compact JSON. */
    public String rawJson;

    private transient JsonNode tree;

    public CloudTrailEvent() {}

    public Instant eventTime() {
        return Instant.ofEpochMilli(eventTimeMillis);
    }

    /** The record as a JSON tree, parsed at most once per instance. */
    public JsonNode tree() {
        if (tree == null) {
            tree = EventJson.readTree(rawJson);
        }
        return tree;
    }

    /** Lets the parser hand over the tree it already built, so it is not parsed twice. */
    public void attachTree(JsonNode parsed) {
        this.tree = parsed;
    }

    /**
     * The node at a dotted path such as {@code requestParameters.userName}; a missing node (never
     * null) when any part is absent. Array elements are addressed by index ({@code resources.0.ARN}).
     */
    public JsonNode field(String dottedPath) {
        return EventJson.at(tree(), dottedPath);
    }

    /** The text at a dotted path, or null when it is absent, null or not a scalar. */
    public String text(String dottedPath) {
        JsonNode node = field(dottedPath);
        return node.isValueNode() && !node.isNull() ? node.asText() : null;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof CloudTrailEvent)) {
            return false;
        }
        CloudTrailEvent other = (CloudTrailEvent) o;
        return eventTimeMillis == other.eventTimeMillis
                && Objects.equals(eventId, other.eventId)
                && Objects.equals(eventName, other.eventName)
                && Objects.equals(rawJson, other.rawJson);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, eventTimeMillis, eventName);
    }

    @Override
    public String toString() {
        return eventTime() + " " + eventName + " by " + actor + " (" + eventId + ")";
    }
}
