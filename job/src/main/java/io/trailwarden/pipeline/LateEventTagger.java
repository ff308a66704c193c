package io.trailwarden.pipeline;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.DeadLetter;
import io.trailwarden.event.ParseFunction;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Accounts for late events without dropping them. Every event is forwarded, because single-event
 * rules must still fire on a late one (it is a real call, just delivered late). An event at or behind
 * the current watermark, the same test flink-cep uses to discard it, also becomes a dead letter on
 * {@link #LATE_EVENTS} and counts in {@value #LATE_METRIC}: sequences and thresholds will not see it.
 *
 * <p>This operator sees its own input's watermark, which is never behind the one the keyed rule
 * operators see downstream (they take the minimum over all inputs). So an event not tagged here is
 * never late there; one tagged here may occasionally still be in time there.
 */
public class LateEventTagger extends ProcessFunction<CloudTrailEvent, CloudTrailEvent> {
    private static final long serialVersionUID = 1L;

    public static final String STAGE = "late";
    public static final String LATE_METRIC = "lateEvents";
    public static final OutputTag<DeadLetter> LATE_EVENTS =
            new OutputTag<>("late-events", TypeInformation.of(DeadLetter.class));

    private transient Counter lateEvents;

    @Override
    public void open(OpenContext openContext) {
        lateEvents = getRuntimeContext().getMetricGroup().addGroup(ParseFunction.METRIC_GROUP).counter(LATE_METRIC);
    }

    @Override
    public void processElement(CloudTrailEvent event, Context ctx, Collector<CloudTrailEvent> out) {
        long watermark = ctx.timerService().currentWatermark();
        if (event.eventTimeMillis <= watermark) {
            lateEvents.inc();
            ctx.output(LATE_EVENTS, DeadLetter.of(STAGE, reason(event.eventTimeMillis, watermark),
                    "eventID " + event.eventId, event.rawJson()));
        }
        out.collect(event);
    }

    static String reason(long eventTime, long watermark) {
        return "event time " + Instant.ofEpochMilli(eventTime) + " is " + (watermark - eventTime)
                + " ms behind the watermark " + Instant.ofEpochMilli(watermark)
                + ": single-event rules saw it, sequences and thresholds ignore it";
    }

    long lateEventsCounted() {
        return lateEvents.getCount();
    }
}
