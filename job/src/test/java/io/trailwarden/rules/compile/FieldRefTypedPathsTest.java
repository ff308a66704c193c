package io.trailwarden.rules.compile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailEventSerializer;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.Corpus;
import io.trailwarden.event.EventJson;
import io.trailwarden.event.ParseResult;
import io.trailwarden.rules.load.RuleLoader;
import io.trailwarden.rules.model.ConditionSpec;
import io.trailwarden.rules.model.RuleError;
import io.trailwarden.source.RawInput;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The identity paths {@link FieldRef} serves from the parser's typed fields give what the walk over the
 * record's JSON tree gives (today's reading, still used for every other path), for every shape a
 * hostile record can put there: present, missing, null, empty, case-varied value or key, 10k
 * characters, and a number, boolean, object or array instead of a string. The record is a real
 * instance-role call from the corpus (DataDog/stratus-red-team detonation logs, Apache-2.0) with
 * {@code invokedBy} and {@code sessionCredentialFromConsole} added.
 */
class FieldRefTypedPathsTest {
    /** Every typed identity path, and the type, whose normalised reading is the old one. */
    private static final List<String> PATHS = List.of(
            "userIdentity.arn",
            "userIdentity.accountId",
            "userIdentity.principalId",
            "userIdentity.accessKeyId",
            "userIdentity.invokedBy",
            "userIdentity.sessionContext.sessionIssuer.arn",
            "userIdentity.sessionContext.sessionIssuer.userName",
            "userIdentity.sessionContext.ec2RoleDelivery",
            "sessionCredentialFromConsole",
            "userIdentity.type");
    /** CloudTrail writes strings here, but the parser accepted anything before they were typed, and still does. */
    private static final List<String> LOOSE = List.of("userIdentity.sessionContext.ec2RoleDelivery", "sessionCredentialFromConsole");

    private static ObjectNode base() {
        ObjectNode record = Corpus.first(r -> r.toString().contains("ec2RoleDelivery"));
        ((ObjectNode) record.get("userIdentity")).put("invokedBy", "ec2.amazonaws.com");
        record.put("sessionCredentialFromConsole", "true");
        return record;
    }

    /** The shapes a value at one path can take, by name. */
    private static Map<String, Consumer<ObjectNode>> shapes(String path) {
        String key = path.substring(path.lastIndexOf('.') + 1);
        Map<String, Consumer<ObjectNode>> shapes = new LinkedHashMap<>();
        shapes.put("present", parent -> {});
        shapes.put("missing", parent -> parent.remove(key));
        shapes.put("null", parent -> parent.putNull(key));
        shapes.put("empty", parent -> parent.put(key, ""));
        shapes.put("upper-case value", parent -> parent.put(key, parent.path(key).asText("x").toUpperCase(Locale.ROOT)));
        shapes.put("upper-case key", parent -> parent.set(key.toUpperCase(Locale.ROOT), parent.remove(key)));
        shapes.put("10k characters", parent -> parent.put(key, "arn:aws:iam::" + "9".repeat(10_000)));
        shapes.put("number", parent -> parent.put(key, 2.0));
        shapes.put("boolean", parent -> parent.put(key, true));
        shapes.put("object", parent -> parent.putObject(key).put("arn", "arn:aws:iam::1:user/inside"));
        shapes.put("array", parent -> {
            parent.putArray(key).add("arn:aws:iam::1:user/first").add(7).addNull().addObject().put("k", "v");
        });
        return shapes;
    }

    private static ObjectNode parentOf(ObjectNode record, String path) {
        JsonNode node = record;
        String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            node = node.get(parts[i]);
        }
        return (ObjectNode) node;
    }

    private static ParseResult parse(JsonNode record) {
        return new CloudTrailParser().parseAll(RawInput.of("test", record.toString()));
    }

    /** The same event, told to read its identity from the record as every path did before. */
    private static CloudTrailEvent fromTree(CloudTrailEvent event) {
        CloudTrailEvent copy = CloudTrailEventSerializer.INSTANCE.copy(event);
        copy.identityAsWritten = false;
        return copy;
    }

    /** The same event with a record that cannot be parsed: reading it from the tree would throw. */
    private static CloudTrailEvent withoutRecord(CloudTrailEvent event) {
        CloudTrailEvent copy = CloudTrailEventSerializer.INSTANCE.copy(event);
        copy.rawJsonUtf8 = "{\"not\": ".getBytes(StandardCharsets.UTF_8);
        return copy;
    }

    /** Every way a rule reads a path, as text, so two events compare in one assertion. */
    private static String readings(CloudTrailEvent event, String path) {
        FieldRef field = new FieldRef(path);
        StringBuilder readings = new StringBuilder()
                .append("values=").append(field.values(event))
                .append(" first=").append(field.first(event))
                .append(" identity=").append(field.firstIdentity(event))
                .append(" identities=").append(field.identities(event))
                .append(" exists=").append(field.exists(event, null));
        for (String condition : conditions(path)) {
            readings.append(' ').append(condition).append('=').append(compile(condition).test(event, null));
        }
        return readings.toString();
    }

    private static List<String> conditions(String path) {
        return List.of(
                "{" + path + ": {exists: true}}",
                "{" + path + ": {exists: false}}",
                "{" + path + ": TRUE}",
                "{" + path + ": {equals: '1.0'}}",
                "{" + path + ": {equals: ec2.amazonaws.com, ignoreCase: true}}",
                "{" + path + ": {prefix: 'ARN:AWS:'}}",
                "{" + path + ": {prefix: 'arn:aws:', ignoreCase: true}}",
                "{" + path + ": {prefix: ASIA}}",
                "{" + path + ": {suffix: 'role'}}",
                "{" + path + ": {regex: '^[0-9]+$'}}",
                "{" + path + ": {notEquals: nothing}}",
                "{" + path + ": {gte: 2}}",
                "{not: {" + path + ": {contains: ':'}}}");
    }

    private static final Map<String, EventCondition> COMPILED = new HashMap<>();

    private static EventCondition compile(String yaml) {
        return COMPILED.computeIfAbsent(yaml, FieldRefTypedPathsTest::compileOnce);
    }

    private static EventCondition compileOnce(String yaml) {
        List<RuleError> errors = new ArrayList<>();
        ConditionSpec spec = new RuleLoader(List.of(), Duration.ofDays(1)).condition(yaml, errors);
        assertThat(errors).as(yaml).isEmpty();
        return Conditions.compile(spec, Map.of());
    }

    @Test
    void everyShapeOfEveryTypedPathReadsAsTheRecordDoes() {
        int compared = 0;
        int refused = 0;
        for (String path : PATHS) {
            for (Map.Entry<String, Consumer<ObjectNode>> shape : shapes(path).entrySet()) {
                ObjectNode record = base();
                shape.getValue().accept(parentOf(record, path));
                ParseResult result = parse(record);
                String what = path + " " + shape.getKey();
                if (result.events.isEmpty()) {
                    // A non-string where the parser types a string refuses the record, as before: no
                    // condition ever sees it.
                    assertThat(shape.getKey()).as(what).isIn("number", "boolean", "object", "array");
                    assertThat(LOOSE).as(what).doesNotContain(path);
                    assertThat(result.deadLetters).singleElement().satisfies(
                            dead -> assertThat(dead.reason).as(what).contains("field " + path + " is"));
                    refused++;
                    continue;
                }
                CloudTrailEvent event = result.events.get(0);
                for (String read : PATHS) {
                    assertThat(readings(event, read)).as(what + ", read " + read)
                            .isEqualTo(readings(fromTree(event), read));
                }
                compared++;
            }
        }
        // Of the 10 paths x 11 shapes: the 8 string-only paths x 4 non-string shapes are refused.
        assertThat(refused).isEqualTo(32);
        assertThat(compared).isEqualTo(110 - 32);
    }

    @Test
    void aParsedEventReadsItsIdentityWithoutItsRecord() {
        CloudTrailEvent event = parse(base()).events.get(0);
        assertThat(event.identityAsWritten).isTrue();
        CloudTrailEvent typedOnly = withoutRecord(event);
        for (String path : PATHS) {
            assertThat(readings(typedOnly, path)).as(path).isEqualTo(readings(fromTree(event), path));
        }
        assertThat(new FieldRef("userIdentity.sessionContext.ec2RoleDelivery").first(typedOnly)).isEqualTo("1.0");
        assertThat(new FieldRef("sessionCredentialFromConsole").first(typedOnly)).isEqualTo("true");
    }

    @Test
    void aNonStringWhereCloudTrailWritesAStringIsReadFromTheRecord() {
        for (String path : LOOSE) {
            ObjectNode record = base();
            parentOf(record, path).putArray(path.substring(path.lastIndexOf('.') + 1)).add(2).add("2.0").addObject();
            CloudTrailEvent event = parse(record).events.get(0);
            assertThat(event.identityAsWritten).as(path).isFalse();
            FieldRef field = new FieldRef(path);
            assertThat(field.values(event)).as(path).containsExactly("2", "2.0");
            assertThat(field.exists(event, null)).as(path).isTrue();
            assertThat(compile("{" + path + ": {exists: true}}").test(event, null)).as(path).isTrue();
            // The other identity paths of such an event are read from the record too, and still agree.
            assertThat(new FieldRef("userIdentity.arn").first(event)).isEqualTo(event.actor.arn);
        }
    }

    /** Events built by hand, as tests and tools do, never vouch for their typed identity. */
    @Test
    void anEventBuiltWithoutTheParserIsReadFromItsRecord() {
        ObjectNode record = base();
        CloudTrailEvent built = new CloudTrailEvent();
        built.setRawJson(record.toString());
        assertThat(built.identityAsWritten).isFalse();
        for (String path : PATHS.subList(0, PATHS.size() - 1)) {
            assertThat(new FieldRef(path).first(built)).as(path).isEqualTo(EventJson.at(record, path).asText());
        }
    }

    /** Events restored from a savepoint of serializer format 1 (see CloudTrailEventSerializerTest) read as fresh ones. */
    @Test
    void eventsOfAnOlderSavepointReadAsFreshlyParsedOnes() throws Exception {
        TypeSerializer<CloudTrailEvent> restored = TypeSerializerSnapshot.<CloudTrailEvent>readVersionedSnapshot(
                new DataInputDeserializer(resource("snapshot.bin")), getClass().getClassLoader()).restoreSerializer();
        DataInputDeserializer in = new DataInputDeserializer(resource("events.bin"));
        for (String line : new String(resource("records.jsonl"), StandardCharsets.UTF_8).lines().toArray(String[]::new)) {
            CloudTrailEvent fresh = parse(EventJson.readTree(line)).events.get(0);
            CloudTrailEvent old = restored.deserialize(in);
            for (String path : PATHS) {
                assertThat(readings(old, path)).as(path).isEqualTo(readings(fresh, path));
            }
        }
    }

    private static byte[] resource(String name) {
        return Corpus.bytes("/io/trailwarden/event/serializer-v1/" + name);
    }
}
