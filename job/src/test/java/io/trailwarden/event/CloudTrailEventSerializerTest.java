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
     * {@code serializer-v1}: {@code records.jsonl} parsed and serialized, with the serializer's snapshot,
     * by the build of commit d95fe87, the last to write format version 1, as a savepoint holds them.
     */
    @Test
    void eventsOfAFormatVersion1SavepointRestoreAndMigrate() throws Exception {
        TypeSerializerSnapshot<CloudTrailEvent> old = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(resource("snapshot.bin")), getClass().getClassLoader());
        assertThat(new CloudTrailEventSerializer.Snapshot().resolveSchemaCompatibility(old).isCompatibleAfterMigration())
                .isTrue();
        TypeSerializer<CloudTrailEvent> restored = old.restoreSerializer();
        DataInputDeserializer in = new DataInputDeserializer(resource("events.bin"));
        CloudTrailParser parser = new CloudTrailParser();
        List<String> records = new String(resource("records.jsonl"), StandardCharsets.UTF_8).lines().collect(Collectors.toList());
        assertThat(records).hasSize(5);
        for (String record : records) {
            CloudTrailEvent parsed = parser.parseAll(RawInput.of("v1", record)).events.get(0);
            CloudTrailEvent migrated = restored.deserialize(in);
            // Version 1 did not carry them; the restored event sends rules to its record instead.
            assertThat(migrated.identityAsWritten).isFalse();
            assertThat(migrated.sessionCredentialFromConsole).isNull();
            assertThat(migrated.actor.ec2RoleDelivery).isNull();
            assertThat(migrated).usingRecursiveComparison()
                    .ignoringFields("tree", "rawJsonText", "identityAsWritten", "sessionCredentialFromConsole",
                            "actor.ec2RoleDelivery")
                    .isEqualTo(parsed);
            DataOutputSerializer out = new DataOutputSerializer(1024);
            CloudTrailEventSerializer.INSTANCE.serialize(migrated, out);
            assertThat(CloudTrailEventSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())))
                    .usingRecursiveComparison().ignoringFields("tree", "rawJsonText").isEqualTo(migrated);
        }
        assertThat(in.available()).isZero();
        assertThat(records).anyMatch(record -> record.contains("\"ec2RoleDelivery\""))
                .anyMatch(record -> record.contains("\"sessionCredentialFromConsole\""));
    }

    @Test
    void aSnapshotVersionThisBuildDoesNotKnowFailsTheRestore() {
        assertThatThrownBy(() -> new CloudTrailEventSerializer.Snapshot()
                .readSnapshot(99, new DataInputDeserializer(new byte[0]), getClass().getClassLoader()))
                .hasMessageContaining("version 99");
    }

    private static byte[] resource(String name) {
        return Corpus.bytes("/io/trailwarden/event/serializer-v1/" + name);
    }

    @Test
    void aTruncatedOrCorruptBufferIsAnErrorNotAGarbledEvent() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeInt(-7);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        assertThatThrownBy(() -> CloudTrailEventSerializer.INSTANCE.deserialize(in))
                .hasMessageContaining("length -7");
    }
}
