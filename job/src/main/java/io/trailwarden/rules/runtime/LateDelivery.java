package io.trailwarden.rules.runtime;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleEvent;
import io.trailwarden.rules.model.Rule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Lets events that reach a sequence or threshold rule behind the watermark, up to
 * {@code allowedLateness}, still complete incidents, once each. It sits in front of the rule's CEP or
 * threshold operator, on the same key and chained to it, so both see the same watermark at every
 * event: what it forwards is in time there, and what it keeps back is exactly what they would have
 * discarded as late.
 *
 * <p>Every event of the key is also kept in a buffer for {@code allowedLateness + 2 x span} of event
 * time (span: the rule's window, with the absent step's). A late event is added to it, and the rule is
 * re-evaluated over the buffer in event-time order by {@link EventTimeEvaluator}, with the step
 * conditions of the CEP pattern: a match that holds a late event is emitted (on {@link #FINDINGS}) unless
 * it shares an event with a match the in-order path made from the in-time events alone, or with a
 * late match emitted before; then it is the same incident. The late match's events stay claimed for
 * {@code allowedLateness + span} after it completes. A late step may also be completed by an in-time
 * event still ahead of the watermark: while the key holds late events, such events get a timer at
 * their completion time and the evaluation runs again when the watermark passes them. Twice the span
 * is kept because a match the in-order path made that shares an event with a late one can start one
 * span before it.
 *
 * <p>Thresholds the same way: the windows counted with the late events that hold one are late findings,
 * unless they share an event with a window the in-time events reached on their own or with an earlier
 * late finding; the rule's suppression then treats them as any other threshold finding.
 *
 * <p>Bounded: the buffer of a key holds at most {@code maxEvents} events and {@code maxBytes} bytes of
 * raw records. What does not fit is counted in {@value #OVERFLOW_METRIC}: an in-time event that does
 * not fit still reaches CEP (only late joins with it are lost), a late one is treated as too late. An
 * event later than {@code allowedLateness} goes to the rule's late-events output, counted there as
 * ignored. A re-delivery of a buffered event (same id, time and name) is counted and dropped.
 */
public class LateDelivery extends KeyedProcessFunction<String, RuleEvent, RuleEvent> {
    private static final long serialVersionUID = 1L;
    public static final String LATE_FINDINGS_METRIC = "lateFindings";
    public static final String JOINED_METRIC = "lateEventsJoined";
    public static final String OVERFLOW_METRIC = "lateBufferOverflows";
    public static final String REDELIVERED_METRIC = "lateRedeliveries";
    /** Raw record bytes in this subtask's buffers of the rule now, and at most since the subtask started. */
    public static final String BUFFER_BYTES_METRIC = "lateBufferBytes";
    public static final String PEAK_BUFFER_BYTES_METRIC = "lateBufferPeakBytes";
    public static final int DEFAULT_MAX_EVENTS = 2_000;
    public static final long DEFAULT_MAX_BYTES = 8L << 20;
    /** Cleanup timers per retention period: a quiet key's buffer is gone at most an eighth of it late. */
    private static final int CLEANUP_BUCKETS = 8;

    private final CompiledRule rule;
    private final EventTimeEvaluator evaluator;
    private final OutputTag<RuleEvent> lateTag;
    private final OutputTag<Finding> findingsTag;
    private final long allowedLatenessMillis;
    private final long spanMillis;
    private final long retentionMillis;
    private final long cleanupBucketMillis;
    private final int maxEvents;
    private final long maxBytes;

    /**
     * The in-time events, each its own entry under its clean-up bucket and arrival number there, so that
     * a clean-up removes the buckets that expired without reading the rest of a busy key's buffer.
     */
    private transient MapState<Tuple2<Long, Integer>, RuleEvent> inTime;
    /**
     * Per clean-up bucket with in-time events, how many and their raw bytes: a handful of entries per
     * key, and all a clean-up reads (the events themselves are removed unread).
     */
    private transient MapState<Long, Tuple2<Integer, Long>> inTimeBuckets;
    private transient ListState<RuleEvent> late;
    /** The key's buffered events and their raw bytes, in time and late: what the bounds are checked against. */
    private transient ValueState<Tuple2<Long, Long>> buffered;
    /** Event time until which in-time events may complete a match with a late one. */
    private transient ValueState<Long> lateUntil;
    /** Identity of every event of a late match, to the event time it may be forgotten at. */
    private transient MapState<String, Long> claimed;
    private transient Counter lateFindings;
    private transient Counter joined;
    private transient Counter overflows;
    private transient Counter redeliveries;
    private transient Counter repeated;
    private transient long subtaskBytes;
    private transient long peakSubtaskBytes;

    public LateDelivery(CompiledRule rule, Duration allowedLateness, OutputTag<RuleEvent> lateTag,
            OutputTag<Finding> findingsTag) {
        this(rule, allowedLateness, lateTag, findingsTag, DEFAULT_MAX_EVENTS, DEFAULT_MAX_BYTES);
    }

    public LateDelivery(CompiledRule rule, Duration allowedLateness, OutputTag<RuleEvent> lateTag,
            OutputTag<Finding> findingsTag, int maxEvents, long maxBytes) {
        this.rule = rule;
        this.evaluator = new EventTimeEvaluator(rule);
        this.lateTag = lateTag;
        this.findingsTag = findingsTag;
        this.allowedLatenessMillis = allowedLateness.toMillis();
        this.spanMillis = rule.span().toMillis();
        this.retentionMillis = allowedLatenessMillis + 2 * spanMillis;
        this.cleanupBucketMillis = Math.max(1, retentionMillis / CLEANUP_BUCKETS);
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
    }

    /** The findings of late matches; the caller routes them as the rule's in-order findings. */
    public static OutputTag<Finding> findingsTag(CompiledRule rule) {
        return new OutputTag<>(rule.uid("late-findings"), TypeInformation.of(Finding.class));
    }

    @Override
    public void open(OpenContext openContext) {
        TypeInformation<RuleEvent> eventType = TypeInformation.of(RuleEvent.class);
        inTime = getRuntimeContext().getMapState(new MapStateDescriptor<>("in-time-events",
                Types.TUPLE(Types.LONG, Types.INT), eventType));
        inTimeBuckets = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("in-time-buckets", Types.LONG, Types.TUPLE(Types.INT, Types.LONG)));
        late = getRuntimeContext().getListState(new ListStateDescriptor<>("late", eventType));
        buffered = getRuntimeContext().getState(
                new ValueStateDescriptor<>("buffered-events-and-bytes", Types.TUPLE(Types.LONG, Types.LONG)));
        lateUntil = getRuntimeContext().getState(new ValueStateDescriptor<>("late-until", Types.LONG));
        claimed = getRuntimeContext().getMapState(new MapStateDescriptor<>("claimed-events", Types.STRING, Types.LONG));
        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("rule", rule.id);
        lateFindings = metrics.counter(LATE_FINDINGS_METRIC);
        joined = metrics.counter(JOINED_METRIC);
        overflows = metrics.counter(OVERFLOW_METRIC);
        redeliveries = metrics.counter(REDELIVERED_METRIC);
        repeated = metrics.counter(IncidentFindings.REPEATED_MATCHES_METRIC);
        metrics.gauge(BUFFER_BYTES_METRIC, (Gauge<Long>) () -> subtaskBytes);
        metrics.gauge(PEAK_BUFFER_BYTES_METRIC, (Gauge<Long>) () -> peakSubtaskBytes);
    }

    @Override
    public void processElement(RuleEvent event, Context context, Collector<RuleEvent> out) throws Exception {
        long time = event.event.eventTimeMillis;
        long watermark = context.timerService().currentWatermark();
        if (time > watermark) {
            out.collect(event);
            if (fits(event)) {
                long bucket = cleanupBucket(time);
                Tuple2<Integer, Long> held = inTimeBuckets.get(bucket);
                if (held == null) {
                    // Registered with the bucket's first event; the clean-up it fires removes the whole
                    // bucket, so the bucket's other events need not look the timer up again.
                    context.timerService().registerEventTimeTimer(bucket);
                }
                int arrival = held == null ? 0 : held.f0;
                inTime.put(Tuple2.of(bucket, arrival), event);
                inTimeBuckets.put(bucket, Tuple2.of(arrival + 1, (held == null ? 0 : held.f1) + recordBytes(event)));
            } else {
                overflows.inc();
            }
            Long until = lateUntil.value();
            if (until != null && time < until) {
                context.timerService().registerEventTimeTimer(completionTimer(time));
            }
            return;
        }
        if (time <= watermark - allowedLatenessMillis) {
            context.output(lateTag, event);
            return;
        }
        Buffer buffer = buffer();
        String identity = IncidentFindings.identity(event.event);
        for (RuleEvent held : buffer.events) {
            if (identity.equals(IncidentFindings.identity(held.event))) {
                redeliveries.inc();
                return;
            }
        }
        if (!fits(event)) {
            overflows.inc();
            context.output(lateTag, event);
            return;
        }
        late.add(event);
        joined.inc();
        scheduleCleanup(time, context);
        buffer.add(event, true);
        Long until = lateUntil.value();
        lateUntil.update(Math.max(until == null ? Long.MIN_VALUE : until, time + 2 * spanMillis));
        for (RuleEvent held : buffer.events) {
            long heldTime = held.event.eventTimeMillis;
            if (heldTime > watermark && heldTime < time + spanMillis) {
                context.timerService().registerEventTimeTimer(completionTimer(heldTime));
            }
        }
        if (rule.hasAbsentStep) {
            context.timerService().registerEventTimeTimer(time + spanMillis);
        }
        evaluate(buffer, time - 2 * spanMillis, time - spanMillis, Math.min(watermark, time + 2 * spanMillis), context);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext context, Collector<RuleEvent> out) throws Exception {
        Long until = lateUntil.value();
        if (until != null && timestamp <= completionTimer(until)) {
            evaluate(buffer(), timestamp - 3 * spanMillis, timestamp - 2 * spanMillis, timestamp, context);
        }
        if (timestamp % cleanupBucketMillis == 0) {
            cleanUp(context.timerService().currentWatermark(), context);
        }
    }

    /** The event time at which a match completed by an event of this time is emitted by the in-order path. */
    private long completionTimer(long time) {
        return rule.hasAbsentStep ? time + spanMillis : time;
    }

    /**
     * Evaluates the buffer's events of [{@code from}, {@code to}] and emits the late matches among them
     * that start at or after {@code emitFrom}: every in-order match that can share an event with those
     * lies within the range, so none is mistaken for a new incident.
     */
    private void evaluate(Buffer buffer, long from, long emitFrom, long to, Context context)
            throws Exception {
        List<RuleEvent> region = new ArrayList<>();
        List<RuleEvent> inTimeRegion = new ArrayList<>();
        for (RuleEvent held : buffer.events) {
            long time = held.event.eventTimeMillis;
            if (time >= from && time <= to) {
                region.add(held);
                if (!buffer.late.contains(held)) {
                    inTimeRegion.add(held);
                }
            }
        }
        region.sort(EventTimeEvaluator.EVENT_TIME_ORDER);
        inTimeRegion.sort(EventTimeEvaluator.EVENT_TIME_ORDER);
        boolean sequence = rule.kind == Rule.Kind.SEQUENCE;
        Set<String> inOrderClaims = new HashSet<>();
        for (EventTimeEvaluator.Match match : sequence ? evaluator.sequences(inTimeRegion, to)
                : evaluator.thresholds(inTimeRegion, to)) {
            for (RuleEvent event : match.events) {
                inOrderClaims.add(IncidentFindings.identity(event.event));
            }
        }
        List<EventTimeEvaluator.Match> candidates = new ArrayList<>();
        for (EventTimeEvaluator.Match match : sequence ? evaluator.sequences(region, to)
                : evaluator.thresholds(region, to)) {
            if (match.start() >= emitFrom && match.containsAny(buffer.late::contains)) {
                candidates.add(match);
            }
        }
        candidates.sort((a, b) -> Long.compare(a.completesAt, b.completesAt));
        for (EventTimeEvaluator.Match match : candidates) {
            List<String> identities = new ArrayList<>(match.events.length);
            boolean sameIncident = false;
            for (RuleEvent event : match.events) {
                String identity = IncidentFindings.identity(event.event);
                sameIncident |= inOrderClaims.contains(identity) || claimed.contains(identity);
                identities.add(identity);
            }
            if (sameIncident) {
                repeated.inc();
                continue;
            }
            long forgetAt = match.completesAt + allowedLatenessMillis + spanMillis;
            for (String identity : identities) {
                claimed.put(identity, forgetAt);
            }
            scheduleCleanup(forgetAt - retentionMillis, context);
            lateFindings.inc();
            context.output(findingsTag, finding(match));
        }
    }

    private Finding finding(EventTimeEvaluator.Match match) {
        if (rule.kind == Rule.Kind.THRESHOLD) {
            List<CloudTrailEvent> events = new ArrayList<>();
            for (RuleEvent event : match.events) {
                events.add(event.event);
            }
            return rule.finding(events, null);
        }
        Map<String, List<RuleEvent>> byStep = new HashMap<>();
        for (int step = 0; step < match.events.length; step++) {
            byStep.put(rule.stepNames[step], List.of(match.events[step]));
        }
        return SequenceFindings.finding(rule, byStep);
    }

    private boolean fits(RuleEvent event) throws Exception {
        Tuple2<Long, Long> held = buffered.value();
        long events = (held == null ? 0 : held.f0) + 1;
        long bytes = (held == null ? 0 : held.f1) + recordBytes(event);
        if (events > maxEvents || bytes > maxBytes) {
            return false;
        }
        buffered.update(Tuple2.of(events, bytes));
        subtaskBytes += recordBytes(event);
        peakSubtaskBytes = Math.max(peakSubtaskBytes, subtaskBytes);
        return true;
    }

    static long recordBytes(RuleEvent event) {
        return event.event.rawJsonUtf8 == null ? 0 : event.event.rawJsonUtf8.length;
    }

    /** Registers the clean-up timer of the bucket that expires the event. */
    private void scheduleCleanup(long eventTime, Context context) {
        context.timerService().registerEventTimeTimer(cleanupBucket(eventTime));
    }

    /** The time of the clean-up bucket that expires an event of this time. */
    private long cleanupBucket(long eventTime) {
        long expires = eventTime + retentionMillis;
        return Math.floorDiv(expires + cleanupBucketMillis - 1, cleanupBucketMillis) * cleanupBucketMillis;
    }

    /**
     * Forgets the events no late arrival within allowedLateness can join any more, and expired claims:
     * the in-time buckets the watermark has passed, their entries removed unread (the bucket holds their
     * count and bytes), and the late events (few) older than the retention.
     */
    private void cleanUp(long watermark, Context context) throws Exception {
        Tuple2<Long, Long> held = buffered.value();
        if (held == null) {
            held = Tuple2.of(0L, 0L);
        }
        long events = held.f0;
        long bytes = held.f1;
        List<Long> expired = new ArrayList<>();
        for (Map.Entry<Long, Tuple2<Integer, Long>> bucket : inTimeBuckets.entries()) {
            if (bucket.getKey() <= watermark) {
                expired.add(bucket.getKey());
                for (int arrival = 0; arrival < bucket.getValue().f0; arrival++) {
                    inTime.remove(Tuple2.of(bucket.getKey(), arrival));
                }
                events -= bucket.getValue().f0;
                bytes -= bucket.getValue().f1;
            }
        }
        for (Long bucket : expired) {
            inTimeBuckets.remove(bucket);
        }
        long oldestKept = watermark - retentionMillis;
        List<RuleEvent> lateKept = new ArrayList<>();
        boolean lateExpired = false;
        for (RuleEvent lateEvent : late.get()) {
            if (lateEvent.event.eventTimeMillis > oldestKept) {
                lateKept.add(lateEvent);
            } else {
                lateExpired = true;
                bytes -= recordBytes(lateEvent);
                events--;
            }
        }
        if (lateExpired) {
            late.update(lateKept);
        }
        subtaskBytes -= held.f1 - bytes;
        if (events == 0) {
            buffered.clear();
        } else {
            buffered.update(Tuple2.of(events, bytes));
        }
        IncidentFindings.forgetExpired(claimed, watermark);
        Long until = lateUntil.value();
        if (until != null && until <= watermark) {
            lateUntil.clear();
        }
    }

    /** The in-time events in arrival order within each bucket, buckets in time order, then the late ones. */
    private Buffer buffer() throws Exception {
        Buffer buffer = new Buffer();
        List<Map.Entry<Long, Tuple2<Integer, Long>>> buckets = new ArrayList<>();
        inTimeBuckets.entries().forEach(buckets::add);
        buckets.sort(Map.Entry.comparingByKey());
        for (Map.Entry<Long, Tuple2<Integer, Long>> bucket : buckets) {
            for (int arrival = 0; arrival < bucket.getValue().f0; arrival++) {
                buffer.add(inTime.get(Tuple2.of(bucket.getKey(), arrival)), false);
            }
        }
        for (RuleEvent held : late.get()) {
            buffer.add(held, true);
        }
        return buffer;
    }

    /** The key's buffered events, and which of them came late (CEP and the threshold never saw those). */
    private static final class Buffer {
        final List<RuleEvent> events = new ArrayList<>();
        final Set<RuleEvent> late = Collections.newSetFromMap(new IdentityHashMap<>());

        void add(RuleEvent event, boolean isLate) {
            events.add(event);
            if (isLate) {
                late.add(event);
            }
        }
    }
}
