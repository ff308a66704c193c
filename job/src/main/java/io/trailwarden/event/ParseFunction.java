package io.trailwarden.event;

import io.trailwarden.source.RawInput;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** The parse stage: raw units in, CloudTrail events out, dead letters to {@link #DEAD_LETTERS}. */
public class ParseFunction extends ProcessFunction<RawInput, CloudTrailEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<DeadLetter>("parse-dead-letters") {
        private static final long serialVersionUID = 1L;
    };
    public static final String METRIC_GROUP = "trailwarden";
    public static final String EVENTS_PARSED = "eventsParsed";
    public static final String DEAD_LETTER_COUNT = "deadLetters";
    /** Of the dead letters, those refused as not genuine CloudTrail ({@link AdmissionPolicy}). */
    public static final String UNTRUSTED_COUNT = "untrustedRecords";
    /** Of the dead letters, those dated too far ahead of processing time. */
    public static final String FUTURE_DATED_COUNT = "futureDatedRecords";

    private final CloudTrailParser parser;
    private transient Counter eventsParsed;
    private transient Counter deadLetters;
    private transient Counter untrusted;
    private transient Counter futureDated;

    public ParseFunction() {
        this(new CloudTrailParser());
    }

    public ParseFunction(CloudTrailParser parser) {
        this.parser = parser;
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup(METRIC_GROUP);
        eventsParsed = group.counter(EVENTS_PARSED);
        deadLetters = group.counter(DEAD_LETTER_COUNT);
        untrusted = group.counter(UNTRUSTED_COUNT);
        futureDated = group.counter(FUTURE_DATED_COUNT);
    }

    @Override
    public void processElement(RawInput input, Context context, Collector<CloudTrailEvent> out) {
        parser.parse(input, new CloudTrailParser.ParseOutput() {
            @Override
            public void event(CloudTrailEvent event) {
                eventsParsed.inc();
                out.collect(event);
            }

            @Override
            public void deadLetter(DeadLetter deadLetter) {
                deadLetters.inc();
                if (CloudTrailParser.PROVENANCE_STAGE.equals(deadLetter.stage)) {
                    untrusted.inc();
                } else if (CloudTrailParser.FUTURE_DATED_STAGE.equals(deadLetter.stage)) {
                    futureDated.inc();
                }
                context.output(DEAD_LETTERS, deadLetter);
            }
        });
    }
}
