package io.trailwarden.event;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink's serializer for {@link CloudTrailEvent}, which every event crosses the principal shuffle with
 * and CEP and threshold state hold. The POJO serializer it replaces wrote each of the twenty string
 * fields one character at a time, reflectively: about a sixth of the replay benchmark's samples on the
 * receiving side. Here a string is its UTF-8 bytes behind a length (-1 for null), which the JDK encodes
 * and decodes in bulk, and fields are written in a fixed order without reflection.
 *
 * <p>A string comes back exactly when it is valid Unicode: half of a surrogate pair has no UTF-8, and
 * the JDK writes {@code ?} for it. The parser puts no such half into an event (see
 * {@code RecordScanner}), so every string an event holds round-trips, and a key computed on either side
 * of a shuffle is the same; whoever builds events another way must keep to that.
 *
 * <p>The format is versioned by {@link Snapshot}: changing the field list or order needs a new snapshot
 * version and a migration, or savepoints holding events in CEP or threshold state no longer restore.
 * Version 1 lacked the identity fields rules read without the record ({@code sessionCredentialFromConsole},
 * {@code ec2RoleDelivery}, {@code identityAsWritten}); since its events do not say their identity is as
 * written, rules read it from their record. Version 2 wrote each string as its own length and bytes;
 * version 3 writes all the lengths, then all the strings' bytes as one block, which the receiving side
 * copies out of Flink's network buffer at once and decodes in place: a copy and an array per string
 * fewer, on the path every event takes. Events of versions 1 and 2 are read by {@link Earlier} and
 * migrated.
 * The identity type is written by name, so reordering {@link IdentityType} changes nothing; removing a
 * constant that state still holds fails the restore with a message naming it.
 */
public class CloudTrailEventSerializer extends TypeSerializerSingleton<CloudTrailEvent> {
    private static final long serialVersionUID = 1L;
    public static final CloudTrailEventSerializer INSTANCE = new CloudTrailEventSerializer();

    /** The format written; see {@link Snapshot}. */
    static final int CURRENT_VERSION = 3;

    private static final int NULL = -1;
    private static final byte BOOLEAN_NULL = 0;
    private static final byte BOOLEAN_FALSE = 1;
    private static final byte BOOLEAN_TRUE = 2;
    /** Format 3's flags byte: readOnly in its two low bits, mfaAuthenticated in the two from MFA_SHIFT. */
    private static final int TRISTATE_MASK = 3;
    private static final int AS_WRITTEN = 1 << 2;
    private static final int HAS_ACTOR = 1 << 3;
    private static final int MFA_SHIFT = 4;
    private static final int EVENT_STRINGS = 11;
    private static final int ACTOR_STRINGS = 10;

    private CloudTrailEventSerializer() {}

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public CloudTrailEvent createInstance() {
        return new CloudTrailEvent();
    }

    /**
     * Copies the fields, and shares the raw record and, if a rule already read an untyped path, its
     * parsed tree: nothing writes to either once made, and a shared tree spares the copy a second parse.
     */
    @Override
    public CloudTrailEvent copy(CloudTrailEvent from) {
        return from == null ? null : copy(from, new CloudTrailEvent());
    }

    @Override
    public CloudTrailEvent copy(CloudTrailEvent from, CloudTrailEvent reuse) {
        if (from == null) {
            return null;
        }
        CloudTrailEvent to = reuse == null ? new CloudTrailEvent() : reuse;
        to.eventId = from.eventId;
        to.eventTimeMillis = from.eventTimeMillis;
        to.eventName = from.eventName;
        to.eventSource = from.eventSource;
        to.eventType = from.eventType;
        to.awsRegion = from.awsRegion;
        to.sourceIpAddress = from.sourceIpAddress;
        to.userAgent = from.userAgent;
        to.errorCode = from.errorCode;
        to.errorMessage = from.errorMessage;
        to.recipientAccountId = from.recipientAccountId;
        to.readOnly = from.readOnly;
        to.sessionCredentialFromConsole = from.sessionCredentialFromConsole;
        to.identityAsWritten = from.identityAsWritten;
        to.actor = copy(from.actor);
        to.shareRecord(from);
        return to;
    }

    private static Actor copy(Actor from) {
        if (from == null) {
            return null;
        }
        Actor to = new Actor();
        to.type = from.type;
        to.arn = from.arn;
        to.accountId = from.accountId;
        to.userName = from.userName;
        to.principalId = from.principalId;
        to.sessionIssuerArn = from.sessionIssuerArn;
        to.sessionIssuerName = from.sessionIssuerName;
        to.accessKeyId = from.accessKeyId;
        to.mfaAuthenticated = from.mfaAuthenticated;
        to.invokedBy = from.invokedBy;
        to.ec2RoleDelivery = from.ec2RoleDelivery;
        return to;
    }

    @Override
    public int getLength() {
        return -1;
    }

    /** The format this serializer reads and writes. */
    int formatVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public void serialize(CloudTrailEvent event, DataOutputView out) throws IOException {
        write(event, out, formatVersion());
    }

    @Override
    public CloudTrailEvent deserialize(CloudTrailEvent reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public CloudTrailEvent deserialize(DataInputView in) throws IOException {
        return read(in, formatVersion());
    }

    private static void write(CloudTrailEvent event, DataOutputView out, int version) throws IOException {
        if (version < 3) {
            writeFieldByField(event, out, version);
            return;
        }
        out.writeLong(event.eventTimeMillis);
        Actor actor = event.actor;
        out.writeByte(tristate(event.readOnly) | (event.identityAsWritten ? AS_WRITTEN : 0)
                | (actor == null ? 0 : HAS_ACTOR | tristate(actor.mfaAuthenticated) << MFA_SHIFT));
        byte[][] utf8 = new byte[actor == null ? EVENT_STRINGS : EVENT_STRINGS + ACTOR_STRINGS][];
        utf8[0] = utf8(event.eventId);
        utf8[1] = utf8(event.eventName);
        utf8[2] = utf8(event.eventSource);
        utf8[3] = utf8(event.eventType);
        utf8[4] = utf8(event.awsRegion);
        utf8[5] = utf8(event.sourceIpAddress);
        utf8[6] = utf8(event.userAgent);
        utf8[7] = utf8(event.errorCode);
        utf8[8] = utf8(event.errorMessage);
        utf8[9] = utf8(event.recipientAccountId);
        utf8[10] = utf8(event.sessionCredentialFromConsole);
        if (actor != null) {
            utf8[11] = utf8(actor.type == null ? null : actor.type.name());
            utf8[12] = utf8(actor.arn);
            utf8[13] = utf8(actor.accountId);
            utf8[14] = utf8(actor.userName);
            utf8[15] = utf8(actor.principalId);
            utf8[16] = utf8(actor.sessionIssuerArn);
            utf8[17] = utf8(actor.sessionIssuerName);
            utf8[18] = utf8(actor.accessKeyId);
            utf8[19] = utf8(actor.invokedBy);
            utf8[20] = utf8(actor.ec2RoleDelivery);
        }
        for (byte[] value : utf8) {
            out.writeInt(value == null ? NULL : value.length);
        }
        for (byte[] value : utf8) {
            if (value != null) {
                out.write(value);
            }
        }
        writeBytes(event.rawJsonUtf8, out);
    }

    private static CloudTrailEvent read(DataInputView in, int version) throws IOException {
        if (version < 3) {
            return readFieldByField(in, version);
        }
        CloudTrailEvent event = new CloudTrailEvent();
        event.eventTimeMillis = in.readLong();
        int flags = in.readByte();
        event.readOnly = fromTristate(flags);
        event.identityAsWritten = (flags & AS_WRITTEN) != 0;
        boolean hasActor = (flags & HAS_ACTOR) != 0;
        int[] lengths = new int[hasActor ? EVENT_STRINGS + ACTOR_STRINGS : EVENT_STRINGS];
        long total = 0;
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = in.readInt();
            if (lengths[i] < NULL) {
                throw new IOException("corrupt serialized CloudTrailEvent: length " + lengths[i]);
            }
            total += Math.max(0, lengths[i]);
        }
        if (total > Integer.MAX_VALUE) {
            throw new IOException("corrupt serialized CloudTrailEvent: " + total + " bytes of text");
        }
        byte[] text = new byte[(int) total];
        in.readFully(text);
        Strings strings = new Strings(text, lengths);
        event.eventId = strings.next();
        event.eventName = strings.next();
        event.eventSource = strings.next();
        event.eventType = strings.next();
        event.awsRegion = strings.next();
        event.sourceIpAddress = strings.next();
        event.userAgent = strings.next();
        event.errorCode = strings.next();
        event.errorMessage = strings.next();
        event.recipientAccountId = strings.next();
        event.sessionCredentialFromConsole = strings.next();
        if (hasActor) {
            Actor actor = new Actor();
            String type = strings.next();
            actor.type = type == null ? null : identityType(type);
            actor.arn = strings.next();
            actor.accountId = strings.next();
            actor.userName = strings.next();
            actor.principalId = strings.next();
            actor.sessionIssuerArn = strings.next();
            actor.sessionIssuerName = strings.next();
            actor.accessKeyId = strings.next();
            actor.invokedBy = strings.next();
            actor.ec2RoleDelivery = strings.next();
            actor.mfaAuthenticated = fromTristate(flags >> MFA_SHIFT);
            event.actor = actor;
        } else {
            event.actor = null;
        }
        event.rawJsonUtf8 = readBytes(in);
        return event;
    }

    /** Decodes the strings of one event from their shared block, in the order they were written. */
    private static final class Strings {
        private final byte[] text;
        private final int[] lengths;
        private int index;
        private int offset;

        Strings(byte[] text, int[] lengths) {
            this.text = text;
            this.lengths = lengths;
        }

        String next() {
            int length = lengths[index++];
            if (length == NULL) {
                return null;
            }
            String value = new String(text, offset, length, StandardCharsets.UTF_8);
            offset += length;
            return value;
        }
    }

    private static int tristate(Boolean value) {
        return value == null ? BOOLEAN_NULL : value ? BOOLEAN_TRUE : BOOLEAN_FALSE;
    }

    private static Boolean fromTristate(int bits) {
        int value = bits & TRISTATE_MASK;
        return value == BOOLEAN_NULL ? null : Boolean.valueOf(value == BOOLEAN_TRUE);
    }

    /** Formats 1 and 2: each string its own length and bytes, in field order. */
    private static void writeFieldByField(CloudTrailEvent event, DataOutputView out, int version) throws IOException {
        writeString(event.eventId, out);
        out.writeLong(event.eventTimeMillis);
        writeString(event.eventName, out);
        writeString(event.eventSource, out);
        writeString(event.eventType, out);
        writeString(event.awsRegion, out);
        writeString(event.sourceIpAddress, out);
        writeString(event.userAgent, out);
        writeString(event.errorCode, out);
        writeString(event.errorMessage, out);
        writeString(event.recipientAccountId, out);
        writeBoolean(event.readOnly, out);
        if (version >= 2) {
            writeString(event.sessionCredentialFromConsole, out);
            out.writeBoolean(event.identityAsWritten);
        }
        Actor actor = event.actor;
        out.writeBoolean(actor != null);
        if (actor != null) {
            writeString(actor.type == null ? null : actor.type.name(), out);
            writeString(actor.arn, out);
            writeString(actor.accountId, out);
            writeString(actor.userName, out);
            writeString(actor.principalId, out);
            writeString(actor.sessionIssuerArn, out);
            writeString(actor.sessionIssuerName, out);
            writeString(actor.accessKeyId, out);
            writeBoolean(actor.mfaAuthenticated, out);
            writeString(actor.invokedBy, out);
            if (version >= 2) {
                writeString(actor.ec2RoleDelivery, out);
            }
        }
        writeBytes(event.rawJsonUtf8, out);
    }


    private static CloudTrailEvent readFieldByField(DataInputView in, int version) throws IOException {
        CloudTrailEvent event = new CloudTrailEvent();
        event.eventId = readString(in);
        event.eventTimeMillis = in.readLong();
        event.eventName = readString(in);
        event.eventSource = readString(in);
        event.eventType = readString(in);
        event.awsRegion = readString(in);
        event.sourceIpAddress = readString(in);
        event.userAgent = readString(in);
        event.errorCode = readString(in);
        event.errorMessage = readString(in);
        event.recipientAccountId = readString(in);
        event.readOnly = readBoolean(in);
        if (version >= 2) {
            event.sessionCredentialFromConsole = readString(in);
            event.identityAsWritten = in.readBoolean();
        }
        if (in.readBoolean()) {
            Actor actor = new Actor();
            String type = readString(in);
            actor.type = type == null ? null : identityType(type);
            actor.arn = readString(in);
            actor.accountId = readString(in);
            actor.userName = readString(in);
            actor.principalId = readString(in);
            actor.sessionIssuerArn = readString(in);
            actor.sessionIssuerName = readString(in);
            actor.accessKeyId = readString(in);
            actor.mfaAuthenticated = readBoolean(in);
            actor.invokedBy = readString(in);
            if (version >= 2) {
                actor.ec2RoleDelivery = readString(in);
            }
            event.actor = actor;
        } else {
            event.actor = null;
        }
        event.rawJsonUtf8 = readBytes(in);
        return event;
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<CloudTrailEvent> snapshotConfiguration() {
        return new Snapshot(formatVersion());
    }

    private static IdentityType identityType(String name) throws IOException {
        try {
            return IdentityType.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IOException("serialized CloudTrailEvent has identity type " + name + ", unknown to this build", e);
        }
    }

    private static void writeString(String value, DataOutputView out) throws IOException {
        writeBytes(utf8(value), out);
    }

    private static byte[] utf8(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    private static String readString(DataInputView in) throws IOException {
        byte[] utf8 = readBytes(in);
        return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
    }

    private static void writeBytes(byte[] value, DataOutputView out) throws IOException {
        if (value == null) {
            out.writeInt(NULL);
            return;
        }
        out.writeInt(value.length);
        out.write(value);
    }

    private static byte[] readBytes(DataInputView in) throws IOException {
        int length = in.readInt();
        if (length == NULL) {
            return null;
        }
        if (length < 0) {
            throw new IOException("corrupt serialized CloudTrailEvent: length " + length);
        }
        byte[] value = new byte[length];
        in.readFully(value);
        return value;
    }

    private static void writeBoolean(Boolean value, DataOutputView out) throws IOException {
        out.writeByte(value == null ? BOOLEAN_NULL : value ? BOOLEAN_TRUE : BOOLEAN_FALSE);
    }

    private static Boolean readBoolean(DataInputView in) throws IOException {
        byte value = in.readByte();
        return value == BOOLEAN_NULL ? null : Boolean.valueOf(value == BOOLEAN_TRUE);
    }

    /**
     * Reads the events of savepoints taken with an earlier format version, to migrate them; it writes that
     * format too, so it can stand in wherever Flink asks the restored serializer to.
     */
    static final class Earlier extends CloudTrailEventSerializer {
        private static final long serialVersionUID = 1L;
        static final Earlier VERSION_1 = new Earlier(1);
        static final Earlier VERSION_2 = new Earlier(2);

        private final int formatVersion;

        private Earlier(int formatVersion) {
            this.formatVersion = formatVersion;
        }

        @Override
        int formatVersion() {
            return formatVersion;
        }

        /** The singleton base compares classes only; these two differ by the format they read. */
        @Override
        public boolean equals(Object other) {
            return other instanceof Earlier && ((Earlier) other).formatVersion == formatVersion;
        }

        @Override
        public int hashCode() {
            return formatVersion;
        }
    }

    /**
     * Restores this serializer. Its own version numbers continue those of the
     * {@code SimpleTypeSerializerSnapshot} it replaced, whose version 3 (no payload) stands for format
     * version 1; the class name stays, because savepoints name it.
     */
    public static final class Snapshot implements TypeSerializerSnapshot<CloudTrailEvent> {
        /** The snapshot version of each format version: index = format version. */
        private static final int[] SNAPSHOT_VERSIONS = {-1, 3, 4, 5};

        private int formatVersion;

        public Snapshot() {
            this(CURRENT_VERSION);
        }

        Snapshot(int formatVersion) {
            this.formatVersion = formatVersion;
        }

        @Override
        public int getCurrentVersion() {
            return SNAPSHOT_VERSIONS[formatVersion];
        }

        @Override
        public void writeSnapshot(DataOutputView out) {}

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader) throws IOException {
            for (int format = 1; format < SNAPSHOT_VERSIONS.length; format++) {
                if (SNAPSHOT_VERSIONS[format] == readVersion) {
                    formatVersion = format;
                    return;
                }
            }
            throw new IOException("CloudTrailEvent serializer snapshot version " + readVersion + " is unknown to this build");
        }

        @Override
        public TypeSerializer<CloudTrailEvent> restoreSerializer() {
            return formatVersion == CURRENT_VERSION ? INSTANCE
                    : formatVersion == 1 ? Earlier.VERSION_1 : Earlier.VERSION_2;
        }

        @Override
        public TypeSerializerSchemaCompatibility<CloudTrailEvent> resolveSchemaCompatibility(
                TypeSerializerSnapshot<CloudTrailEvent> oldSnapshot) {
            if (!(oldSnapshot instanceof Snapshot)) {
                return TypeSerializerSchemaCompatibility.incompatible();
            }
            return ((Snapshot) oldSnapshot).formatVersion == CURRENT_VERSION
                    ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
    }
}
