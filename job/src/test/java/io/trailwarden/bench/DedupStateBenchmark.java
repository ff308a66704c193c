package io.trailwarden.bench;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.PrincipalKey;
import io.trailwarden.pipeline.DedupKey;
import io.trailwarden.pipeline.EventDeduplicator;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * What the dedup state costs: heap bytes per remembered eventID on the heap state backend, the
 * serialized bytes per entry that RocksDB and checkpoints hold (before RocksDB's own per-entry
 * overhead and compression), and single-threaded throughput with one duplicate in ten. Run from the
 * repository root:
 *
 * <pre>
 * MAVEN_OPTS=-Xmx4g mvn -o -q -pl job test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.trailwarden.bench.DedupStateBenchmark [-Dexec.args="DISTINCT_EVENTS"]
 * </pre>
 */
public final class DedupStateBenchmark {
    private static final int DEFAULT_EVENTS = 1_000_000;
    private static final long START_MILLIS = 1_722_519_208_000L;
    /** Real event names vary in length; this one is of typical length. */
    private static final String EVENT_NAME = "DescribeInstanceInformation";
    /** Bytes of the state value: the first-seen time, after the null flag RocksDB's map state writes. */
    private static final int VALUE_BYTES = 1 + Long.BYTES;
    /** Ids are remembered per principal; the corpus has 42 principals. */
    private static final int PRINCIPALS = 42;

    private DedupStateBenchmark() {}

    public static void main(String[] args) throws Exception {
        int distinct = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_EVENTS;
        KeyedOneInputStreamOperatorTestHarness<String, CloudTrailEvent, CloudTrailEvent> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new EventDeduplicator(Duration.ofHours(1))),
                        new PrincipalKey(), Types.STRING);
        harness.setProcessingTime(START_MILLIS);
        harness.open();

        long heapBefore = usedHeap();
        long started = System.nanoTime();
        long processed = 0;
        long serializedKeyBytes = 0;
        DataOutputSerializer buffer = new DataOutputSerializer(128);
        CloudTrailEvent previous = null;
        for (int i = 0; i < distinct; i++) {
            CloudTrailEvent event = event(i);
            harness.processElement(event, event.eventTimeMillis);
            processed++;
            if (i % 10 == 9) {
                harness.processElement(previous, previous.eventTimeMillis);
                processed++;
            }
            previous = event;
            buffer.clear();
            LongSerializer.INSTANCE.serialize(DedupKey.of(event), buffer);
            serializedKeyBytes += buffer.length();
            if (i % 10_000 == 0) {
                harness.getOutput().clear();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        harness.getOutput().clear();
        long heapAfter = usedHeap();
        // Nothing expires within the run, and the backend counts principals, not the ids in their maps.
        int entries = distinct;

        System.out.printf(Locale.ROOT, "%d events (%d distinct, one duplicate in ten) in %.2f s: %.0f events/s%n",
                processed, distinct, seconds, processed / seconds);
        System.out.printf(Locale.ROOT, "state entries: %d%n", entries);
        System.out.printf(Locale.ROOT, "heap backend: %.0f bytes per entry (%.1f MB for %d ids)%n",
                (heapAfter - heapBefore) / (double) entries, (heapAfter - heapBefore) / 1e6, entries);
        System.out.printf(Locale.ROOT, "serialized key + value: %.1f bytes per entry%n",
                serializedKeyBytes / (double) distinct + VALUE_BYTES);
        harness.close();
    }

    private static CloudTrailEvent event(int i) {
        CloudTrailEvent event = new CloudTrailEvent();
        event.eventId = new UUID(0x3346344c5a3e429eL + i, 0x8405420f98f75d6eL * (i + 1)).toString();
        event.eventTimeMillis = START_MILLIS + i * 10L;
        event.eventName = EVENT_NAME;
        event.actor.arn = "arn:aws:iam::123456789012:user/principal-" + i % PRINCIPALS;
        return event;
    }

    private static long usedHeap() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
