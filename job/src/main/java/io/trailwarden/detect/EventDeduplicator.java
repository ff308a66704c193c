package io.trailwarden.detect;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.ParseFunction;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops CloudTrail's duplicate deliveries: keyed by {@link DedupKey} (the eventID), the first event of
 * a key passes and later ones within the TTL are counted in the {@value #DUPLICATES_METRIC} metric and
 * not emitted.
 *
 * <p>The TTL runs in processing time (the only time Flink state TTL knows), which suits the job:
 * a duplicate is a delivery artefact that arrives soon after the first copy in wall-clock time, however
 * old the record itself is.
 *
 * <p>What the TTL costs: one entry per distinct eventID seen within the TTL, so state grows with
 * arrival rate x TTL. {@code DedupStateBenchmark} measures 88 serialized bytes per entry (what RocksDB
 * and checkpoints hold, before RocksDB's own overhead) and about 195 bytes on the heap backend: 1,000
 * events/s for the default hour is 3.6 M entries, about 320 MB serialized or 700 MB on the heap. Each
 * entry carries an 8-byte last-write timestamp. Expired entries are not free to remove: the heap
 * backend checks {@value #CLEANUP_ENTRIES_PER_ACCESS} entries per state access, RocksDB drops them
 * during compaction, and full snapshots leave them out, so neither memory nor checkpoints keep ids past
 * the TTL for long. The TTL itself is bounded by
 * {@code TrailWarden.Detection.dedupTtl}.
 */
public class EventDeduplicator extends KeyedProcessFunction<String, CloudTrailEvent, CloudTrailEvent> {
    private static final long serialVersionUID = 1L;

    public static final String DUPLICATES_METRIC = "duplicateEvents";
    static final int CLEANUP_ENTRIES_PER_ACCESS = 10;
    /** RocksDB's compaction filter refreshes its notion of "now" after this many entries. */
    private static final long COMPACTION_ENTRIES_PER_TIME_QUERY = 1000;

    private final Duration ttl;
    private transient ValueState<Boolean> seen;
    private transient Counter duplicates;

    public EventDeduplicator(Duration ttl) {
        this.ttl = ttl;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Boolean> descriptor = new ValueStateDescriptor<>("seen-event-id", Types.BOOLEAN);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .cleanupFullSnapshot()
                .cleanupIncrementally(CLEANUP_ENTRIES_PER_ACCESS, false)
                .cleanupInRocksdbCompactFilter(COMPACTION_ENTRIES_PER_TIME_QUERY)
                .build());
        seen = getRuntimeContext().getState(descriptor);
        duplicates = getRuntimeContext().getMetricGroup().addGroup(ParseFunction.METRIC_GROUP).counter(DUPLICATES_METRIC);
    }

    @Override
    public void processElement(CloudTrailEvent event, Context ctx, Collector<CloudTrailEvent> out) throws Exception {
        if (seen.value() != null) {
            duplicates.inc();
            return;
        }
        seen.update(Boolean.TRUE);
        out.collect(event);
    }

    long duplicatesCounted() {
        return duplicates.getCount();
    }
}
