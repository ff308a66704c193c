package io.trailwarden.cli;

import io.trailwarden.config.DetectionConfig;
import io.trailwarden.config.Durations;
import io.trailwarden.config.S3Location;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.event.ParseFunction;
import io.trailwarden.finding.SafeText;
import io.trailwarden.pipeline.EventDeduplicator;
import io.trailwarden.pipeline.LateEventTagger;
import io.trailwarden.pipeline.TrailWardenTopology;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.runtime.CompiledRules;
import io.trailwarden.source.CloudTrailInputs;
import io.trailwarden.source.ReadProgress;
import io.trailwarden.source.S3Archive;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

    @Option(names = "--resume", paramLabel = "FILE",
            description = "With an s3:// INPUT and --out: record the replay's progress in FILE; when FILE exists,"
                    + " continue the replay it records where it stopped, appending to --out the findings it had not"
                    + " written yet (none lost, none twice). Give the same INPUT and options again.")
    Path resumeFile;

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
        boolean fromS3 = inputs.stream().anyMatch(S3Location::isS3);
        if (resumeFile != null && (!fromS3 || outFile == null)) {
            throw new ParameterException(spec.commandLine(), "--resume needs an s3:// INPUT and --out");
        }
        if (resumeFile != null && format == Format.html) {
            // The page is written whole at the end: an interrupted run leaves none of the findings it
            // records as written, and the resumed one would leave them out.
            throw new ParameterException(spec.commandLine(), "--resume needs --format jsonl or table: the html page is"
                    + " written whole at the end of a replay, so an interrupted one has nothing to continue");
        }
        List<Path> files = fromS3 ? null : files();
        List<S3Archive.Entry> entries;
        try {
            entries = fromS3 ? s3Entries(loaded) : null;
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
        if (!fromS3) {
            return replay(ReplayInput.files(files), null, replayDetection, detection, err);
        }
        if (resumeFile == null) {
            return replay(ReplayInput.s3(s3Location(), entries, loaded.aws), null, replayDetection, detection, err);
        }
        ReplayResume resume;
        try {
            resume = ReplayResume.open(resumeFile, describeReplay(delay, detection), delay);
        } catch (IOException e) {
            err.println("cannot resume: " + SafeText.safe(e.getMessage(), 1000));
            err.flush();
            return TrailWardenCli.FAILED;
        }
        if (resume.complete()) {
            err.println("nothing to do: " + SafeText.safe(resumeFile.toString()) + " records this replay as complete,"
                    + " its findings are in " + SafeText.safe(outFile.toString()));
            err.flush();
            return TrailWardenCli.OK;
        }
        List<String> keys = entries.stream().map(entry -> entry.key).collect(Collectors.toList());
        int first = resume.firstKeyToRead(keys, ReplayResume.rereadWindow(longest(detection, rule -> rule.within),
                longest(detection, rule -> rule.suppression), delay));
        Resumed resumed = new Resumed(resume, keys, first);
        return replay(ReplayInput.s3(s3Location(), entries.subList(first, entries.size()), loaded.aws), resumed,
                replayDetection, detection, err);
    }

    /** What a progress record must match: the archive, its days, and what decides the findings and their form. */
    private String describeReplay(Duration delay, CompiledRules detection) {
        return inputs.get(0) + " from " + from + " to " + (to != null ? to : LocalDate.now(ZoneOffset.UTC))
                + ", format " + format + ", max-delay " + delay + ", rules " + String.join(",", rules(detection));
    }

    private static Duration longest(CompiledRules detection, java.util.function.Function<CompiledRule, Duration> period) {
        Duration longest = Duration.ZERO;
        for (CompiledRule rule : detection.rules()) {
            Duration value = period.apply(rule);
            if (value != null && value.compareTo(longest) > 0) {
                longest = value;
            }
        }
        return longest;
    }

    private String s3Uri(String key) {
        return "s3://" + s3Location().bucket + "/" + key;
    }

    private S3Location s3Location() {
        return S3Location.parse(inputs.get(0));
    }

    private List<S3Archive.Entry> s3Entries(TrailWardenConfig loaded) throws IOException {
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
        return ReplayInput.listS3(location, from, last, loaded.aws);
    }

    private List<Path> files() {
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
        return files;
    }

    /** A replay that records its progress: the record, the archive's keys in order, the first one read now. */
    private static final class Resumed {
        final ReplayResume resume;
        final List<String> keys;
        final int first;

        Resumed(ReplayResume resume, List<String> keys, int first) {
            this.resume = resume;
            this.keys = keys;
            this.first = first;
        }
    }

    private int replay(ReplayInput input, Resumed resumed, DetectionConfig detectionConfig, CompiledRules detection,
            PrintWriter err) throws Exception {
        if (outFile == null) {
            return replay(input, resumed, detectionConfig, detection, spec.commandLine().getOut(), null, err);
        }
        try (FileChannel channel = FileChannel.open(outFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                PrintWriter fileOut = new PrintWriter(new OutputStreamWriter(Channels.newOutputStream(channel),
                        StandardCharsets.UTF_8))) {
            long kept = resumed == null ? 0 : resumed.resume.outputBytes();
            if (channel.size() < kept) {
                err.println("cannot resume: " + SafeText.safe(outFile.toString()) + " holds " + channel.size()
                        + " bytes, fewer than the " + kept + " " + SafeText.safe(resumeFile.toString())
                        + " records; it was changed since. Start again with a new --out and --resume");
                err.flush();
                return TrailWardenCli.FAILED;
            }
            // Whatever follows the recorded length was written after the record was saved: it comes again.
            channel.truncate(kept);
            channel.position(kept);
            return replay(input, resumed, detectionConfig, detection, fileOut, channel, err);
        }
    }

    private int replay(ReplayInput input, Resumed resumed, DetectionConfig detectionConfig, CompiledRules detection,
            PrintWriter out, FileChannel outChannel, PrintWriter err) throws Exception {
        ReplayCounters.reset();
        Configuration flink = new Configuration();
        flink.setString("metrics.reporter." + ReplayCounters.REPORTER + ".factory.class",
                ReplayCounters.Factory.class.getName());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism.get(), flink);
        // Chained operators then hand over the same event, so the record's JSON tree, once parsed by one
        // rule's pre-filter, serves all of them. Safe: no operator of the topology mutates an event.
        env.getConfig().enableObjectReuse();
        TrailWardenTopology.Outputs outputs = TrailWardenTopology.build(input.attach(env), detectionConfig, detection);
        FindingOutput output = output(out);
        CollectedJob job = new CollectedJob(outputs, "replay", output.form());

        Map<String, Long> findingsPerRule = new TreeMap<>();
        long[] incidentUpdates = {0};
        rules(detection).forEach(id -> findingsPerRule.put(id, 0L));
        ScheduledExecutorService progress =
                Executors.newSingleThreadScheduledExecutor(new ExecutorThreadFactory("replay-progress"));
        long[] started = {System.nanoTime(), processCpuNanos()};
        ReadProgress.reset();
        ProgressBar bar = new ProgressBar(err, input.totalBytes());
        ReplayResume resume = resumed == null ? null : resumed.resume;
        // Its own thread, never interrupted: an interrupt during a FileChannel call would close the output.
        ScheduledExecutorService saver =
                Executors.newSingleThreadScheduledExecutor(new ExecutorThreadFactory("replay-progress-record"));
        if (resume != null) {
            saver.scheduleWithFixedDelay(() -> saveProgress(resumed, out, outChannel, false, err),
                    ReplayResume.SAVE_EVERY.toMillis(), ReplayResume.SAVE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }
        boolean finished;
        try (output) {
            finished = job.run(env, "trailwarden replay", client -> {
                started[0] = System.nanoTime();
                started[1] = processCpuNanos();
                if (ProgressBar.stderrIsTerminal()) {
                    progress.scheduleAtFixedRate(() -> progressLine(bar, started[0], findingsPerRule), 1, 1,
                            TimeUnit.SECONDS);
                }
            }, finding -> {
                synchronized (out) {
                    if (resume != null && !resume.shouldWrite(finding)) {
                        return;
                    }
                    output.write(finding);
                    if (resume != null) {
                        resume.wrote(finding);
                    }
                }
                synchronized (findingsPerRule) {
                    if (finding.incidentUpdate) {
                        incidentUpdates[0]++;
                    } else {
                        findingsPerRule.merge(finding.ruleId, 1L, Long::sum);
                    }
                }
            }, err);
            if (finished) {
                output.finish(ReplayCounters.total(ParseFunction.EVENTS_PARSED), job.deadLetters());
            }
        } finally {
            saver.shutdown();
            progress.shutdownNow();
            progress.awaitTermination(1, TimeUnit.SECONDS);
            saver.awaitTermination(1, TimeUnit.MINUTES);
            if (ProgressBar.stderrIsTerminal()) {
                bar.clear();
            }
            out.flush();
        }
        if (!finished) {
            return TrailWardenCli.FAILED;
        }
        if (resume != null && !saveProgress(resumed, out, outChannel, true, err)) {
            return TrailWardenCli.FAILED;
        }
        double seconds = (System.nanoTime() - started[0]) / 1e9;
        double cpuSeconds = (processCpuNanos() - started[1]) / 1e9;
        printSummary(err, seconds, cpuSeconds, job.deadLetters(), findingsPerRule, incidentUpdates[0]);
        if (resume != null && resume.resuming()) {
            err.printf("  resumed         after %s: read again from %s;%n"
                            + "                  %,d findings found again were already written, %,d ended before the cut%n",
                    SafeText.safe(s3Uri(resume.lastObjectRead()), 300), SafeText.safe(s3Uri(resumed.keys.get(resumed.first)), 300),
                    resume.alreadyWritten(), resume.beforeCut());
            err.flush();
        }
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

    /**
     * Forces the output to disk, then records the progress; false after saying why on {@code err}. A
     * record not saved leaves the previous one, which still matches the output up to its length.
     */
    private boolean saveProgress(Resumed resumed, PrintWriter out, FileChannel outChannel, boolean complete,
            PrintWriter err) {
        try {
            synchronized (out) {
                out.flush();
                outChannel.force(false);
                resumed.resume.save(resumed.keys, resumed.first, outChannel.size(), complete);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            err.println("cannot record the replay's progress in " + SafeText.safe(resumeFile.toString()) + ": "
                    + SafeText.safe(String.valueOf(e.getMessage()), 500));
            err.flush();
            return false;
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
        // Late events have their own line; every other stage (parse, provenance, future-dated) is a
        // record the replay refused, and one forged record among millions must not go unshown.
        long refused = deadLetters.total() - deadLetters.count(LateEventTagger.STAGE);
        err.println("replay summary");
        err.printf("  events read     %,d%n", events);
        err.printf("  dead letters    %,d%n", refused);
        err.printf("  duplicates      %,d%n", ReplayCounters.total(EventDeduplicator.DUPLICATES_METRIC));
        err.printf("  late events     %,d%n", deadLetters.count(LateEventTagger.STAGE));
        err.printf("  events/s        %,.0f (%.1f s from job submission; JVM and mini-cluster start excluded)%n", events / seconds, seconds);
        err.printf("  events/CPU-s    %,.0f (%.1f s of CPU on all cores)%n", events / cpuSeconds, cpuSeconds);
        long total = findingsPerRule.values().stream().mapToLong(Long::longValue).sum();
        err.printf("  findings        %,d%n", total);
        findingsPerRule.forEach((rule, count) -> err.printf("    %-42s %,d%n", SafeText.safe(rule), count));
        err.printf("  incident updates %,d (incidents of several matches, closed with their count and span)%n",
                incidentUpdates);
        if (refused > 0) {
            deadLetters.print(err);
        }
        err.flush();
    }
}
