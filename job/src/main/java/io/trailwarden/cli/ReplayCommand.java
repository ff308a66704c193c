package io.trailwarden.cli;

import io.trailwarden.config.DetectionConfig;
import io.trailwarden.config.Durations;
import io.trailwarden.config.S3Location;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.ParseFunction;
import io.trailwarden.finding.SafeText;
import io.trailwarden.pipeline.EventDeduplicator;
import io.trailwarden.pipeline.LateEventTagger;
import io.trailwarden.pipeline.TrailWardenTopology;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.runtime.CompiledRules;
import io.trailwarden.source.CloudTrailInputs;
import io.trailwarden.source.ReadProgress;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.concurrent.ExecutorThreadFactory;
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
    private static final Duration REPLAY_DEDUP_TTL = Duration.ofMinutes(1);

    enum Format {
        table,
        jsonl,
        html
    }

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Option(names = "--rules", paramLabel = "DIR",
            description = "Rule directory (default: the configured catalogue, TrailWarden.Rules.location).")
    Path rulesDirectory;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table (for people), jsonl (one JSON object per finding) or html (one self-contained page:"
                    + " summary, incident timelines, dead letters). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write findings to FILE instead of stdout.")
    Path outFile;

    @Mixin
    ParallelismOption parallelism;

    // CloudTrail delivers a call within about 15 minutes (usually 5) in a file named by its delivery time,
    // and files are read in that order: twice that covers the files read side by side.
    @Option(names = "--max-delay", paramLabel = "DURATION", defaultValue = "30m",
            description = "How far behind the newest record a record may come and still take part in sequences and"
                    + " thresholds (default: ${DEFAULT-VALUE}). CloudTrail delivery files are read in the order of"
                    + " the time in their names, so records are rarely further apart than CloudTrail's delivery"
                    + " delay; memory grows with the events of this much time. Records further behind are counted"
                    + " as late events and still reach single-event rules.")
    String maxDelay;

    @Option(names = "--from", paramLabel = "YYYY-MM-DD",
            description = "With an s3:// INPUT: the first day of CloudTrail's day folders to read (required).")
    LocalDate from;

    @Option(names = "--to", paramLabel = "YYYY-MM-DD",
            description = "With an s3:// INPUT: the last day read, included (default: today, UTC).")
    LocalDate to;

    @Parameters(arity = "1..*", paramLabel = "INPUT",
            description = "CloudTrail files or directories (EventBridge envelopes, bare records or"
                    + " {\"Records\": [...]} files, JSON lines or one document, plain or gzip), or one"
                    + " s3://BUCKET/PREFIX/ of a CloudTrail archive (AWSLogs/[o-ORG/]ACCOUNT/CloudTrail/REGION/...)"
                    + " with --from and --to, read with TrailWarden.Aws.")
    List<String> inputs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        TrailWardenConfig loaded = config.loadOrReport(err);
        if (loaded == null) {
            return TrailWardenCli.USAGE;
        }
        ReplayInput input;
        try {
            input = input(loaded);
        } catch (IOException e) {
            err.println("cannot list the input: " + SafeText.safe(e.getMessage(), 1000));
            err.flush();
            return TrailWardenCli.FAILED;
        }
        List<Rule> rules = RuleDirectory.load(rulesDirectory, loaded, err);
        if (rules == null) {
            return TrailWardenCli.FAILED;
        }
        CompiledRules detection = CompiledRules.compile(rules, loaded.lists.lists);
        Duration delay = Durations.parse(maxDelay);
        if (delay == null || delay.isNegative()) {
            throw new ParameterException(spec.commandLine(), "--max-delay: not a duration: " + maxDelay);
        }
        // Finished files: the live job's out-of-orderness bound is about latency, which replay does not have.
        // Dedup forgets ids after dedupTtl of processing time, and a replay goes through hours of archive a
        // minute: at the live job's TTL it would remember every id of the input. A minute of processing
        // still spans the neighbouring delivery files a re-delivered record comes in; a duplicate it
        // misses gives a finding twice, never none.
        DetectionConfig replayDetection = new DetectionConfig(delay, loaded.detection.idleness,
                REPLAY_DEDUP_TTL, loaded.detection.maxRuleWindow);
        if (outFile == null) {
            return replay(input, replayDetection, detection, spec.commandLine().getOut(), err);
        }
        try (OutputStream stream = Files.newOutputStream(outFile);
                PrintWriter fileOut = new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8))) {
            return replay(input, replayDetection, detection, fileOut, err);
        }
    }

    private ReplayInput input(TrailWardenConfig loaded) throws IOException {
        if (inputs.stream().anyMatch(S3Location::isS3)) {
            if (inputs.size() != 1) {
                throw new ParameterException(spec.commandLine(), "INPUT: one s3:// location at a time, without local files");
            }
            if (from == null) {
                throw new ParameterException(spec.commandLine(), "--from is required with an s3:// INPUT");
            }
            LocalDate last = to != null ? to : LocalDate.now(ZoneOffset.UTC);
            if (last.isBefore(from)) {
                throw new ParameterException(spec.commandLine(), "--to " + last + " is before --from " + from);
            }
            S3Location location;
            try {
                location = S3Location.parse(inputs.get(0));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "INPUT: " + e.getMessage());
            }
            return ReplayInput.s3(location, from, last, loaded.aws);
        }
        if (from != null || to != null) {
            throw new ParameterException(spec.commandLine(), "--from and --to select the day folders of an s3:// INPUT");
        }
        List<Path> files;
        try {
            files = CloudTrailInputs.files(inputs.stream().map(Path::of).collect(Collectors.toList()));
        } catch (UncheckedIOException | InvalidPathException e) {
            throw new ParameterException(spec.commandLine(), "INPUT: "
                    + (e instanceof UncheckedIOException ? e.getCause().getMessage() : e.getMessage()));
        }
        if (files.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "INPUT: no files under " + inputs);
        }
        return ReplayInput.files(files);
    }

    private int replay(ReplayInput input, DetectionConfig detectionConfig, CompiledRules detection, PrintWriter out,
            PrintWriter err) throws Exception {
        ReplayCounters.reset();
        Configuration flink = new Configuration();
        flink.setString("metrics.reporter." + ReplayCounters.REPORTER + ".factory.class",
                ReplayCounters.Factory.class.getName());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism.get(), flink);
        // Chained operators then hand over the same event, so the record's JSON tree, once parsed by one
        // rule's pre-filter, serves all of them. Safe: no operator of the topology mutates an event.
        env.getConfig().enableObjectReuse();
        TrailWardenTopology.Outputs outputs = TrailWardenTopology.build(input.attach(env), detectionConfig, detection);
        CollectedJob job = new CollectedJob(outputs, "replay");

        Map<String, Long> findingsPerRule = new TreeMap<>();
        long[] incidentUpdates = {0};
        rules(detection).forEach(id -> findingsPerRule.put(id, 0L));
        ScheduledExecutorService progress =
                Executors.newSingleThreadScheduledExecutor(new ExecutorThreadFactory("replay-progress"));
        long[] started = {System.nanoTime(), processCpuNanos()};
        ReadProgress.reset();
        ProgressBar bar = new ProgressBar(err, input.totalBytes());
        boolean finished;
        try (FindingOutput output = output(out)) {
            finished = job.run(env, "trailwarden replay", client -> {
                started[0] = System.nanoTime();
                started[1] = processCpuNanos();
                if (ProgressBar.stderrIsTerminal()) {
                    progress.scheduleAtFixedRate(() -> progressLine(bar, started[0], findingsPerRule), 1, 1,
                            TimeUnit.SECONDS);
                }
            }, finding -> {
                synchronized (findingsPerRule) {
                    if (finding.incidentUpdate) {
                        incidentUpdates[0]++;
                    } else {
                        findingsPerRule.merge(finding.ruleId, 1L, Long::sum);
                    }
                }
                output.write(finding);
            }, err);
            if (finished) {
                output.finish(ReplayCounters.total(ParseFunction.EVENTS_PARSED), job.deadLetters());
            }
        } finally {
            progress.shutdownNow();
            progress.awaitTermination(1, TimeUnit.SECONDS);
            if (ProgressBar.stderrIsTerminal()) {
                bar.clear();
            }
            out.flush();
        }
        if (!finished) {
            return TrailWardenCli.FAILED;
        }
        double seconds = (System.nanoTime() - started[0]) / 1e9;
        double cpuSeconds = (processCpuNanos() - started[1]) / 1e9;
        printSummary(err, seconds, cpuSeconds, job.deadLetters(), findingsPerRule, incidentUpdates[0]);
        return TrailWardenCli.OK;
    }

    private FindingOutput output(PrintWriter out) throws IOException {
        switch (format) {
            case jsonl:
                return new FindingOutput.JsonLines(out);
            case html:
                return new HtmlReport(out, String.join(", ", inputs));
            default:
                return new FindingOutput.Table(out);
        }
    }

    private static List<String> rules(CompiledRules detection) {
        List<String> ids = new ArrayList<>();
        detection.rules().forEach(rule -> ids.add(rule.id));
        return ids;
    }

    private static void progressLine(ProgressBar bar, long started, Map<String, Long> findingsPerRule) {
        long findings;
        synchronized (findingsPerRule) {
            findings = findingsPerRule.values().stream().mapToLong(Long::longValue).sum();
        }
        bar.draw(ReadProgress.bytesRead(), ReplayCounters.total(ParseFunction.EVENTS_PARSED), findings,
                (System.nanoTime() - started) / 1e9);
    }

    /** This process's CPU time: on a shared machine, a steadier measure of the replay's cost than wall time. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void printSummary(PrintWriter err, double seconds, double cpuSeconds, DeadLetterSummary deadLetters,
            Map<String, Long> findingsPerRule, long incidentUpdates) {
        long events = ReplayCounters.total(ParseFunction.EVENTS_PARSED);
        err.println("replay summary");
        err.printf("  events read     %,d%n", events);
        err.printf("  dead letters    %,d%n", deadLetters.count(CloudTrailParser.STAGE));
        err.printf("  duplicates      %,d%n", ReplayCounters.total(EventDeduplicator.DUPLICATES_METRIC));
        err.printf("  late events     %,d%n", deadLetters.count(LateEventTagger.STAGE));
        err.printf("  events/s        %,.0f (%.1f s from job submission; JVM and mini-cluster start excluded)%n", events / seconds, seconds);
        err.printf("  events/CPU-s    %,.0f (%.1f s of CPU on all cores)%n", events / cpuSeconds, cpuSeconds);
        long total = findingsPerRule.values().stream().mapToLong(Long::longValue).sum();
        err.printf("  findings        %,d%n", total);
        findingsPerRule.forEach((rule, count) -> err.printf("    %-42s %,d%n", SafeText.safe(rule), count));
        err.printf("  incident updates %,d (incidents of several matches, closed with their count and span)%n",
                incidentUpdates);
        if (deadLetters.count(CloudTrailParser.STAGE) > 0) {
            deadLetters.print(err);
        }
        err.flush();
    }
}
