package io.trailwarden;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.trailwarden.event.EventJson;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each record as one JSON log line, for the production outputs nobody reads in real time (the
 * response audit, dead letters): on MSF the application log goes to CloudWatch Logs, where they can be
 * queried. JSON encoding escapes newlines and control characters, so attacker-controlled strings in a
 * record (user names, user agents, raw input) cannot forge extra log lines.
 */
public final class JsonLogSink<T> extends RichSinkFunction<T> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(JsonLogSink.class);

    private final String kind;
    private transient Counter written;

    /** {@code kind} names the record type in every line ({@code audit}, {@code dead-letter}) and the metric. */
    public JsonLogSink(String kind) {
        this.kind = kind;
    }

    @Override
    public void open(org.apache.flink.configuration.Configuration parameters) {
        written = getRuntimeContext().getMetricGroup().addGroup("trailwarden").counter(kind + "-records");
    }

    @Override
    public void invoke(T value, Context context) throws JsonProcessingException {
        LOG.info("{} {}", kind, EventJson.MAPPER.writeValueAsString(value));
        written.inc();
    }
}
