package io.trailwarden.rules;

import io.trailwarden.detect.Finding;
import io.trailwarden.event.CloudTrailEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * A threshold rule per key: at least N matching events (or N distinct values of a field) within a
 * sliding window, in event time. A keyed function with timers rather than CEP, because a count needs
 * no partial matches: events wait in a buffer until the watermark passes their second (so
 * out-of-order delivery counts correctly), then enter the window.
 *
 * <p>State stays bounded: a burst that reaches the threshold becomes one finding and empties the
 * window, so the window never holds more than N-1 entries (for distinct counts, the latest event per
 * value); every event schedules its own eviction at its time plus the window, and a key whose window
 * empties keeps no state at all.
 */
public class ThresholdFunction extends KeyedProcessFunction<String, RuleEvent, Finding> {
    private static final long serialVersionUID = 1L;
    private final CompiledRule rule;
    private final OutputTag<RuleEvent> lateTag;
    private final long windowMillis;
    private transient MapState<Long, List<RuleEvent>> pending;
    private transient ValueState<List<RuleEvent>> window;
    private transient Counter findings;

    public ThresholdFunction(CompiledRule rule, OutputTag<RuleEvent> lateTag) {
        this.rule = rule;
        this.lateTag = lateTag;
        this.windowMillis = rule.within.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        TypeInformation<List<RuleEvent>> listType = new ListTypeInfo<>(RuleEvent.class);
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending", Types.LONG, listType));
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
        List<RuleEvent> due = pending.get(time);
        if (due == null) {
            due = new ArrayList<>();
        }
        due.add(event);
        pending.put(time, due);
        context.timerService().registerEventTimeTimer(time);
        context.timerService().registerEventTimeTimer(time + windowMillis);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext context, Collector<Finding> out) throws Exception {
        List<RuleEvent> current = window.value();
        if (current == null) {
            current = new ArrayList<>();
        }
        long oldestKept = timestamp - windowMillis;
        current.removeIf(entry -> entry.event.eventTimeMillis <= oldestKept);
        List<RuleEvent> due = pending.get(timestamp);
        if (due != null) {
            pending.remove(timestamp);
            due.sort(Comparator.comparing(entry -> Objects.toString(entry.event.eventId, "")));
            for (RuleEvent event : due) {
                if (add(current, event) && current.size() >= rule.atLeast) {
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
        if (current.isEmpty()) {
            window.clear();
        } else {
            window.update(current);
        }
    }

    /** False when the event does not count (a distinct count over a field the event lacks). */
    private boolean add(List<RuleEvent> current, RuleEvent event) {
        if (rule.distinctField == null) {
            current.add(event);
            return true;
        }
        String value = rule.distinctField.first(event.event);
        if (value == null) {
            return false;
        }
        for (Iterator<RuleEvent> it = current.iterator(); it.hasNext(); ) {
            if (value.equals(rule.distinctField.first(it.next().event))) {
                it.remove();
            }
        }
        current.add(event);
        return true;
    }
}
