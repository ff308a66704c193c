package io.trailwarden.cli;

import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Reads the job's own counters (events parsed, duplicates, late events, dead letters) for replay's
 * progress line and summary, summed over subtasks. A metric reporter, because the counters live in
 * the operators: replay reports exactly what the job counted. The embedded mini-cluster runs in this
 * process, so the reporter and the command share this class's static state; one replay at a time.
 * A counter's last value is kept when its task finishes and Flink unregisters it.
 */
public final class ReplayCounters implements MetricReporter {
    static final String REPORTER = "trailwarden-replay";

    private static final Map<Counter, String> LIVE = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> FINISHED = new ConcurrentHashMap<>();

    /** Found by Flink through META-INF/services; configured only by replay. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new ReplayCounters();
        }
    }

    static void reset() {
        LIVE.clear();
        FINISHED.clear();
    }

    /** The sum over all subtasks of the counters with this name outside rule groups. */
    static long total(String name) {
        long sum = FINISHED.getOrDefault(name, new AtomicLong()).get();
        for (Map.Entry<Counter, String> live : LIVE.entrySet()) {
            if (live.getValue().equals(name)) {
                sum += live.getKey().getCount();
            }
        }
        return sum;
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (metric instanceof Counter && !Arrays.asList(group.getScopeComponents()).contains("rule")) {
            LIVE.put((Counter) metric, name);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        String tracked = metric instanceof Counter ? LIVE.remove(metric) : null;
        if (tracked != null) {
            FINISHED.computeIfAbsent(tracked, unused -> new AtomicLong()).addAndGet(((Counter) metric).getCount());
        }
    }
}
