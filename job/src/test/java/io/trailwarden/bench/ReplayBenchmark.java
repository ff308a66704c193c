package io.trailwarden.bench;

import io.trailwarden.config.DetectionConfig;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.ParseFunction;
import io.trailwarden.finding.Finding;
import io.trailwarden.pipeline.TrailWardenTopology;
import io.trailwarden.rules.load.RuleLoader;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.runtime.CompiledRules;
import io.trailwarden.rules.runtime.DetectionStage;
import io.trailwarden.rules.runtime.RuleCatalogue;
import io.trailwarden.source.RawInput;
import io.trailwarden.testing.BenignWorkload;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntToDoubleFunction;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

/**
 * Replay throughput: a timeline of real or realistic records replicated to at least a million events,
 * through the whole topology (parse, dedup, event time, late accounting, every catalogue rule) in
 * bounded mode on a local mini-cluster, next to parse alone and to the topology without rules over the
 * same input, for one or several rule catalogues in the same run.
 *
 * <p>Two inputs ({@link Replicator} builds both):
 * <ul>
 *   <li>{@code corpus} (the default): the 312 Stratus corpus records sorted by time, with gaps between
 *       detonations shortened to an hour (timings inside a detonation unchanged, so sequences stay
 *       realistic). Every event is an attack step, and about one in six becomes a finding: the worst
 *       case for the rules' output path, not what an account's traffic looks like.
 *   <li>{@code mixed}: about 20,000 records of {@link BenignWorkload} (console browsing, Terraform
 *       and CloudFormation, key rotation, SSO sign-ins, helpdesk resets, applications on instance
 *       roles) with that corpus timeline placed in their middle, its records interleaved with the
 *       benign ones by time: every technique detonated once per 20,000 benign records, 1.5 % of the
 *       events. The benchmark prints the exact share.
 * </ul>
 * Every catalogue is compiled with {@link BenignWorkload#lists()}, as the simulated account
 * configures them (its Terraform role an allowed provisioner, its helpdesk role trusted automation);
 * they name no principal of the corpus, whose findings are those of the default lists.
 *
 * <p>Copy k of the timeline is moved k spans later, every record with a fresh eventID, and the last copy
 * ends before now. Records are generated in time order inside the source (an array the size of the record
 * and a copy into it, counted in the measurement) by one subtask per parallel slot, chained to parse as the
 * file source of {@code trailwarden replay} is. The rate counts from the first generated record to the
 * end of the job: JVM and mini-cluster start are excluded, job teardown is not. Each catalogue's
 * findings are printed per rule and per million events, which compares the two inputs.
 *
 * <p>Each round runs every pipeline once, interleaved (parse only, no rules, catalogue 1, catalogue 2,
 * ...), after a full-size warm-up round of all of them, so that the machine's changing load falls on
 * every pipeline alike; each is reported as the median of its rounds by rate, with the process CPU per
 * event. With two or more catalogues, each one after the first is compared with the first round by
 * round: the difference in CPU per event divided by the difference in rule count (the cost of an added
 * rule) and the ratio of the rates; each catalogue's rules also cost their CPU per event above the
 * topology without rules, divided by their count.
 *
 * <p>Run (from the repository root; {@code scripts/benchmark} builds the classes and the classpath):
 * <pre>
 * scripts/benchmark ReplayBenchmark [EVENTS (1000000)] [PARALLELISM (2)] [RULE_DIRS (rules)] [ROUNDS (5)] [INPUT (corpus)]
 * </pre>
 * Replay runs with the parallel collector ({@code trailwarden} starts it so), so the README's command
 * gives the benchmark's JVM the same ({@code BENCH_JAVA_OPTS}).
 * {@code RULE_DIRS} is one rule directory or several, comma-separated, relative to the working
 * directory or absolute. The catalogue of 13 rules that issue #12 compares the grown one with is kept
 * in {@code job/src/test/resources/bench/rules-13}:
 * <pre>
 * scripts/benchmark ReplayBenchmark 1000000 2 job/src/test/resources/bench/rules-13,rules 5 corpus
 * BENCH_JAVA_OPTS="-Xms4g -Xmx4g -XX:+UseParallelGC" scripts/benchmark ReplayBenchmark 1000000 2 job/src/test/resources/bench/rules-13,rules 5 mixed
 * </pre>
 */
public final class ReplayBenchmark {
    /**
     * The replicated timeline passes through the job millions of times faster than real time, so a
     * millisecond of buffering skew between subtasks is hours of event time. The out-of-orderness bound
     * is the event time that this many records of the timeline cover (90 days of the corpus timeline,
     * 5 days of the mixed one, which is 17 times denser), to cover a fraction of a second of skew; it
     * holds back the same number of events with either input, as a live job's 30 s holds back at
     * real-world rates. The two generating subtasks starting at different moments cost nothing here:
     * watermarks are per reader and the topology takes their minimum.
     */
    private static final long OUT_OF_ORDER_RECORDS = 38_000;
    /** Set by the source's first record; the mini-cluster runs in this JVM. */
    static final AtomicLong FIRST_RECORD_NANOS = new AtomicLong();
    /** The process's CPU time when the source produced its first record. */
    static final AtomicLong FIRST_RECORD_CPU_NANOS = new AtomicLong();
    /** The whole machine's busy CPU time (every process, {@code /proc/stat}) then, or -1 where unknown. */
    static final AtomicLong FIRST_RECORD_MACHINE_CPU_NANOS = new AtomicLong();
    /** The unit of {@code /proc/stat}: USER_HZ, 100 on every Linux architecture this runs on. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    /**
     * Rounds of each measurement by default: the machine's other load makes single runs vary by a third,
     * and the first round after the warm-up was the slowest of its run in two thirds of the runs measured.
     */
    private static final int DEFAULT_ROUNDS = 5;

    private static MiniCluster cluster;

    private ReplayBenchmark() {}

    public static void main(String[] args) throws Exception {
        long events = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
        int parallelism = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        String ruleDirectories = args.length > 2 ? args[2] : repoRoot().resolve("rules").toString();
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : DEFAULT_ROUNDS;
        String input = args.length > 4 ? args[4] : "corpus";
        Replicator replicator;
        if (input.equals("corpus")) {
            replicator = Replicator.fromCorpus(events);
        } else if (input.equals("mixed")) {
            replicator = Replicator.mixed(events);
        } else {
            throw new IllegalArgumentException("INPUT is corpus or mixed, not " + input);
        }
        List<Catalogue> catalogues = new ArrayList<>();
        for (String directory : ruleDirectories.split(",")) {
            catalogues.add(Catalogue.load(Path.of(directory.trim())));
        }
        long attacks = replicator.attacksIn(events);
        System.out.printf("input %s: %,d events (a timeline of %,d records x %,d copies), of which %,d corpus records"
                        + " (%.2f %%); parallelism %d%n", input, events, replicator.size(),
                (events + replicator.size() - 1) / replicator.size(), attacks, 100.0 * attacks / events, parallelism);
        catalogues.forEach(catalogue -> System.out.printf("catalogue %s: %d rules%n", catalogue.label(),
                catalogue.rules.size()));

        // Any free REST port: benchmarks of other checkouts may be running on the same machine.
        Configuration flink = new Configuration();
        flink.set(RestOptions.BIND_PORT, "0");
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(flink)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(parallelism).build());
        cluster.start();
        try {
            measure(replicator, catalogues, events, parallelism, rounds);
        } finally {
            cluster.close();
        }
    }

    /** One rule directory, loaded and compiled once for every round, with {@link BenignWorkload#lists()}. */
    static final class Catalogue {
        final Path directory;
        final List<Rule> rules;
        final CompiledRules compiled;
        final List<Result> rounds = new ArrayList<>();

        private Catalogue(Path directory, List<Rule> rules) {
            this.directory = directory;
            this.rules = rules;
            this.compiled = CompiledRules.compile(rules, BenignWorkload.lists());
        }

        static Catalogue load(Path directory) throws Exception {
            return new Catalogue(directory, RuleCatalogue.loader(BenignWorkload.lists(), DetectionConfig.defaults())
                    .load(RuleLoader.readDirectory(directory)));
        }

        String label() {
            return rules.size() + " rules (" + directory + ")";
        }
    }

    private static void measure(Replicator replicator, List<Catalogue> catalogues, long events, int parallelism,
            int rounds) throws Exception {
        // A warm-up round of every measured pipeline at full size, not reported: the JIT compiles the
        // topology's code here (after shorter warm-ups the compiler still took a third of a core in the
        // first measured round), not while the measured runs are timed.
        parseOnly(replicator, events, parallelism);
        wholeTopology(replicator, new NoDetection(), events, parallelism);
        for (Catalogue catalogue : catalogues) {
            wholeTopology(replicator, catalogue.compiled, events, parallelism);
        }
        List<Result> parse = new ArrayList<>();
        List<Result> bare = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            parse.add(parseOnly(replicator, events, parallelism));
            bare.add(wholeTopology(replicator, new NoDetection(), events, parallelism));
            for (Catalogue catalogue : catalogues) {
                catalogue.rounds.add(wholeTopology(replicator, catalogue.compiled, events, parallelism));
            }
        }
        System.out.printf("median of %d rounds by rate (all rounds in brackets: rate, process CPU per event, cores"
                + " the machine's other processes kept busy meanwhile), %,d events each:%n", rounds, events);
        report("parse only", parse);
        report("topology, no rules", bare);
        for (Catalogue catalogue : catalogues) {
            report("topology + " + catalogue.rules.size() + " rules", catalogue.rounds);
        }
        System.out.println("cost of the rules: CPU per event above the topology without rules, same round, median of rounds:");
        for (Catalogue catalogue : catalogues) {
            double above = medianOf(rounds, round -> catalogue.rounds.get(round).cpuMicrosPerEvent()
                    - bare.get(round).cpuMicrosPerEvent());
            System.out.printf("    %-60s %6.1f CPU-us/event = %5.2f CPU-us/event per rule%n", catalogue.label(), above,
                    above / catalogue.rules.size());
        }
        Catalogue first = catalogues.get(0);
        for (Catalogue other : catalogues.subList(1, catalogues.size())) {
            int addedRules = other.rules.size() - first.rules.size();
            if (addedRules == 0) {
                continue;
            }
            double cpu = medianOf(rounds, round -> other.rounds.get(round).cpuMicrosPerEvent()
                    - first.rounds.get(round).cpuMicrosPerEvent());
            double rateRatio = medianOf(rounds, round -> other.rounds.get(round).rate() / first.rounds.get(round).rate());
            System.out.printf("%d rules against %d, same round, median of rounds: %+.1f CPU-us/event for %+d rules = %+.2f"
                            + " CPU-us/event per added rule; events/s ratio %.2f = x%.4f per added rule%n",
                    other.rules.size(), first.rules.size(), cpu, addedRules, cpu / addedRules, rateRatio,
                    Math.pow(rateRatio, 1.0 / addedRules));
        }
        for (Catalogue catalogue : catalogues) {
            Result median = median(catalogue.rounds);
            System.out.printf("findings of the median run with %s: %,d (%,.0f per million events)%n", catalogue.label(),
                    median.findings, median.findings * 1e6 / events);
            median.findingsPerRule.forEach((rule, count) -> System.out.printf("    %-45s %,d%n", rule, count));
        }
    }

    private static double medianOf(int rounds, IntToDoubleFunction value) {
        double[] values = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            values[round] = value.applyAsDouble(round);
        }
        java.util.Arrays.sort(values);
        return rounds % 2 == 1 ? values[rounds / 2] : (values[rounds / 2 - 1] + values[rounds / 2]) / 2;
    }

    private static void report(String label, List<Result> rounds) {
        StringBuilder all = new StringBuilder();
        for (Result round : rounds) {
            all.append(all.length() == 0 ? "" : ", ")
                    .append(String.format("%,.0f/s %.1f us", round.rate(), round.cpuMicrosPerEvent()));
            if (!Double.isNaN(round.otherCores)) {
                all.append(String.format(" others %.1f", round.otherCores));
            }
        }
        Result median = median(rounds);
        System.out.printf("%-24s %,10.0f events/s  %5.1f CPU-us/event  [%s]%n", label + ":", median.rate(),
                median.cpuMicrosPerEvent(), all);
    }

    private static Result median(List<Result> rounds) {
        List<Result> sorted = new ArrayList<>(rounds);
        sorted.sort(Comparator.comparingDouble(Result::rate));
        return sorted.get(sorted.size() / 2);
    }

    static final class Result {
        final long events;
        final double seconds;
        final double cpuSeconds;
        /** Cores the machine's other processes kept busy on average during the run; NaN where unknown. */
        final double otherCores;
        final long findings;
        final Map<String, Long> findingsPerRule;

        Result(long events, double seconds, double cpuSeconds, double otherCores, long findings,
                Map<String, Long> findingsPerRule) {
            this.events = events;
            this.seconds = seconds;
            this.cpuSeconds = cpuSeconds;
            this.otherCores = otherCores;
            this.findings = findings;
            this.findingsPerRule = findingsPerRule;
        }

        double rate() {
            return events / seconds;
        }

        /** CPU of the whole process (JIT and GC included) per event: less sensitive to other load than the rate. */
        double cpuMicrosPerEvent() {
            return cpuSeconds * 1e6 / events;
        }
    }

    private static double elapsedSeconds() {
        return (System.nanoTime() - FIRST_RECORD_NANOS.get()) / 1e9;
    }

    private static double cpuSeconds() {
        return (processCpuNanos() - FIRST_RECORD_CPU_NANOS.get()) / 1e9;
    }

    /**
     * What the rest of the machine took while the run was timed: its busy CPU time minus this process's,
     * over the wall time. On a shared machine a rate means little without it.
     */
    private static double otherProcessesCores() {
        long start = FIRST_RECORD_MACHINE_CPU_NANOS.get();
        long end = machineCpuNanos();
        if (start < 0 || end < 0) {
            return Double.NaN;
        }
        return Math.max(0, (end - start) / 1e9 - cpuSeconds()) / elapsedSeconds();
    }

    /** Busy CPU time of every process on the machine (user, nice, system, irq, softirq, steal), or -1. */
    private static long machineCpuNanos() {
        try {
            String[] total = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long ticks = 0;
            for (int field : new int[] {1, 2, 3, 6, 7, 8}) {
                ticks += Long.parseLong(total[field]);
            }
            return ticks * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * Every run goes to one mini-cluster, started before the warm-up: a local environment per run would
     * start a cluster per run, whose RPC system is loaded by a class loader of its own, so the JIT
     * compiled it again during each measured run (a third of a core throughout, in profiles).
     */
    private static StreamExecutionEnvironment environment(int parallelism) {
        // Each run starts from a collected heap: the previous job's state (a million dedup entries) is
        // garbage in the old generation, and collecting it concurrently slowed whichever run came next.
        System.gc();
        StreamExecutionEnvironment env = new TestStreamEnvironment(cluster, parallelism);
        env.getConfig().enableObjectReuse();
        return env;
    }

    private static DataStream<RawInput> source(StreamExecutionEnvironment env, Replicator replicator, long events) {
        FIRST_RECORD_NANOS.set(0);
        FIRST_RECORD_CPU_NANOS.set(0);
        FIRST_RECORD_MACHINE_CPU_NANOS.set(-1);
        // One generating subtask per parallel slot, chained to the parse operator as a file source's
        // readers are, so records cross the network once (to dedup), not twice. Each subtask takes every
        // p-th record of the timeline rather than a contiguous range: both then advance through event
        // time together, as readers of files covering the same period do, and neither is late for the other.
        int parallelism = env.getParallelism();
        long perSubtask = (events + parallelism - 1) / parallelism;
        return env.fromSequence(0, events - 1)
                .map(new Generate(replicator, perSubtask, parallelism))
                .returns(TypeInformation.of(RawInput.class)).name("replicated timeline");
    }

    private static Result parseOnly(Replicator replicator, long events, int parallelism) throws Exception {
        StreamExecutionEnvironment env = environment(parallelism);
        source(env, replicator, events).process(new ParseFunction()).name("parse")
                .sinkTo(new DiscardingSink<CloudTrailEvent>());
        env.execute("parse only");
        return new Result(events, elapsedSeconds(), cpuSeconds(), otherProcessesCores(), 0, Map.of());
    }

    private static Result wholeTopology(Replicator replicator, DetectionStage detection, long events, int parallelism)
            throws Exception {
        StreamExecutionEnvironment env = environment(parallelism);
        DetectionConfig replay = new DetectionConfig(replicator.eventTimeOf(OUT_OF_ORDER_RECORDS), Duration.ofMinutes(1),
                Duration.ofHours(1), Duration.ofHours(24));
        TrailWardenTopology.Outputs outputs = TrailWardenTopology.build(source(env, replicator, events), replay,
                detection);
        outputs.deadLetters.sinkTo(new DiscardingSink<>());
        Map<String, Long> perRule = new TreeMap<>();
        long findings = 0;
        try (CloseableIterator<Finding> results = outputs.findings.executeAndCollect("topology benchmark")) {
            while (results.hasNext()) {
                perRule.merge(results.next().ruleId, 1L, Long::sum);
                findings++;
            }
        }
        return new Result(events, elapsedSeconds(), cpuSeconds(), otherProcessesCores(), findings, perRule);
    }

    /** The topology's own cost: every event reaches detection, which finds nothing. */
    static final class NoDetection implements DetectionStage {
        private static final long serialVersionUID = 1L;

        @Override
        public DataStream<Finding> apply(DataStream<CloudTrailEvent> events) {
            return events.flatMap(new NoFindings()).name("no rules");
        }
    }

    static final class NoFindings implements FlatMapFunction<CloudTrailEvent, Finding> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(CloudTrailEvent event, Collector<Finding> out) {}
    }

    /**
     * Builds the record of sequence number i: position t of the replicated timeline, where t
     * interleaves the sequence's p contiguous splits (one per subtask) into one timeline: the j-th
     * number of split k is timeline position j * p + k. A bijection onto
     * [0, perSubtask * p), so no two records share an id whatever the split boundaries are.
     */
    static final class Generate extends RichMapFunction<Long, RawInput> {
        private static final long serialVersionUID = 1L;
        private final Replicator replicator;
        private final long perSubtask;
        private final int parallelism;

        Generate(Replicator replicator, long perSubtask, int parallelism) {
            this.replicator = replicator;
            this.perSubtask = perSubtask;
            this.parallelism = parallelism;
        }

        @Override
        public void open(OpenContext openContext) {
            if (FIRST_RECORD_NANOS.compareAndSet(0, System.nanoTime())) {
                FIRST_RECORD_CPU_NANOS.set(processCpuNanos());
                FIRST_RECORD_MACHINE_CPU_NANOS.set(machineCpuNanos());
            }
        }

        @Override
        public RawInput map(Long index) {
            long timeline = (index % perSubtask) * parallelism + index / perSubtask;
            return RawInput.of("bench", replicator.record(timeline));
        }
    }

    static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("scripts/install-test-tools.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("run from inside the repository");
        }
        return dir;
    }
}
