package io.trailwarden.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailwarden.source.DeliveryOrder;
import io.trailwarden.source.ReadProgress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The progress of an S3 replay in a small JSON file ({@code replay --resume FILE}), so that a replay
 * stopped part-way (killed, a lost connection, a closed laptop) continues where it stopped, with the
 * same findings as a replay that was never interrupted: none lost, none twice.
 *
 * <p>The file records the delivery files read to the end (a prefix of the archive in delivery order,
 * named by its last key), how many bytes of {@code --out} hold whole findings, and the ids of the
 * findings written that a resumed replay could find again. A resumed replay cuts {@code --out} back to
 * those bytes and reads again from {@link #rereadWindow} before the prefix's last delivery, so that
 * sequences and thresholds whose first events precede the cut see them again; of what that finds, a
 * finding already written is not written again, and a finding ending before the cut is not written
 * at all (the interrupted run had written it, and the re-read started too late to judge it fairly).
 *
 * <p>The prefix recorded is the one read {@link #SETTLE} before the record is saved, so the findings
 * of the objects in it have had that long to travel from the readers to {@code --out}. The file is
 * replaced atomically, after {@code --out} is forced to disk, so a kill at any moment leaves a record
 * that matches the output.
 */
final class ReplayResume {
    static final Duration SAVE_EVERY = Duration.ofSeconds(1);
    static final Duration SETTLE = Duration.ofSeconds(3);
    /** CloudTrail delivers a call within about 15 minutes, in a file named by its delivery time. */
    static final Duration DELIVERY_DELAY = Duration.ofMinutes(15);
    private static final int VERSION = 1;
    private static final ObjectMapper JSON =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** What the file holds. A Jackson bean. */
    public static final class Record {
        public int version = VERSION;
        /** The replay it belongs to: location, days, format, max delay, rules. */
        public String replay;
        /** The last key of the archive's prefix read to the end; null before the first. */
        public String lastObjectRead;
        public int objectsRead;
        public long outputBytes;
        /** Ids of the findings in the output that end at or after the cut; older ones cannot come again. */
        public Map<String, Long> recentFindings = new HashMap<>();
        public boolean complete;
    }

    private final Path file;
    private final Record record;
    private final Duration maxDelay;
    private final long cutMillis;
    private final Deque<long[]> prefixHistory = new ArrayDeque<>();
    private final Map<String, Long> written;
    private long alreadyWritten;
    private long beforeCut;

    private ReplayResume(Path file, Record record, Duration maxDelay) {
        this.file = file;
        this.record = record;
        this.maxDelay = maxDelay;
        this.cutMillis = cutMillis(record.lastObjectRead, maxDelay);
        this.written = new HashMap<>(record.recentFindings);
    }

    /**
     * The record in {@code file} of the replay {@code replay} describes, or a fresh one when the file
     * does not exist. An unreadable record, or one of another replay, is an error: resuming from it
     * would lose or repeat findings.
     */
    static ReplayResume open(Path file, String replay, Duration maxDelay) throws IOException {
        if (!Files.exists(file)) {
            Record fresh = new Record();
            fresh.replay = replay;
            return new ReplayResume(file, fresh, maxDelay);
        }
        Record record;
        try {
            record = JSON.readValue(file.toFile(), Record.class);
        } catch (JsonProcessingException e) {
            throw new IOException(file + " is not a replay progress record: " + e.getOriginalMessage(), e);
        }
        if (record.version != VERSION || record.recentFindings == null) {
            throw new IOException(file + " is not a replay progress record of this version");
        }
        if (!replay.equals(record.replay)) {
            throw new IOException(file + " records another replay (" + record.replay + "); this one is " + replay
                    + ". Give the same input, --from, --to, --format, --max-delay and rules, or another --resume file");
        }
        return new ReplayResume(file, record, maxDelay);
    }

    boolean complete() {
        return record.complete;
    }

    boolean resuming() {
        return record.lastObjectRead != null;
    }

    long outputBytes() {
        return record.outputBytes;
    }

    String lastObjectRead() {
        return record.lastObjectRead;
    }

    /**
     * How far before the last delivery read a resumed replay reads again: a sequence or threshold whose
     * last event comes at or after the cut began at most {@code longestWindow} before it; suppression
     * needs the longest rule's period before that to remember an incident already open; and the cut itself
     * lies twice the out-of-orderness and CloudTrail's delivery delay before the last delivery read.
     */
    static Duration rereadWindow(Duration longestWindow, Duration longestSuppression, Duration maxDelay) {
        return longestWindow.plus(longestSuppression).plus(maxDelay.multipliedBy(2)).plus(DELIVERY_DELAY);
    }

    /**
     * The index in {@code keys} (delivery order) from which this replay reads: 0 for a fresh one; for a
     * resumed one, the first key delivered within {@code window} before the last key read. The archive
     * may have grown since (a range that ends today), so what was read is found again by key, not by count.
     */
    int firstKeyToRead(List<String> keys, Duration window) {
        if (record.lastObjectRead == null) {
            return 0;
        }
        record.objectsRead = (int) keys.stream()
                .filter(key -> DeliveryOrder.PATHS.compare(key, record.lastObjectRead) <= 0).count();
        Instant lastDelivery = deliveryTime(record.lastObjectRead);
        Instant from = lastDelivery.minus(window);
        for (int i = 0; i < keys.size(); i++) {
            if (!deliveryTime(keys.get(i)).isBefore(from)) {
                return i;
            }
        }
        return keys.size();
    }

    /**
     * Whether {@code finding} is to be written: not when an interrupted run wrote it already, nor when
     * it ends before the cut. Call with the output locked, then {@link #wrote}.
     */
    boolean shouldWrite(RenderedFinding finding) {
        if (written.containsKey(identity(finding))) {
            alreadyWritten++;
            return false;
        }
        if (finding.lastEventTimeMillis < cutMillis) {
            beforeCut++;
            return false;
        }
        return true;
    }

    void wrote(RenderedFinding finding) {
        written.put(identity(finding), finding.lastEventTimeMillis);
    }

    /** An incident update shares its finding's id and is written after it. */
    private static String identity(RenderedFinding finding) {
        return finding.incidentUpdate ? finding.findingId + "/update" : finding.findingId;
    }

    long alreadyWritten() {
        return alreadyWritten;
    }

    long beforeCut() {
        return beforeCut;
    }

    /**
     * Records the progress: {@code keys} are the replay's keys in delivery order, of which the first
     * {@code firstRead} count as read; {@code outputBytes} the output's length, already forced to disk.
     */
    void save(List<String> keys, int firstRead, long outputBytes, boolean complete) throws IOException {
        long now = System.nanoTime();
        int prefix = Math.max(firstRead, record.objectsRead);
        while (prefix < keys.size() && ReadProgress.objectRead(keys.get(prefix))) {
            prefix++;
        }
        prefixHistory.addLast(new long[] {now, prefix});
        int settled = complete ? keys.size() : record.objectsRead;
        while (!prefixHistory.isEmpty() && now - prefixHistory.peekFirst()[0] >= SETTLE.toNanos()) {
            settled = (int) Math.max(settled, prefixHistory.removeFirst()[1]);
        }
        if (settled > 0) {
            record.objectsRead = settled;
            record.lastObjectRead = keys.get(settled - 1);
        }
        record.outputBytes = outputBytes;
        record.complete = complete;
        long forgetBefore = cutMillis(record.lastObjectRead, maxDelay);
        written.values().removeIf(lastEvent -> lastEvent < forgetBefore);
        record.recentFindings = new HashMap<>(written);
        write();
    }

    private void write() throws IOException {
        Path parent = Objects.requireNonNullElse(file.toAbsolutePath().getParent(), Path.of("."));
        Path temporary = Files.createTempFile(parent, file.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(JSON.writeValueAsBytes(record)));
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Findings ending before this event time were all written before the prefix ending at {@code lastKey} was read. */
    private static long cutMillis(String lastKey, Duration maxDelay) {
        if (lastKey == null) {
            return Long.MIN_VALUE;
        }
        return deliveryTime(lastKey).minus(maxDelay.multipliedBy(2)).minus(DELIVERY_DELAY).toEpochMilli();
    }

    private static Instant deliveryTime(String key) {
        return DeliveryOrder.deliveryTime(key)
                .orElseThrow(() -> new IllegalArgumentException("not a CloudTrail delivery file: " + key));
    }
}
