package io.trailwarden.pipeline;

import io.trailwarden.config.DetectionConfig;
import io.trailwarden.event.AdmissionPolicy;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.DeadLetter;
import io.trailwarden.event.ParseFunction;
import io.trailwarden.event.PrincipalKey;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.runtime.DetectionStage;
import io.trailwarden.source.RawInput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The job's data flow, from raw input units to findings and dead letters. The caller owns both ends:
 * production passes the Kinesis source and attaches the responders, the local run a bundled sample and
 * a printer, tests bounded inputs and collecting sinks.
 *
 * <pre>
 * raw input -> parse -> event time + watermarks -> dedup (keyBy principal) -> late-event accounting
 *           -> detection -> findings
 * dead letters of parse and of late events -> one dead-letter stream
 * </pre>
 *
 * <p>The keyBy in front of dedup is the only shuffle most events take. Dedup is keyed by
 * {@link PrincipalKey}, and everything from dedup to the detection stage is connected by forward edges
 * at one parallelism (the operators chain into one task), so the stream the detection stage receives
 * is still partitioned by principal: the rules keyed {@code by: actor} reinterpret it as keyed instead
 * of shuffling it again. This invariant is why nothing may be inserted between dedup and detection that
 * repartitions or changes parallelism; breaking it fails the job (a subtask is handed a key outside its
 * key-group range), it does not go wrong silently.
 *
 * <p>Watermarks are generated before the shuffle, once per parse subtask (per source reader), so the
 * dedup subtasks and everything chained to them see the minimum over all readers: event time as a
 * whole, not as far as one principal partition got. Generated after the principal keyBy, a partition's
 * event time would advance only with its own principals' traffic, and a sequence would wait for more
 * events of unrelated principals that hash to the same subtask. Idleness keeps a reader that receives
 * nothing for a while from holding event time back for all. Dedup still comes before late-event
 * accounting, so a duplicate is never counted late; it carries its first copy's timestamp, so it
 * cannot move a watermark either.
 *
 * <p>The topology also sets, on the job, the RocksDB write buffer size that its number of keyed
 * operators needs ({@link KeyedStateTuning}): whoever runs it with RocksDB gets it, MSF included.
 */
public final class TrailWardenTopology {
    public static final String PARSE_UID = "parse";
    /** Not the former "dedup-event-id": that state was keyed by eventID and cannot be restored into this. */
    public static final String DEDUP_UID = "dedup-by-principal";
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

    /** For files and archives: every input shape is admitted ({@link AdmissionPolicy#archives}). */
    public static Outputs build(DataStream<RawInput> input, DetectionConfig config, DetectionStage detection) {
        return build(input, config, AdmissionPolicy.archives(config), detection);
    }

    public static Outputs build(
            DataStream<RawInput> input, DetectionConfig config, AdmissionPolicy admission, DetectionStage detection) {
        KeyedStateTuning.applyTo(input.getExecutionEnvironment());
        SingleOutputStreamOperator<CloudTrailEvent> parsed = input
                .process(new ParseFunction(new CloudTrailParser(admission)))
                .uid(PARSE_UID)
                .name("Parse CloudTrail records");

        SingleOutputStreamOperator<CloudTrailEvent> timed = parsed
                .assignTimestampsAndWatermarks(WatermarkStrategy
                        .<CloudTrailEvent>forBoundedOutOfOrderness(config.outOfOrderness)
                        .withTimestampAssigner((event, previous) -> event.eventTimeMillis)
                        .withIdleness(config.idleness))
                .uid(EVENT_TIME_UID)
                .name("Event time from eventTime, bounded out-of-orderness");

        SingleOutputStreamOperator<CloudTrailEvent> unique = timed
                .keyBy(new PrincipalKey())
                .process(new EventDeduplicator(config.dedupTtl))
                .uid(DEDUP_UID)
                .name("Drop duplicate deliveries (by principal, eventID)");

        SingleOutputStreamOperator<CloudTrailEvent> accounted = unique
                .process(new LateEventTagger())
                .uid(LATE_EVENTS_UID)
                .name("Account for late events");

        DataStream<Finding> findings = detection.apply(accounted);
        DataStream<DeadLetter> deadLetters = parsed.getSideOutput(ParseFunction.DEAD_LETTERS)
                .union(accounted.getSideOutput(LateEventTagger.LATE_EVENTS));
        return new Outputs(findings, deadLetters);
    }
}
