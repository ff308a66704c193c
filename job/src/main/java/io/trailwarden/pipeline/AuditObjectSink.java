package io.trailwarden.pipeline;

import io.trailwarden.event.DeadLetter;
import io.trailwarden.finding.DeadLetterRecord;
import io.trailwarden.finding.FindingJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.Counter;

/**
 * Writes JSON lines to the audit store exactly once, in two phases. The writer collects the lines of
 * one checkpoint; before the barrier they become one object (key and content), which Flink keeps in the
 * checkpoint; once the checkpoint completes the committer puts it. The key is chosen when the object is
 * staged and travels with it, so a commit replayed after a restart replaces the object with itself
 * instead of adding a copy, and lines after the checkpoint are replayed into a new object. Nothing is
 * visible before its checkpoint completes.
 *
 * <p>Keys: {@code FOLDER/dt=YYYY-MM-DD/hour=HH/FOLDER-SUBTASK-STARTED-SEQUENCE.jsonl}, the hour (UTC) the
 * object was staged in. A flood (a stream of unparseable input) is bounded: past
 * {@link #MAX_OBJECT_BYTES} in one checkpoint further lines are counted, and the object ends with a
 * dead-letter record saying how many were not stored.
 */
public final class AuditObjectSink implements Sink<String>, SupportsCommitter<AuditObjectSink.StagedObject> {
    private static final long serialVersionUID = 1L;
    /** Held in memory and in the checkpoint until committed; audit lines are small and rare. */
    static final int MAX_OBJECT_BYTES = 32 * 1024 * 1024;
    private static final DateTimeFormatter HOUR =
            DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd'/hour='HH").withZone(ZoneOffset.UTC);

    private final String folder;
    private final AuditStore.Objects objects;

    public AuditObjectSink(String folder, AuditStore.Objects objects) {
        this.folder = folder;
        this.objects = objects;
    }

    @Override
    public CommittingSinkWriter<String, StagedObject> createWriter(WriterInitContext context) {
        return new StagingWriter(folder, context.getTaskInfo().getIndexOfThisSubtask(),
                context.metricGroup().addGroup("trailwarden").counter(folder + "-records-not-stored"));
    }

    /** Flink 1.20 still declares this overload abstract; its runtime calls the one above, and 2.0 removes it. */
    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<String> createWriter(InitContext context) {
        throw new UnsupportedOperationException("Flink calls createWriter(WriterInitContext)");
    }

    @Override
    public Committer<StagedObject> createCommitter(CommitterInitContext context) {
        return new ObjectCommitter(objects);
    }

    @Override
    public SimpleVersionedSerializer<StagedObject> getCommittableSerializer() {
        return new StagedObjectSerializer();
    }

    /** One object waiting for its checkpoint to complete. */
    public static final class StagedObject {
        final String key;
        final byte[] content;

        StagedObject(String key, byte[] content) {
            this.key = key;
            this.content = content;
        }
    }

    static final class StagingWriter implements CommittingSinkWriter<String, StagedObject> {
        private final String folder;
        private final int subtask;
        private final long startedMillis = System.currentTimeMillis();
        private final Counter notStored;
        private ByteArrayOutputStream lines = new ByteArrayOutputStream();
        private long sequence;
        private long overBound;

        StagingWriter(String folder, int subtask, Counter notStored) {
            this.folder = folder;
            this.subtask = subtask;
            this.notStored = notStored;
        }

        @Override
        public void write(String line, Context context) {
            byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
            if (lines.size() + bytes.length > MAX_OBJECT_BYTES) {
                overBound++;
                notStored.inc();
                return;
            }
            lines.write(bytes, 0, bytes.length);
        }

        @Override
        public void flush(boolean endOfInput) {
            // Lines become an object in prepareCommit, which Flink calls right after this.
        }

        @Override
        public Collection<StagedObject> prepareCommit() {
            if (overBound > 0) {
                DeadLetter letter = DeadLetter.of("audit-store", overBound + " " + folder + " records of one checkpoint"
                        + " were not stored: the object reached " + MAX_OBJECT_BYTES + " bytes", folder, null);
                byte[] bytes = (FindingJson.line(DeadLetterRecord.of(letter)) + "\n").getBytes(StandardCharsets.UTF_8);
                lines.write(bytes, 0, bytes.length);
                overBound = 0;
            }
            if (lines.size() == 0) {
                return List.of();
            }
            String key = folder + "/" + HOUR.format(Instant.now()) + "/" + folder + "-" + subtask + "-" + startedMillis
                    + "-" + sequence++ + ".jsonl";
            StagedObject staged = new StagedObject(key, lines.toByteArray());
            lines = new ByteArrayOutputStream();
            return List.of(staged);
        }

        @Override
        public void close() {
            // Nothing is open: lines not yet staged belong to a checkpoint that never completed.
        }
    }

    static final class ObjectCommitter implements Committer<StagedObject> {
        /** Then the job fails and restarts from its checkpoint, which still holds the object: failing closed. */
        private static final int MAX_RETRIES = 3;
        private final AuditStore.Objects objects;

        ObjectCommitter(AuditStore.Objects objects) {
            this.objects = objects;
        }

        @Override
        public void commit(Collection<CommitRequest<StagedObject>> requests) {
            for (CommitRequest<StagedObject> request : requests) {
                StagedObject staged = request.getCommittable();
                try {
                    objects.put(staged.key, staged.content);
                } catch (IOException | RuntimeException e) {
                    if (request.getNumberOfRetries() < MAX_RETRIES) {
                        request.retryLater();
                    } else {
                        request.signalFailedWithUnknownReason(e);
                    }
                }
            }
        }

        @Override
        public void close() {
            // The object store's client is closed with the task.
        }
    }

    static final class StagedObjectSerializer implements SimpleVersionedSerializer<StagedObject> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(StagedObject staged) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(staged.content.length + staged.key.length() + 16);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeUTF(staged.key);
                out.writeInt(staged.content.length);
                out.write(staged.content);
            }
            return bytes.toByteArray();
        }

        @Override
        public StagedObject deserialize(int version, byte[] serialized) throws IOException {
            if (version != 1) {
                throw new IOException("unknown staged audit object version " + version);
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                String key = in.readUTF();
                byte[] content = new byte[in.readInt()];
                in.readFully(content);
                return new StagedObject(key, content);
            }
        }
    }
}
