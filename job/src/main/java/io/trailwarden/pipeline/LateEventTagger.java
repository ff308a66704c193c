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
 * the current watermark, the same test flink-cep uses to discard it, counts in {@value #LATE_METRIC}:
 * sequences and thresholds see it only through their late path, within {@code allowedLateness}.
 *
 * <p>Only a bounded sample of late events becomes a dead letter on {@link #LATE_EVENTS}: at most
 * {@value #SAMPLES_PER_MINUTE} per minute of processing time and subtask, each saying how many late
 * events were counted without a dead letter since the previous sample. A whole raw record per late
 * event halved replay throughput when a forged future date made nearly every event late; the metric
 * carries the count, the sample shows what they look like.
 *
 * <p>This operator sees its own input's watermark, which is never behind the one the keyed rule
 * operators see downstream (they take the minimum over all inputs). So an event not tagged here is
 * never late there; one tagged here may occasionally still be in time there.
 */
public class LateEventTagger extends ProcessFunction<CloudTrailEvent, CloudTrailEvent> {
    private static final long serialVersionUID = 1L;

    public static final String STAGE = "late";
    public static final String LATE_METRIC = "lateEvents";
    public static final int SAMPLES_PER_MINUTE = 10;
    private static final long MINUTE_MILLIS = 60_000;
    public static final OutputTag<DeadLetter> LATE_EVENTS =
            new OutputTag<>("late-events", TypeInformation.of(DeadLetter.class));

    private transient Counter lateEvents;
    /** The processing-time minute the current sample budget belongs to. */
    private transient long sampleMinute;
    private transient int sampledThisMinute;
    /** Late events counted without a dead letter since the last sample. */
    private transient long unsampled;

    @Override
    public void open(OpenContext openContext) {
        lateEvents = getRuntimeContext().getMetricGroup().addGroup(ParseFunction.METRIC_GROUP).counter(LATE_METRIC);
        sampleMinute = Long.MIN_VALUE;
    }

    @Override
    public void processElement(CloudTrailEvent event, Context ctx, Collector<CloudTrailEvent> out) {
        long watermark = ctx.timerService().currentWatermark();
        if (event.eventTimeMillis <= watermark) {
            lateEvents.inc();
            if (takeSample(ctx.timerService().currentProcessingTime())) {
                ctx.output(LATE_EVENTS, DeadLetter.of(STAGE, reason(event.eventTimeMillis, watermark, unsampled),
                        "eventID " + event.eventId, event.rawJson()));
                unsampled = 0;
            } else {
                unsampled++;
            }
        }
        out.collect(event);
    }

    private boolean takeSample(long processingTime) {
        long minute = Math.floorDiv(processingTime, MINUTE_MILLIS);
        if (minute != sampleMinute) {
            sampleMinute = minute;
            sampledThisMinute = 0;
        }
        if (sampledThisMinute == SAMPLES_PER_MINUTE) {
            return false;
        }
        sampledThisMinute++;
        return true;
    }

    static String reason(long eventTime, long watermark, long unsampledBefore) {
        return "event time " + Instant.ofEpochMilli(eventTime) + " is " + (watermark - eventTime)
                + " ms behind the watermark " + Instant.ofEpochMilli(watermark)
                + ": single-event rules saw it, sequences and thresholds only within allowedLateness"
                + (unsampledBefore == 0 ? "" : "; " + unsampledBefore
                        + " more late events since the previous sample were counted in " + LATE_METRIC + " only");
    }

    long lateEventsCounted() {
        return lateEvents.getCount();
    }
}
