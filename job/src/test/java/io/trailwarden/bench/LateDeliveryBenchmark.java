package io.trailwarden.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.config.DetectionConfig;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.Corpus;
import io.trailwarden.event.EventJson;
import io.trailwarden.event.PrincipalKey;
import io.trailwarden.finding.Finding;
import io.trailwarden.pipeline.TrailWardenTopology;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.runtime.CompiledRules;
import io.trailwarden.rules.runtime.LateDelivery;
import io.trailwarden.rules.runtime.RuleCatalogue;
import io.trailwarden.source.RawInput;
import io.trailwarden.testing.BenignWorkload;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.streaming.api.functions.source.SourceFunction;

/**
 * Late delivery: the 312 corpus records (their detonations one after another, gaps between them
 * shortened to an hour) mixed into benign traffic ({@link BenignWorkload}), every record delivered
 * after a simulated delay: 90% within 5 s, 9% a heavy tail of minutes (Pareto, 1 to 30 min), 1% hours
 * later (1 to 6 h, as EventBridge retries). Records are put into the packaged catalogue's whole topology
 * in arrival order at a fixed rate, on a mini-cluster at parallelism 2, three runs over the same input:
 *
 * <ol>
 *   <li>no delays, late path on: the incidents to find (sequence and threshold findings of corpus records);
 *   <li>delayed, late path off ({@code allowedLateness} 0): what today's job finds;
 *   <li>delayed, late path on ({@code allowedLateness} 24 h).
 * </ol>
 *
 * <p>Reported per run: sequence and threshold recall (incidents, by rule, acting principal and target,
 * found among those of run 1), findings of corpus incidents (more than run 1 would be duplicates); the
 * alert latency of in-order incidents (none of whose events arrived behind the watermark), from the
 * moment the record that lets the watermark pass the incident's last event was put in, to the finding
 * reaching the sink; the same for incidents completed late, from the put of the late record; and the
 * late path's buffer, in raw record bytes (the {@value LateDelivery#PEAK_BUFFER_BYTES_METRIC} gauges,
 * summed over rules and subtasks).
 *
 * <pre>
 * scripts/benchmark LateDeliveryBenchmark [BENIGN_EVENTS (default 60000)] [EVENTS_PER_SECOND (default 3000)] [SEED (default 7)]
 * </pre>
 */
public final class LateDeliveryBenchmark {
    private static final Duration OUT_OF_ORDERNESS = DetectionConfig.defaults().outOfOrderness;
    private static final Duration MAX_CORPUS_GAP = Duration.ofHours(1);
    private static final Queue FOUND = new Queue();
    private static final Map<String, Gauge<?>> PEAK_GAUGES = new ConcurrentHashMap<>();
    /** When each record of the current run was put in, by arrival index. */
    private static volatile long[] putNanos;

    private LateDeliveryBenchmark() {}

    /** A record, its event time, when it arrives, and whether it is behind the watermark then. */
    private static final class Delivery {
        final String id;
        final String text;
        final long eventTime;
        final long arrival;
        final boolean corpus;
        boolean late;

        Delivery(String id, String text, long eventTime, long arrival, boolean corpus) {
            this.id = id;
            this.text = text;
            this.eventTime = eventTime;
            this.arrival = arrival;
            this.corpus = corpus;
        }
    }

    public static void main(String[] args) throws Exception {
        int benign = args.length > 0 ? Integer.parseInt(args[0]) : 60_000;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 3_000;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 7;
        List<Rule> rules = RuleCatalogue.load(TrailWardenConfig.defaults());
        Map<String, Rule.Kind> kinds = new HashMap<>();
        rules.forEach(rule -> kinds.put(rule.id, rule.kind));
        CompiledRules catalogue = CompiledRules.compile(rules, TrailWardenConfig.defaults().lists.lists);

        List<Delivery> inOrder = input(benign, seed, false);
        List<Delivery> delayed = input(benign, seed, true);
        long lateCount = delayed.stream().filter(d -> d.late).count();
        System.out.printf(Locale.ROOT, "input: %,d records (%d corpus), %,d behind the watermark on arrival when delayed;"
                + " %d rules; %,d records/s; parallelism 2%n", delayed.size(), Corpus.RECORD_COUNT, lateCount,
                rules.size(), rate);

        Run expected = run("no delay, late path on", inOrder, catalogue, rate, kinds);
        Run off = run("delayed, late path off", delayed, catalogue.withAllowedLateness(Duration.ZERO), rate, kinds);
        Run on = run("delayed, late path on", delayed, catalogue, rate, kinds);
        for (Run run : List.of(expected, off, on)) {
            run.print(expected);
        }
    }

    /** Benign records and the corpus, each with an arrival time; sorted by arrival. */
    private static List<Delivery> input(int benign, long seed, boolean delays) {
        CloudTrailParser parser = new CloudTrailParser();
        Instant start = Instant.now().minus(Duration.ofDays(40));
        List<Delivery> records = new ArrayList<>();
        Random random = new Random(seed);
        for (String text : BenignWorkload.generate(benign, seed, start)) {
            CloudTrailEvent event = parser.parseAll(RawInput.of("benign", text)).events.get(0);
            records.add(new Delivery(event.eventId, text, event.eventTimeMillis,
                    event.eventTimeMillis + (delays ? delayMillis(random) : 0), false));
        }
        // Times as the parser reads them: the corpus writes eventTime in more than one format.
        List<ObjectNode> corpus = new ArrayList<>();
        Map<ObjectNode, Long> times = new HashMap<>();
        for (String text : Corpus.records()) {
            ObjectNode record = (ObjectNode) EventJson.readTree(text);
            corpus.add(record);
            times.put(record, parser.parseAll(RawInput.of("corpus", text)).events.get(0).eventTimeMillis);
        }
        corpus.sort(Comparator.comparingLong(times::get));
        long shift = start.plus(Duration.ofHours(1)).toEpochMilli() - times.get(corpus.get(0));
        long previous = Long.MIN_VALUE;
        for (ObjectNode record : corpus) {
            long original = times.get(record);
            if (previous != Long.MIN_VALUE && original - previous > MAX_CORPUS_GAP.toMillis()) {
                shift -= original - previous - MAX_CORPUS_GAP.toMillis();
            }
            previous = original;
            long time = original + shift;
            record.put("eventTime", Instant.ofEpochMilli(time).toString());
            String text = record.toString();
            CloudTrailEvent event = parser.parseAll(RawInput.of("corpus", text)).events.get(0);
            records.add(new Delivery(event.eventId, text, time, time + (delays ? delayMillis(random) : 0), true));
        }
        records.sort(Comparator.comparingLong((Delivery d) -> d.arrival).thenComparing(d -> d.id));
        long newest = Long.MIN_VALUE;
        for (Delivery delivery : records) {
            delivery.late = delivery.eventTime <= newest - OUT_OF_ORDERNESS.toMillis() - 1;
            newest = Math.max(newest, delivery.eventTime);
        }
        return records;
    }

    private static long delayMillis(Random random) {
        double pick = random.nextDouble();
        if (pick < 0.90) {
            return (long) (random.nextDouble() * 5_000);
        }
        if (pick < 0.99) {
            double pareto = 60_000 / Math.pow(1 - random.nextDouble(), 1 / 1.5);
            return (long) Math.min(pareto, 30 * 60_000);
        }
        return 3_600_000 + (long) (random.nextDouble() * 5 * 3_600_000);
    }

    private static final class Run {
        final String name;
        final Map<String, Integer> incidents = new HashMap<>();
        final List<Long> inOrderLatencyNanos = new ArrayList<>();
        final List<Long> lateLatencyNanos = new ArrayList<>();
        long peakBufferBytes;
        double seconds;

        Run(String name) {
            this.name = name;
        }

        void print(Run expected) {
            for (Rule.Kind kind : List.of(Rule.Kind.SEQUENCE, Rule.Kind.THRESHOLD)) {
                Set<String> wanted = new TreeSet<>();
                expected.incidents.keySet().stream().filter(key -> key.startsWith(kind.name())).forEach(wanted::add);
                long found = wanted.stream().filter(incidents::containsKey).count();
                int findings = incidents.entrySet().stream().filter(e -> e.getKey().startsWith(kind.name()))
                        .mapToInt(Map.Entry::getValue).sum();
                Set<String> missed = new TreeSet<>(wanted);
                missed.removeAll(incidents.keySet());
                System.out.printf(Locale.ROOT, "%-24s %-9s recall %d/%d (%.1f%%), %d findings%s%n", name,
                        kind.name().toLowerCase(Locale.ROOT), found, wanted.size(), 100.0 * found / Math.max(1, wanted.size()),
                        findings, missed.isEmpty() ? "" : ", missed " + missed);
            }
            System.out.printf(Locale.ROOT, "%-24s in-order alert latency %s; completed late %s; peak buffer %,d bytes;"
                    + " %.1f s%n", name, stats(inOrderLatencyNanos), stats(lateLatencyNanos), peakBufferBytes, seconds);
        }
    }

    private static String stats(List<Long> nanos) {
        if (nanos.isEmpty()) {
            return "(none)";
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return String.format(Locale.ROOT, "median %.0f ms, p90 %.0f ms, max %.0f ms (n=%d)", sorted[sorted.length / 2] / 1e6,
                sorted[(int) (sorted.length * 0.9)] / 1e6, sorted[sorted.length - 1] / 1e6, sorted.length);
    }

    private static Run run(String name, List<Delivery> deliveries, CompiledRules catalogue, int rate,
            Map<String, Rule.Kind> kinds) throws Exception {
        FOUND.clear();
        PEAK_GAUGES.clear();
        putNanos = new long[deliveries.size()];
        Configuration conf = new Configuration();
        conf.setString("metrics.reporter.bench.factory.class", PeakGauges.class.getName());
        conf.setString("metrics.reporter.bench.interval", "1 s");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.getConfig().setAutoWatermarkInterval(50);
        String[][] units = deliveries.stream().map(d -> new String[] {d.id, d.text}).toArray(String[][]::new);
        TrailWardenTopology.Outputs outputs = TrailWardenTopology.build(
                env.addSource(new PacedSource(units, rate), TypeInformation.of(RawInput.class)).setParallelism(1),
                DetectionConfig.defaults(), catalogue);
        outputs.findings.addSink(new FoundSink()).name("found");
        long began = System.nanoTime();
        env.execute(name);
        Run run = new Run(name);
        run.seconds = (System.nanoTime() - began) / 1e9;
        for (Gauge<?> gauge : PEAK_GAUGES.values()) {
            run.peakBufferBytes += ((Number) gauge.getValue()).longValue();
        }
        Map<String, Integer> indexById = new HashMap<>();
        for (int i = 0; i < deliveries.size(); i++) {
            indexById.put(deliveries.get(i).id + "@" + deliveries.get(i).eventTime, i);
        }
        for (Object[] found : FOUND) {
            Finding finding = (Finding) found[0];
            Rule.Kind kind = kinds.get(finding.ruleId);
            if (kind == Rule.Kind.MATCH || finding.events.stream().anyMatch(e -> e.eventId.startsWith("b0000000-"))) {
                continue;
            }
            String key = kind + " " + finding.ruleId + " " + PrincipalKey.of(finding.events.get(0)) + " "
                    + (finding.target == null ? "" : finding.target.name);
            run.incidents.merge(key, 1, Integer::sum);
            int due = -1;
            boolean late = false;
            for (CloudTrailEvent event : finding.events) {
                Integer index = indexById.get(event.eventId + "@" + event.eventTimeMillis);
                if (index == null) {
                    continue;
                }
                late |= deliveries.get(index).late;
                due = Math.max(due, index);
            }
            if (!late) {
                due = Math.max(due, watermarkPasses(deliveries, finding.lastEventTimeMillis()));
            }
            if (due >= 0 && due < deliveries.size()) {
                (late ? run.lateLatencyNanos : run.inOrderLatencyNanos).add((long) found[1] - putNanos[due]);
            }
        }
        return run;
    }

    /** The arrival index of the first record after which the watermark is at or past {@code time}. */
    private static int watermarkPasses(List<Delivery> deliveries, long time) {
        long newest = Long.MIN_VALUE;
        for (int i = 0; i < deliveries.size(); i++) {
            newest = Math.max(newest, deliveries.get(i).eventTime);
            if (newest - OUT_OF_ORDERNESS.toMillis() - 1 >= time) {
                return i;
            }
        }
        return deliveries.size();
    }

    /** Puts the records in, in arrival order, at a fixed rate; notes when each went in. */
    private static final class PacedSource implements SourceFunction<RawInput> {
        private static final long serialVersionUID = 1L;
        private final String[][] units;
        private final int rate;
        private volatile boolean running = true;

        PacedSource(String[][] units, int rate) {
            this.units = units;
            this.rate = rate;
        }

        @Override
        public void run(SourceContext<RawInput> context) {
            long began = System.nanoTime();
            long[] put = putNanos;
            for (int i = 0; i < units.length && running; i++) {
                long due = began + (long) (i * 1e9 / rate);
                while (System.nanoTime() < due) {
                    LockSupport.parkNanos(Math.max(1_000, due - System.nanoTime()));
                }
                synchronized (context.getCheckpointLock()) {
                    put[i] = System.nanoTime();
                    context.collect(RawInput.of(units[i][0], units[i][1].getBytes(StandardCharsets.UTF_8)));
                }
            }
        }

        @Override
        public void cancel() {
            running = false;
        }
    }

    /** Notes every finding and when it reached the sink (same JVM: the mini-cluster runs in this process). */
    private static final class FoundSink implements SinkFunction<Finding> {
        private static final long serialVersionUID = 1L;

        @Override
        public void invoke(Finding finding, Context context) {
            FOUND.add(new Object[] {finding, System.nanoTime()});
        }
    }

    private static final class Queue extends ConcurrentLinkedQueue<Object[]> {
        private static final long serialVersionUID = 1L;
    }

    /** Keeps the late path's peak-bytes gauges to read once the job is done. */
    public static final class PeakGauges implements MetricReporter, MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(java.util.Properties properties) {
            return this;
        }

        @Override
        public void open(MetricConfig config) {}

        @Override
        public void close() {}

        @Override
        public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
            if (LateDelivery.PEAK_BUFFER_BYTES_METRIC.equals(name) && metric instanceof Gauge) {
                PEAK_GAUGES.put(group.getMetricIdentifier(name) + "#" + System.identityHashCode(metric), (Gauge<?>) metric);
            }
        }

        @Override
        public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {}
    }
}
