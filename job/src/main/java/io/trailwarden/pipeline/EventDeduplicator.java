package io.trailwarden.pipeline;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.ParseFunction;
import io.trailwarden.event.PrincipalKey;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops CloudTrail's duplicate deliveries. Keyed by {@link PrincipalKey}; per principal it remembers
 * the {@link DedupKey} digest of each delivery it let through, with the processing time it first saw it. The
 * first event of an identity passes; later ones within the TTL are counted in the
 * {@value #DUPLICATES_METRIC} metric and not emitted. Duplicates do not extend the TTL.
 *
 * <p>Keyed by principal rather than by eventID so that the rules keyed by the principal can reuse this
 * partitioning without a shuffle of their own (see {@link TrailWardenTopology}). Correct because a
 * re-delivery repeats the whole record, its principal included.
 *
 * <p>The TTL runs in processing time: a duplicate is a delivery artefact that arrives soon after the
 * first copy in wall-clock time, however old the record itself is.
 *
 * <p>Expiry is this function's own rather than Flink's state TTL: TTL cleanup of a map state visits a
 * whole principal's map on every step, and on plain keyed state its per-access cleanup took about 8% of the
 * replay benchmark's CPU samples. Here each entry schedules a processing-time timer at its expiry rounded up to a
 * {@value #EXPIRY_BUCKETS}th of the TTL (timers of one principal and bucket coalesce into one), and the
 * timer removes the principal's expired entries. An identity is forgotten exactly at the TTL, and leaves
 * state at most a bucket later, so state holds at most arrival rate x TTL x (1 + 1/{@value
 * #EXPIRY_BUCKETS}) entries, and a principal that goes quiet leaves none behind. Timers are part of
 * snapshots, so expiry continues after a restore.
 *
 * <p>What an entry costs is measured by {@code DedupStateBenchmark}. The TTL itself is bounded by
 * {@code TrailWarden.Detection.dedupTtl}.
 */
public class EventDeduplicator extends KeyedProcessFunction<String, CloudTrailEvent, CloudTrailEvent> {
    private static final long serialVersionUID = 1L;

    public static final String DUPLICATES_METRIC = "duplicateEvents";
    static final int EXPIRY_BUCKETS = 8;

    private final long ttlMillis;
    private final long bucketMillis;
    private transient MapState<Long, Long> firstSeen;
    private transient Counter duplicates;

    public EventDeduplicator(Duration ttl) {
        this.ttlMillis = ttl.toMillis();
        this.bucketMillis = Math.max(1, ttlMillis / EXPIRY_BUCKETS);
    }

    @Override
    public void open(OpenContext openContext) {
        firstSeen = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("first-seen-by-delivery-digest", Types.LONG, Types.LONG));
        duplicates = getRuntimeContext().getMetricGroup().addGroup(ParseFunction.METRIC_GROUP).counter(DUPLICATES_METRIC);
    }

    @Override
    public void processElement(CloudTrailEvent event, Context ctx, Collector<CloudTrailEvent> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        Long delivery = DedupKey.of(event);
        Long seen = firstSeen.get(delivery);
        if (seen != null && now < seen + ttlMillis) {
            duplicates.inc();
            return;
        }
        firstSeen.put(delivery, now);
        long expiry = now + ttlMillis;
        ctx.timerService().registerProcessingTimeTimer((expiry + bucketMillis - 1) / bucketMillis * bucketMillis);
        out.collect(event);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CloudTrailEvent> out) throws Exception {
        boolean kept = false;
        for (Iterator<Map.Entry<Long, Long>> entries = firstSeen.iterator(); entries.hasNext(); ) {
            if (entries.next().getValue() + ttlMillis <= timestamp) {
                entries.remove();
            } else {
                kept = true;
            }
        }
        // Removing through the iterator leaves an empty map behind on the heap backend.
        if (!kept) {
            firstSeen.clear();
        }
    }

    long duplicatesCounted() {
        return duplicates.getCount();
    }
}
