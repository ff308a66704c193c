package io.trailwarden.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.source.RawInput;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Flink's own serializer checks (round trips with and without reuse, copies, snapshot and restore,
 * duplication, Java serializability) over real corpus records of every identity shape, plus the edge
 * values a record can carry: absent fields, no actor at all, non-ASCII text.
 */
class CloudTrailEventSerializerTest extends SerializerTestBase<CloudTrailEvent> {
    /** A record escaping unpaired surrogate halves in typed fields and in a request parameter. */
    private static final String LONE_SURROGATES = "{\"eventID\":\"e-1\",\"eventName\":\"Create\\ud800User\","
            + "\"eventTime\":\"2024-07-30T21:31:10Z\",\"sourceIPAddress\":\"10.0.0.1\\udfff\","
            + "\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::111122223333:user/\\udc00x\\ud800\","
            + "\"userName\":\"x\\ud800\",\"accountId\":\"111122223333\"},"
            + "\"requestParameters\":{\"userName\":\"\\ud83d\\ude00\\ud800\"}}";

    @Override
    protected TypeSerializer<CloudTrailEvent> createSerializer() {
        return CloudTrailEventSerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<CloudTrailEvent> getTypeClass() {
        return CloudTrailEvent.class;
    }

    @Override
    protected CloudTrailEvent[] getTestData() {
        List<CloudTrailEvent> events = new ArrayList<>();
        CloudTrailParser parser = new CloudTrailParser();
        List<String> records = Corpus.records();
        for (int i = 0; i < records.size(); i += 13) {
            events.add(parser.parseAll(RawInput.of("corpus", records.get(i))).events.get(0));
        }
        CloudTrailEvent bare = new CloudTrailEvent();
        bare.actor = null;
        events.add(bare);
        CloudTrailEvent unusual = new CloudTrailEvent();
        unusual.eventId = "ünïcødé-🔑";
        unusual.eventName = "";
        unusual.userAgent = "agent\u0000with\nnewline";
        unusual.readOnly = Boolean.FALSE;
        unusual.actor.type = IdentityType.ROOT;
        unusual.actor.mfaAuthenticated = Boolean.TRUE;
        unusual.rawJsonUtf8 = new byte[0];
        events.add(unusual);
        CloudTrailEvent identityAsWritten = new CloudTrailEvent();
        identityAsWritten.identityAsWritten = true;
        identityAsWritten.sessionCredentialFromConsole = "true";
        identityAsWritten.actor.ec2RoleDelivery = "2.0";
        identityAsWritten.actor.invokedBy = "AWS Internal";
        events.add(identityAsWritten);
        events.add(parser.parseAll(RawInput.of("lone surrogates", LONE_SURROGATES)).events.get(0));
        return events.toArray(new CloudTrailEvent[0]);
    }

    /** Every field, not only those CloudTrailEvent.equals looks at. */
    @Override
    protected void deepEquals(String message, CloudTrailEvent should, CloudTrailEvent is) {
        assertThat(is).as(message).usingRecursiveComparison().ignoringFields("tree", "rawJsonText").isEqualTo(should);
    }

    @Test
    void theTypeTakesThisSerializer() {
        assertThat(TypeInformation.of(CloudTrailEvent.class).createSerializer(new SerializerConfigImpl()))
                .isSameAs(CloudTrailEventSerializer.INSTANCE);
    }

    @Test
    void aCopyReadsUntypedPathsWithoutParsingAgain() {
        CloudTrailEvent parsed = new CloudTrailParser().parseAll(RawInput.of("corpus", Corpus.records().get(0))).events.get(0);
        // The parser builds no tree; a rule that read an untyped path before the copy did.
        JsonNode tree = parsed.tree();
        CloudTrailEvent copy = CloudTrailEventSerializer.INSTANCE.copy(parsed);
        assertThat(copy).isNotSameAs(parsed);
        assertThat(copy.actor).isNotSameAs(parsed.actor).isEqualTo(parsed.actor);
        assertThat(copy.tree()).isSameAs(tree);
    }

    /**
     * Strings go as UTF-8, in which half a surrogate pair has no encoding (the JDK writes {@code ?}): a
     * parsed event holds none, so every typed field, the principal key and the record come back exact.
     */
    @Test
    void anEventParsedFromLoneSurrogatesRoundTripsExactly() throws Exception {
        CloudTrailEvent parsed = new CloudTrailParser().parseAll(RawInput.of("k", LONE_SURROGATES)).events.get(0);
        DataOutputSerializer out = new DataOutputSerializer(256);
        CloudTrailEventSerializer.INSTANCE.serialize(parsed, out);

        CloudTrailEvent read = CloudTrailEventSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(read).usingRecursiveComparison().ignoringFields("tree", "rawJsonText").isEqualTo(parsed);
        assertThat(PrincipalKey.of(read)).isEqualTo(PrincipalKey.of(parsed)).isEqualTo("arn:aws:iam::111122223333:user/\uFFFDx\uFFFD");
        assertThat(read.eventName).isEqualTo("Create\uFFFDUser");
        assertThat(read.actor.userName).isEqualTo("x\uFFFD");
        assertThat(read.sourceIpAddress).isEqualTo("10.0.0.1\uFFFD");
        assertThat(read.rawJson()).isEqualTo(LONE_SURROGATES);
        assertThat(read.text("requestParameters.userName")).isEqualTo(parsed.text("requestParameters.userName"))
                .isEqualTo("\uD83D\uDE00\uD800");
    }

    /**
     * {@code serializer-v1}: {@code records.jsonl} parsed and serialized, with the serializer's snapshot,
     * by the build of commit d95fe87, the last to write format version 1, as a savepoint holds them.
     */
    @Test
    void eventsOfAFormatVersion1SavepointRestoreAndMigrate() throws Exception {
        List<CloudTrailEvent> migrated = restoreAndMigrate("serializer-v1");
        List<CloudTrailEvent> parsed = parse();
        for (int i = 0; i < parsed.size(); i++) {
            // Version 1 did not carry them; the restored event sends rules to its record instead.
            assertThat(migrated.get(i).identityAsWritten).isFalse();
            assertThat(migrated.get(i).sessionCredentialFromConsole).isNull();
            assertThat(migrated.get(i).actor.ec2RoleDelivery).isNull();
            assertThat(migrated.get(i)).usingRecursiveComparison()
                    .ignoringFields("tree", "rawJsonText", "identityAsWritten", "sessionCredentialFromConsole",
                            "actor.ec2RoleDelivery")
                    .isEqualTo(parsed.get(i));
        }
    }

    /**
     * {@code serializer-v2}: the same records, serialized with the snapshot as the build of commit aae95cc, the last
     * to write format version 2 (each string its own length and bytes), wrote them. Nothing is lost.
     */
    @Test
    void eventsOfAFormatVersion2SavepointRestoreAndMigrateWhole() throws Exception {
        List<CloudTrailEvent> migrated = restoreAndMigrate("serializer-v2");
        List<CloudTrailEvent> parsed = parse();
        assertThat(migrated).anyMatch(event -> event.identityAsWritten);
        for (int i = 0; i < parsed.size(); i++) {
            assertThat(migrated.get(i)).usingRecursiveComparison().ignoringFields("tree", "rawJsonText")
                    .isEqualTo(parsed.get(i));
        }
    }

    /**
     * Restores the fixture's snapshot as Flink would, reads every event with the restored serializer, and
     * checks that each one written in the current format reads back the same.
     */
    private List<CloudTrailEvent> restoreAndMigrate(String fixture) throws Exception {
        TypeSerializerSnapshot<CloudTrailEvent> old = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(resource(fixture, "snapshot.bin")), getClass().getClassLoader());
        assertThat(new CloudTrailEventSerializer.Snapshot().resolveSchemaCompatibility(old).isCompatibleAfterMigration())
                .isTrue();
        TypeSerializer<CloudTrailEvent> restored = old.restoreSerializer();
        assertThat(restored).isNotEqualTo(CloudTrailEventSerializer.INSTANCE);
        DataInputDeserializer in = new DataInputDeserializer(resource(fixture, "events.bin"));
        List<CloudTrailEvent> events = new ArrayList<>();
        for (int i = 0; i < parse().size(); i++) {
            CloudTrailEvent migrated = restored.deserialize(in);
            DataOutputSerializer out = new DataOutputSerializer(1024);
            CloudTrailEventSerializer.INSTANCE.serialize(migrated, out);
            assertThat(CloudTrailEventSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())))
                    .usingRecursiveComparison().ignoringFields("tree", "rawJsonText").isEqualTo(migrated);
            events.add(migrated);
        }
        assertThat(in.available()).isZero();
        return events;
    }

    /** The records both fixtures hold, in {@code serializer-v1/records.jsonl}. */
    private static List<CloudTrailEvent> parse() {
        List<String> records = new String(resource("serializer-v1", "records.jsonl"), StandardCharsets.UTF_8).lines()
                .collect(Collectors.toList());
        assertThat(records).hasSize(5).anyMatch(record -> record.contains("\"ec2RoleDelivery\""))
                .anyMatch(record -> record.contains("\"sessionCredentialFromConsole\""));
        CloudTrailParser parser = new CloudTrailParser();
        return records.stream().map(record -> parser.parseAll(RawInput.of("fixture", record)).events.get(0))
                .collect(Collectors.toList());
    }

    @Test
    void theTwoEarlierFormatsAreDistinctSerializers() {
        assertThat(CloudTrailEventSerializer.Earlier.VERSION_1).isNotEqualTo(CloudTrailEventSerializer.Earlier.VERSION_2);
        assertThat(CloudTrailEventSerializer.Earlier.VERSION_1.duplicate()).isEqualTo(CloudTrailEventSerializer.Earlier.VERSION_1);
    }

    @Test
    void aSnapshotVersionThisBuildDoesNotKnowFailsTheRestore() {
        assertThatThrownBy(() -> new CloudTrailEventSerializer.Snapshot()
                .readSnapshot(99, new DataInputDeserializer(new byte[0]), getClass().getClassLoader()))
                .hasMessageContaining("version 99");
    }

    private static byte[] resource(String fixture, String name) {
        return Corpus.bytes("/io/trailwarden/event/" + fixture + "/" + name);
    }

    @Test
    void aTruncatedOrCorruptBufferIsAnErrorNotAGarbledEvent() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeLong(0);
        out.writeByte(0);
        out.writeInt(-7);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        assertThatThrownBy(() -> CloudTrailEventSerializer.INSTANCE.deserialize(in))
                .hasMessageContaining("length -7");
    }

    /** Lengths that add up past what one array holds are refused before anything is allocated for them. */
    @Test
    void stringLengthsBeyondOneArrayAreACorruptEvent() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeLong(0);
        out.writeByte(0);
        for (int i = 0; i < 11; i++) {
            out.writeInt(Integer.MAX_VALUE / 4);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        assertThatThrownBy(() -> CloudTrailEventSerializer.INSTANCE.deserialize(in))
                .hasMessageContaining("bytes of text");
    }
}
