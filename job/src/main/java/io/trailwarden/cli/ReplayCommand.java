package io.trailwarden.cli;

import io.trailwarden.config.DetectionConfig;
import io.trailwarden.config.Durations;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.DeadLetter;
import io.trailwarden.event.ParseFunction;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.SafeText;
import io.trailwarden.pipeline.EventDeduplicator;
import io.trailwarden.pipeline.LateEventTagger;
import io.trailwarden.pipeline.TrailWardenTopology;
import io.trailwarden.rules.load.RuleLoader;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.runtime.CompiledRules;
import io.trailwarden.source.CloudTrailInputs;
import io.trailwarden.source.RawInput;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.ExceptionUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Run CloudTrail files or directories through the whole detection topology with the rules, in"
                    + " bounded mode on a local mini-cluster. Responses are planned, never carried out (dry-run).",
            "Findings go to stdout (or --out); progress and the summary (events read, dead letters,"
                    + " duplicates, late events, findings per rule, events/s) to stderr."
        })
final class ReplayCommand implements Callable<Integer> {
    /** Longer than any CloudTrail history: the watermark stays put until the input ends. */
    private static final Duration NO_DELAY_LIMIT = Duration.ofDays(365L * 100);

    enum Format {
        table,
        jsonl
    }

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Option(names = "--rules", paramLabel = "DIR",
            description = "Rule directory (default: the configured catalogue, TrailWarden.Rules.location).")
    Path rulesDirectory;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table (for people) or jsonl (one JSON object per finding). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write findings to FILE instead of stdout.")
    Path outFile;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2",
            description = "Parallelism of the replay job (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--max-delay", paramLabel = "DURATION",
            description = "How far behind the newest record a record may come and still take part in sequences and"
                    + " thresholds (e.g. 1h). Default: no limit, sequences and thresholds wait for the end of the"
                    + " input, so the order of the files does not matter; set it to bound memory on huge inputs.")
    String maxDelay;

    @Parameters(arity = "1..*", paramLabel = "INPUT",
            description = "CloudTrail files or directories: EventBridge envelopes, bare records or"
                    + " {\"Records\": [...]} files, JSON lines or one document, plain or gzip.")
    List<Path> inputs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (parallelism < 1 || parallelism > 64) {
            throw new ParameterException(spec.commandLine(), "--parallelism must be between 1 and 64");
        }
        List<Path> files;
        try {
            files = CloudTrailInputs.files(inputs);
        } catch (UncheckedIOException e) {
            throw new ParameterException(spec.commandLine(), "INPUT: " + e.getCause().getMessage());
        }
        if (files.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "INPUT: no files under " + inputs);
        }
        TrailWardenConfig loaded = config.loadOrReport(err);
        if (loaded == null) {
            return TrailWardenCli.USAGE;
        }
        List<Rule> rules = RuleDirectory.load(rulesDirectory, loaded, err);
        if (rules == null) {
            return TrailWardenCli.FAILED;
        }
        CompiledRules detection = CompiledRules.compile(rules, loaded.lists.lists);
        Duration delay = NO_DELAY_LIMIT;
        if (maxDelay != null) {
            delay = Durations.parse(maxDelay);
            if (delay == null || delay.isNegative()) {
                throw new ParameterException(spec.commandLine(), "--max-delay: not a duration: " + maxDelay);
            }
        }
        // Finished files: the live job's out-of-orderness bound is about latency, which replay does not have.
        DetectionConfig replayDetection = new DetectionConfig(delay, loaded.detection.idleness,
                loaded.detection.dedupTtl, loaded.detection.maxRuleWindow);
        if (outFile == null) {
            return replay(files, replayDetection, detection, spec.commandLine().getOut(), err);
        }
        try (OutputStream stream = Files.newOutputStream(outFile);
                PrintWriter fileOut = new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8))) {
            return replay(files, replayDetection, detection, fileOut, err);
        }
    }

    private int replay(List<Path> files, DetectionConfig detectionConfig, CompiledRules detection, PrintWriter out,
            PrintWriter err) throws Exception {
        ReplayCounters.reset();
        Configuration flink = new Configuration();
        flink.setString("metrics.reporter." + ReplayCounters.REPORTER + ".factory.class",
                ReplayCounters.Factory.class.getName());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, flink);
        // Chained operators then hand over the same event, so the record's JSON tree, once parsed by one
        // rule's pre-filter, serves all of them. Safe: no operator of the topology mutates an event.
        env.getConfig().enableObjectReuse();
        DataStream<RawInput> input = env
                .fromSource(CloudTrailInputs.fileSource(files), WatermarkStrategy.noWatermarks(), "CloudTrail files")
                .uid(LocalRun.SOURCE_UID);
        TrailWardenTopology.Outputs outputs = TrailWardenTopology.build(input, detectionConfig, detection);
        CloseableIterator<Finding> findings = outputs.findings
                .map(new DryRunFindings("replay never acts")).name("Mark responses dry-run (replay never acts)")
                .collectAsync();
        CloseableIterator<DeadLetter> deadLetters = outputs.deadLetters.collectAsync();

        long started = System.nanoTime();
        JobClient job = env.executeAsync("trailwarden replay");
        DeadLetterSummary summary = new DeadLetterSummary();
        ExecutorService drainer = Executors.newSingleThreadExecutor(daemon("dead-letter-drain"));
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(daemon("replay-progress"));
        // Both collect sinks must be drained at once: a full, unread one would stall the whole job.
        CompletableFuture<Void> drained = CompletableFuture.runAsync(
                () -> deadLetters.forEachRemaining(summary::add), drainer);
        Map<String, Long> findingsPerRule = new TreeMap<>();
        rules(detection).forEach(id -> findingsPerRule.put(id, 0L));
        progress.scheduleAtFixedRate(() -> progressLine(err, started, findingsPerRule), 1, 1, TimeUnit.SECONDS);
        FindingOutput output = format == Format.jsonl ? new FindingOutput.JsonLines(out) : new FindingOutput.Table(out);
        try (findings; deadLetters) {
            while (findings.hasNext()) {
                Finding finding = findings.next();
                synchronized (findingsPerRule) {
                    findingsPerRule.merge(finding.ruleId, 1L, Long::sum);
                }
                output.write(finding);
            }
            drained.get();
            job.getJobExecutionResult().get();
        } catch (ExecutionException | RuntimeException e) {
            err.println();
            err.println("the replay failed: " + SafeText.safe(String.valueOf(ExceptionUtils.stripExecutionException(e))));
            err.flush();
            return TrailWardenCli.FAILED;
        } finally {
            progress.shutdownNow();
            drainer.shutdownNow();
            out.flush();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        printSummary(err, seconds, summary, findingsPerRule);
        return TrailWardenCli.OK;
    }

    private static List<String> rules(CompiledRules detection) {
        List<String> ids = new ArrayList<>();
        detection.rules().forEach(rule -> ids.add(rule.id));
        return ids;
    }

    private static void progressLine(PrintWriter err, long started, Map<String, Long> findingsPerRule) {
        long events = ReplayCounters.total(ParseFunction.EVENTS_PARSED);
        double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
        long findings;
        synchronized (findingsPerRule) {
            findings = findingsPerRule.values().stream().mapToLong(Long::longValue).sum();
        }
        err.printf("\r  %,d events read  %,d findings  %,.0f events/s  %.0fs   ", events, findings, events / seconds, seconds);
        err.flush();
    }

    private static void printSummary(PrintWriter err, double seconds, DeadLetterSummary deadLetters,
            Map<String, Long> findingsPerRule) {
        long events = ReplayCounters.total(ParseFunction.EVENTS_PARSED);
        err.print("\r");
        err.println("replay summary");
        err.printf("  events read     %,d%n", events);
        err.printf("  dead letters    %,d%n", deadLetters.count(CloudTrailParser.STAGE));
        err.printf("  duplicates      %,d%n", ReplayCounters.total(EventDeduplicator.DUPLICATES_METRIC));
        err.printf("  late events     %,d%n", deadLetters.count(LateEventTagger.STAGE));
        err.printf("  events/s        %,.0f (%.1f s, mini-cluster start included)%n", events / seconds, seconds);
        long total = findingsPerRule.values().stream().mapToLong(Long::longValue).sum();
        err.printf("  findings        %,d%n", total);
        findingsPerRule.forEach((rule, count) -> err.printf("    %-42s %,d%n", SafeText.safe(rule), count));
        if (deadLetters.count(CloudTrailParser.STAGE) > 0) {
            deadLetters.print(err);
        }
        err.flush();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
