package io.trailwarden.rules.runtime;

import io.trailwarden.rules.compile.RuleEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Hands a sequence's events to its CEP operator once the watermark has passed them, each event time's
 * events at that time's timer, chained in front of CEP on the same key.
 *
 * <p>Flink's CEP operator keeps a key's events by time until the watermark passes them, with a timer
 * per time, and at every one of those timers reads and sorts all the times the key holds. A busy key
 * holds the events of a whole watermark step (for a replay, hours of event time between two
 * watermarks), so its cost grew with the square of its events per step: the largest single cost of
 * the catalogue. Released here, an event reaches CEP just before the watermark that passes it, so CEP
 * holds only what that watermark makes due, and its first timer takes all of it. CEP sees the same
 * events with the same timestamps and watermarks, and decides late and in time as before: what is
 * already behind the watermark here is passed on at once, and CEP counts it late.
 */
public class EventTimeRelease extends KeyedProcessFunction<String, RuleEvent, RuleEvent> {
    private static final long serialVersionUID = 1L;

    /** The events of each event time the watermark has not passed yet. */
    private transient MapState<Long, List<RuleEvent>> waiting;

    @Override
    public void open(OpenContext openContext) {
        waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting-events", Types.LONG,
                new ListTypeInfo<>(TypeInformation.of(RuleEvent.class))));
    }

    @Override
    public void processElement(RuleEvent event, Context context, Collector<RuleEvent> out) throws Exception {
        long time = context.timestamp();
        if (time <= context.timerService().currentWatermark()) {
            out.collect(event);
            return;
        }
        List<RuleEvent> atTime = waiting.get(time);
        if (atTime == null) {
            atTime = new ArrayList<>(1);
            context.timerService().registerEventTimeTimer(time);
        }
        atTime.add(event);
        waiting.put(time, atTime);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext context, Collector<RuleEvent> out) throws Exception {
        List<RuleEvent> atTime = waiting.get(timestamp);
        waiting.remove(timestamp);
        for (RuleEvent event : atTime) {
            out.collect(event);
        }
    }
}
