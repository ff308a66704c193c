package io.trailwarden.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One CloudTrail record: the typed fields detection and alerts use, plus the whole record as JSON so
 * rules and alerts can read any dotted path. Flink serializes it with {@link CloudTrailEventSerializer}.
 *
 * <p>The parsed JSON tree is transient: Flink serializes the raw record, and the tree is rebuilt lazily
 * on the far side of a network shuffle only if something asks for a field that is not typed here.
 *
 * <p>The raw record is kept as its UTF-8 bytes, not as a String: every event crosses the dedup shuffle,
 * and Flink writes and reads a byte array in one copy but a String one character at a time, which was
 * the largest single cost of a replay (about a fifth of its CPU samples).
 */
@TypeInfo(CloudTrailEventTypeInfo.Factory.class)
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
    /** As written ({@code "true"} when the console issued the session's credentials); see {@link #identityAsWritten}. */
    public String sessionCredentialFromConsole;
    public Actor actor = new Actor();
    /**
     * True only when the parser filled {@link #sessionCredentialFromConsole} and the actor's
     * {@code arn}, {@code accountId}, {@code principalId}, {@code accessKeyId}, {@code invokedBy},
     * {@code sessionIssuerArn}, {@code sessionIssuerName} and {@code ec2RoleDelivery} with exactly the
     * record's strings at those paths (save that an unpaired surrogate is U+FFFD there, as in every
     * string of the event), null meaning missing or JSON null. Rules then read these paths
     * without parsing the record. False for an event built any other way, restored from a savepoint
     * older than the field, or whose record holds something other than a string at one of them: rules
     * read the record itself.
     */
    public boolean identityAsWritten;
    /**
     * The CloudTrail record itself (never the envelope around it) as JSON in UTF-8 on one line: as it
     * arrived when it held no line break (spaces between tokens included), else serialized again.
     */
    public byte[] rawJsonUtf8;

    private transient JsonNode tree;
    /** Top-level members parsed alone, by name, while the whole tree is not; a missing node for an absent one. */
    private transient Map<String, JsonNode> members;
    private transient String rawJsonText;
    /** JSON documents held as strings in the record (policies), parsed on first use; keyed by their text node. */
    private transient Map<JsonNode, JsonNode> embeddedDocuments;
    /** The string last read as a network address, and the address (null: it is none). */
    private transient String addressText;
    private transient byte[] address;

    public CloudTrailEvent() {}

    public Instant eventTime() {
        return Instant.ofEpochMilli(eventTimeMillis);
    }

    /** The record as one line of JSON text, decoded at most once per instance; null when there is none. */
    public String rawJson() {
        if (rawJsonText == null && rawJsonUtf8 != null) {
            rawJsonText = new String(rawJsonUtf8, StandardCharsets.UTF_8);
        }
        return rawJsonText;
    }

    public void setRawJson(String json) {
        rawJsonUtf8 = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
        rawJsonText = json;
    }

    /** The record as a JSON tree, parsed at most once per instance. */
    public JsonNode tree() {
        if (tree == null) {
            tree = EventJson.readTree(rawJsonUtf8);
        }
        return tree;
    }

    /**
     * The record's top-level member {@code name} (null or a missing node when it has none), parsed at
     * most once per instance. Rules read paths under one or two members, mostly
     * {@code requestParameters}; parsing that member alone, with the rest of the record skipped
     * unbuilt, costs a fraction of the whole tree, which was the largest cost of the rules' pre-filters.
     */
    public JsonNode member(String name) {
        if (tree != null) {
            return tree.get(name);
        }
        if (members == null) {
            members = new HashMap<>(4);
        }
        JsonNode member = members.get(name);
        if (member == null) {
            member = EventJson.readMember(rawJsonUtf8, name);
            members.put(name, member);
        }
        return member;
    }

    /**
     * The document a string of this record's tree holds, parsed by {@code parser} at most once per
     * instance however many rules look into it.
     */
    public JsonNode embeddedDocument(JsonNode textNode, Function<String, JsonNode> parser) {
        if (embeddedDocuments == null) {
            embeddedDocuments = new IdentityHashMap<>(4);
        }
        return embeddedDocuments.computeIfAbsent(textNode, node -> parser.apply(node.asText()));
    }

    /**
     * The network address {@code parser} reads in {@code text}, a string of this event: every cidr
     * condition of every rule reads sourceIPAddress, which is then parsed once per event, not per
     * condition. Kept for the last string asked about, known by identity: the typed field and a tree's
     * text node hand every rule the same instance.
     */
    public byte[] address(String text, Function<String, byte[]> parser) {
        if (text != addressText) {
            address = parser.apply(text);
            addressText = text;
        }
        return address;
    }

    /** Takes over another event's record, with whatever of it was already decoded or parsed. */
    void shareRecord(CloudTrailEvent other) {
        rawJsonUtf8 = other.rawJsonUtf8;
        rawJsonText = other.rawJsonText;
        tree = other.tree;
        members = other.members;
        embeddedDocuments = other.embeddedDocuments;
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
                && Arrays.equals(rawJsonUtf8, other.rawJsonUtf8);
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
