package io.trailwarden.detect;

import io.trailwarden.config.DetectionConfig;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.DeadLetter;
import io.trailwarden.event.ParseFunction;
import io.trailwarden.event.RawInput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The job's data flow, from raw input units to findings and dead letters. The caller owns both ends:
 * production passes the Kinesis source and attaches the responders, the local run a bundled sample and
 * a printer, tests bounded inputs and collecting sinks.
 *
 * <pre>
 * raw input -> parse -> dedup (keyBy eventID) -> event time + watermarks -> late-event accounting
 *           -> detection -> findings
 * dead letters of parse and of late events -> one dead-letter stream
 * </pre>
 *
 * <p>Dedup sits before the watermarks because it does not use event time at all (its memory is
 * processing-time TTL), and because a duplicate dropped early is never counted as a late event or
 * seen by a rule. A duplicate carries the same timestamp as its first copy, so removing it cannot move
 * a watermark either. The watermark generator then runs once per dedup subtask, each seeing a hash
 * share of every source's events; idleness keeps a subtask that receives nothing for a while from
 * holding event time back for all.
 */
public final class TrailWardenTopology {
    public static final String PARSE_UID = "parse";
    public static final String DEDUP_UID = "dedup-event-id";
    public static final String EVENT_TIME_UID = "event-time";
    public static final String LATE_EVENTS_UID = "late-events";

    private TrailWardenTopology() {}

    /** The two streams the caller connects to its sinks. */
    public static final class Outputs {
        public final DataStream<Finding> findings;
        public final DataStream<DeadLetter> deadLetters;

        Outputs(DataStream<Finding> findings, DataStream<DeadLetter> deadLetters) {
            this.findings = findings;
            this.deadLetters = deadLetters;
        }
    }

    public static Outputs build(DataStream<RawInput> input, DetectionConfig config, DetectionStage detection) {
        SingleOutputStreamOperator<CloudTrailEvent> parsed = input
                .process(new ParseFunction())
                .uid(PARSE_UID)
                .name("Parse CloudTrail records");

        SingleOutputStreamOperator<CloudTrailEvent> unique = parsed
                .keyBy(new DedupKey())
                .process(new EventDeduplicator(config.dedupTtl))
                .uid(DEDUP_UID)
                .name("Drop duplicate deliveries (by eventID)");

        SingleOutputStreamOperator<CloudTrailEvent> timed = unique
                .assignTimestampsAndWatermarks(WatermarkStrategy
                        .<CloudTrailEvent>forBoundedOutOfOrderness(config.outOfOrderness)
                        .withTimestampAssigner((event, previous) -> event.eventTimeMillis)
                        .withIdleness(config.idleness))
                .uid(EVENT_TIME_UID)
                .name("Event time from eventTime, bounded out-of-orderness");

        SingleOutputStreamOperator<CloudTrailEvent> accounted = timed
                .process(new LateEventTagger())
                .uid(LATE_EVENTS_UID)
                .name("Account for late events");

        DataStream<Finding> findings = detection.apply(accounted);
        DataStream<DeadLetter> deadLetters = parsed.getSideOutput(ParseFunction.DEAD_LETTERS)
                .union(accounted.getSideOutput(LateEventTagger.LATE_EVENTS));
        return new Outputs(findings, deadLetters);
    }
}
