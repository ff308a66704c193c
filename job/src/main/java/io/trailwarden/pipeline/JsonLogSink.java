package io.trailwarden.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.trailwarden.event.EventJson;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each record as one JSON log line, for the production outputs nobody reads in real time (the
 * response audit, dead letters): on MSF the application log goes to CloudWatch Logs, where they can be
 * queried. JSON encoding escapes newlines and control characters, so attacker-controlled strings in a
 * record (user names, user agents, raw input) cannot forge extra log lines.
 */
public final class JsonLogSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(JsonLogSink.class);

    private final String kind;

    /** {@code kind} names the record type in every line ({@code audit}, {@code dead-letter}) and the metric. */
    public JsonLogSink(String kind) {
        this.kind = kind;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new LogWriter<>(kind, context.metricGroup());
    }

    /** Flink 1.20 still declares this older overload abstract; its runtime calls the one above. */
    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<T> createWriter(InitContext context) {
        return new LogWriter<>(kind, context.metricGroup());
    }

    private static final class LogWriter<T> implements SinkWriter<T> {
        private final String kind;
        private final Counter written;

        LogWriter(String kind, SinkWriterMetricGroup metrics) {
            this.kind = kind;
            this.written = metrics.addGroup("trailwarden").counter(kind + "-records");
        }

        @Override
        public void write(T element, Context context) throws JsonProcessingException {
            LOG.info("{} {}", kind, EventJson.MAPPER.writeValueAsString(element));
            written.inc();
        }

        @Override
        public void flush(boolean endOfInput) {
            // Every record is logged as it is written; there is nothing buffered to flush.
        }

        @Override
        public void close() {
            // The logger is shared and outlives the writer.
        }
    }
}
