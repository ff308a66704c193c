package io.trailwarden.rules.runtime;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.ListIterator;
import java.util.Objects;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * A threshold rule per key: at least N matching events (or N distinct values of a field) within a
 * sliding window, in event time. A keyed function with timers rather than CEP, because a count needs
 * no partial matches: events wait in a buffer until the watermark passes their second (so
 * out-of-order delivery counts correctly), then enter the window second by second, in time order.
 *
 * <p>A key has one flush timer at a time, at its earliest pending second ({@code nextFlush} is always
 * that second, or empty when nothing is pending). When it fires, every pending second the watermark has
 * passed enters the window at once, and the timer moves to the earliest second still pending; the
 * pending seconds are not looked at when any other timer fires. A timer per pending second would give the same counts,
 * but the timer queue was the largest cost of a rule that sees most events (the retired discovery-burst): a replay holds
 * every event back until its input ends, and the queue then held a timer per principal and second of the
 * whole input.
 *
 * <p>State stays bounded: a burst that reaches the threshold becomes one finding and empties the
 * window, so the window never holds more than N-1 entries (for distinct counts, the latest event per
 * value), and a key whose window empties keeps no state at all. After a flush that leaves the window
 * non-empty, one eviction timer frees a quiet key's window once its newest entry has left it, rounded
 * up to a {@value #EVICTION_BUCKETS}th of the window so that the flushes within that span share one
 * timer: a quiet key's state is gone at most that much after its last event left the window.
 */
public class ThresholdFunction extends KeyedProcessFunction<String, RuleEvent, Finding> {
    private static final long serialVersionUID = 1L;
    private static final Comparator<RuleEvent> BY_EVENT_ID =
            Comparator.comparing(entry -> Objects.toString(entry.event.eventId, ""));
    private final CompiledRule rule;
    private final OutputTag<RuleEvent> lateTag;
    static final int EVICTION_BUCKETS = 4;
    private final long windowMillis;
    private final long evictionBucketMillis;
    /** Per event time with events waiting for the watermark, how many: about one entry per second of out-of-orderness. */
    private transient MapState<Long, Integer> pendingCounts;
    /** The waiting events, one entry each, by event time and arrival number at that time. */
    private transient MapState<Tuple2<Long, Integer>, RuleEvent> pendingEvents;
    private transient ValueState<Long> nextFlush;
    private transient ValueState<List<RuleEvent>> window;
    private transient Counter findings;

    public ThresholdFunction(CompiledRule rule, OutputTag<RuleEvent> lateTag) {
        this.rule = rule;
        this.lateTag = lateTag;
        this.windowMillis = rule.within.toMillis();
        this.evictionBucketMillis = Math.max(1, windowMillis / EVICTION_BUCKETS);
    }

    @Override
    public void open(OpenContext openContext) {
        TypeInformation<List<RuleEvent>> listType = new ListTypeInfo<>(RuleEvent.class);
        pendingCounts = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-counts", Types.LONG, Types.INT));
        pendingEvents = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-events",
                Types.TUPLE(Types.LONG, Types.INT), TypeInformation.of(RuleEvent.class)));
        nextFlush = getRuntimeContext().getState(new ValueStateDescriptor<>("next-flush", Types.LONG));
        window = getRuntimeContext().getState(new ValueStateDescriptor<>("window", listType));
        findings = getRuntimeContext().getMetricGroup().addGroup("rule", rule.id).counter("findings");
    }

    @Override
    public void processElement(RuleEvent event, Context context, Collector<Finding> out) throws Exception {
        long time = event.event.eventTimeMillis;
        if (time <= context.timerService().currentWatermark()) {
            context.output(lateTag, event);
            return;
        }
        // One entry per event and a small count per time: neither a list of the second's events nor
        // anything else grows with the traffic of a key is read and rewritten per event, which with
        // RocksDB made a busy key's cost quadratic in its events per second.
        Integer waiting = pendingCounts.get(time);
        int arrival = waiting == null ? 0 : waiting;
        pendingEvents.put(Tuple2.of(time, arrival), event);
        pendingCounts.put(time, arrival + 1);
        Long flush = nextFlush.value();
        if (flush == null || time < flush) {
            context.timerService().registerEventTimeTimer(time);
            nextFlush.update(time);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext context, Collector<Finding> out) throws Exception {
        long watermark = context.timerService().currentWatermark();
        Long flush = nextFlush.value();
        boolean flushing = flush != null && flush <= watermark;
        List<RuleEvent> current = window.value();
        if (current == null) {
            current = new ArrayList<>();
        }
        if (flushing) {
            flush(watermark, current, context, out);
        }
        long oldestKept = watermark - windowMillis;
        current.removeIf(entry -> entry.event.eventTimeMillis <= oldestKept);
        if (current.isEmpty()) {
            window.clear();
        } else {
            window.update(current);
            if (flushing) {
                long leavesWindow = newest(current) + windowMillis;
                context.timerService().registerEventTimeTimer(
                        (leavesWindow + evictionBucketMillis - 1) / evictionBucketMillis * evictionBucketMillis);
            }
        }
    }

    /**
     * Every pending second the watermark has passed enters the window, in time order; the flush timer
     * moves to the earliest second still pending. Reads the counts of the pending seconds and the events
     * of due seconds only, each by its own key, so the events still waiting are not read at all.
     */
    private void flush(long watermark, List<RuleEvent> current, Context context, Collector<Finding> out)
            throws Exception {
        List<Long> dueSeconds = new ArrayList<>();
        long earliestLeft = Long.MAX_VALUE;
        for (Long second : pendingCounts.keys()) {
            if (second <= watermark) {
                dueSeconds.add(second);
            } else {
                earliestLeft = Math.min(earliestLeft, second);
            }
        }
        dueSeconds.sort(null);
        for (Long second : dueSeconds) {
            int waiting = pendingCounts.get(second);
            List<RuleEvent> due = new ArrayList<>(waiting);
            for (int arrival = 0; arrival < waiting; arrival++) {
                Tuple2<Long, Integer> entry = Tuple2.of(second, arrival);
                due.add(pendingEvents.get(entry));
                pendingEvents.remove(entry);
            }
            pendingCounts.remove(second);
            enter(second, due, current, out);
        }
        if (earliestLeft == Long.MAX_VALUE) {
            nextFlush.clear();
        } else {
            context.timerService().registerEventTimeTimer(earliestLeft);
            nextFlush.update(earliestLeft);
        }
    }

    /** The events of one second enter the window, after what left it by then; ties in id order. */
    private void enter(long second, List<RuleEvent> due, List<RuleEvent> current, Collector<Finding> out) {
        long oldestKept = second - windowMillis;
        current.removeIf(entry -> entry.event.eventTimeMillis <= oldestKept);
        due.sort(BY_EVENT_ID);
        for (RuleEvent event : due) {
            if (add(rule, current, event) && count(rule, current) >= rule.atLeast) {
                List<CloudTrailEvent> events = new ArrayList<>();
                for (RuleEvent entry : current) {
                    events.add(entry.event);
                }
                findings.inc();
                out.collect(rule.finding(events, null));
                current.clear();
            }
        }
    }

    private static long newest(List<RuleEvent> current) {
        long newest = Long.MIN_VALUE;
        for (RuleEvent entry : current) {
            newest = Math.max(newest, entry.event.eventTimeMillis);
        }
        return newest;
    }

    /**
     * Adds the event to the window; false when it does not count (a distinct count over fields the event
     * lacks). For distinct counts, an older entry all of whose values newer entries also hold is dropped:
     * every entry kept names a value no newer one does, so the window holds fewer entries than the
     * distinct count, and each value is kept with its latest event (the one that stays longest).
     */
    static boolean add(CompiledRule rule, List<RuleEvent> current, RuleEvent event) {
        if (!rule.countsDistinct()) {
            current.add(event);
            return true;
        }
        if (event.distinct == null || event.distinct.length == 0) {
            return false;
        }
        current.add(event);
        Set<String> newer = new HashSet<>();
        for (ListIterator<RuleEvent> it = current.listIterator(current.size()); it.hasPrevious(); ) {
            RuleEvent entry = it.previous();
            boolean contributes = false;
            for (String value : entry.distinct) {
                contributes |= newer.add(value);
            }
            if (!contributes) {
                it.remove();
            }
        }
        return true;
    }

    /** What the window counts: its events, or the distinct values they hold. */
    static int count(CompiledRule rule, List<RuleEvent> current) {
        if (!rule.countsDistinct()) {
            return current.size();
        }
        Set<String> values = new HashSet<>();
        for (RuleEvent entry : current) {
            values.addAll(Arrays.asList(entry.distinct));
        }
        return values.size();
    }
}
