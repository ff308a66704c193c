package io.trailwarden.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailwarden.cli.TrailWardenCli;
import io.trailwarden.config.ListsConfig;
import io.trailwarden.source.RawInput;
import io.trailwarden.testing.BenignWorkload;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * {@code trailwarden replay} end to end in a JVM of its own, next to the single-threaded parse-only
 * rate of {@link ParseBenchmark} over the same records, in one run: the ratio the issue asks for
 * (replay at least half the parse-only rate), the replay's peak RSS (VmHWM of the child process) and,
 * optionally, a JFR recording of the replay.
 *
 * <p>Input: {@code corpus} (default), the replicated corpus timeline of {@link Replicator#fromCorpus}
 * (real records, fresh ids, time-ordered, every record an attack step), or {@code mixed}, the benign
 * workload with the corpus inside ({@link Replicator#mixed}, replayed with that account's lists, written
 * to a configuration file beside the input), written either as one JSON-lines file ({@code lines}) or
 * as a CloudTrail archive ({@code archive}):
 * gzip {@code {"Records": [...]}} delivery files of 1,000 records under
 * {@code AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/}, named by delivery time. The input is
 * generated once per size and layout under {@code job/target/replay-bench/} and reused.
 *
 * <p>Run from the repository root ({@code scripts/benchmark} builds the classpath):
 * <pre>
 * scripts/benchmark ReplayArchiveBenchmark [EVENTS (1000000)] [lines|archive (archive)] [HEAP (2g)] [corpus|mixed] [jfr] [-- REPLAY OPTIONS]
 * </pre>
 * {@code corpus|mixed} and {@code jfr} may stand anywhere before {@code --}.
 * The replay's rate is the one it prints itself: from job submission to the end, so JVM and
 * mini-cluster start are excluded. The replay's JVM gets the collector and the compiler options the
 * {@code trailwarden} launcher gives a replay.
 */
public final class ReplayArchiveBenchmark {
    private static final int RECORDS_PER_FILE = 1_000;
    private static final String ACCOUNT = "111122223333";
    private static final String REGION = "us-east-1";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DELIVERY =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern RATE = Pattern.compile("events/s +([\\d,]+)");
    private static final Pattern CPU_RATE = Pattern.compile("events/CPU-s +([\\d,]+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TIME_FIELD = Pattern.compile("\"eventTime\":\"([^\"]+)\"");

    private ReplayArchiveBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<String> ours = new ArrayList<>();
        List<String> replayOptions = new ArrayList<>();
        boolean passThrough = false;
        for (String arg : args) {
            if (arg.equals("--")) {
                passThrough = true;
            } else {
                (passThrough ? replayOptions : ours).add(arg);
            }
        }
        boolean jfr = ours.remove("jfr");
        boolean mixed = ours.remove("mixed");
        ours.remove("corpus");
        long events = ours.size() > 0 ? Long.parseLong(ours.get(0)) : 1_000_000L;
        String layout = ours.size() > 1 ? ours.get(1) : "archive";
        String heap = ours.size() > 2 ? ours.get(2) : "2g";
        Replicator replicator = mixed ? Replicator.mixed(events) : Replicator.fromCorpus(events);
        Path input = ReplayBenchmark.repoRoot().resolve(
                "job/target/replay-bench/" + layout + "-" + (mixed ? "mixed-" : "") + events);
        if (mixed) {
            Path lists = writeListsConfig(input.resolveSibling(input.getFileName() + ".config.json"));
            replayOptions.addAll(0, List.of("--config", lists.toString()));
        }
        if (!Files.exists(input)) {
            System.out.printf(Locale.ROOT, "writing %,d events as %s to %s%n", events, layout, input);
            if (layout.equals("lines")) {
                writeLines(replicator, events, input);
            } else {
                writeArchive(replicator, events, input);
            }
        }
        double[] parse = parseOnly(replicator, (int) Math.min(events, 1_000_000));
        Result replay = replay(input, heap, jfr, replayOptions);
        System.out.printf(Locale.ROOT, "parse only (ParseBenchmark, one thread, median of 3): %,.0f events/s,"
                + " %,.0f events/CPU-s%n", parse[0], parse[1]);
        System.out.printf(Locale.ROOT, "replay %s%s of %,d events, -Xmx%s: %,.0f events/s = %.2fx parse-only;"
                        + " %,.0f events/CPU-s (all cores) = %.2fx parse-only; peak RSS %,d MiB; %s%n",
                layout, mixed ? " (mixed)" : "", events, heap, replay.rate, replay.rate / parse[0], replay.cpuRate, replay.cpuRate / parse[1],
                replay.peakRssKib >> 10, replay.exit);
    }

    private static double[] parseOnly(Replicator replicator, int events) {
        List<RawInput> units = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            units.add(RawInput.of("bench:" + (i + 1), replicator.record(i)));
        }
        double[] rate = ParseBenchmark.measure(units, 3);
        units.clear();
        System.gc();
        return rate;
    }

    /** The simulated account's lists as a {@code TrailWarden.Lists} property group, as MSF takes it. */
    private static Path writeListsConfig(Path file) throws IOException {
        Map<String, String> lists = new TreeMap<>();
        BenignWorkload.lists().forEach((name, values) -> lists.put(name, String.join(",", values)));
        Files.createDirectories(file.getParent());
        Files.writeString(file, JSON.writeValueAsString(List.of(Map.of(
                "PropertyGroupId", ListsConfig.GROUP, "PropertyMap", lists))));
        return file;
    }

    private static void writeLines(Replicator replicator, long events, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve("events.jsonl")), 1 << 20)) {
            for (long i = 0; i < events; i++) {
                out.write(replicator.record(i));
                out.write('\n');
            }
        }
    }

    /** Delivery files of consecutive records, each named by its last record's minute plus one. */
    private static void writeArchive(Replicator replicator, long events, Path dir) throws IOException {
        Path base = dir.resolve("AWSLogs").resolve(ACCOUNT).resolve("CloudTrail").resolve(REGION);
        for (long first = 0; first < events; first += RECORDS_PER_FILE) {
            long last = Math.min(events, first + RECORDS_PER_FILE) - 1;
            ByteArrayOutputStream document = new ByteArrayOutputStream();
            document.writeBytes("{\"Records\":[".getBytes(StandardCharsets.UTF_8));
            byte[] lastRecord = null;
            for (long i = first; i <= last; i++) {
                lastRecord = replicator.record(i);
                if (i != first) {
                    document.write(',');
                }
                document.writeBytes(lastRecord);
            }
            document.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
            Matcher time = TIME_FIELD.matcher(new String(lastRecord, StandardCharsets.UTF_8));
            if (!time.find()) {
                throw new IllegalStateException("a corpus record without eventTime");
            }
            Instant delivered = Instant.parse(time.group(1)).plusSeconds(60);
            Path file = base.resolve(DAY.format(delivered)).resolve(String.format(Locale.ROOT, "%s_CloudTrail_%s_%s_%08d.json.gz",
                    ACCOUNT, REGION, DELIVERY.format(delivered), first / RECORDS_PER_FILE));
            Files.createDirectories(file.getParent());
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16)) {
                document.writeTo(out);
            }
        }
    }

    static final class Result {
        double rate;
        double cpuRate;
        long peakRssKib;
        String exit;
    }

    private static Result replay(Path input, String heap, boolean jfr, List<String> replayOptions) throws Exception {
        Path out = Files.createTempFile("replay-bench", ".out");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap,
                "-XX:+UseParallelGC", "@" + Path.of("scripts", "replay-compiler.options").toAbsolutePath()));
        for (String open : Arrays.asList("java.lang", "java.util", "java.lang.reflect", "java.net", "java.io",
                "java.nio", "sun.nio.ch", "java.time", "java.util.concurrent", "java.util.concurrent.atomic")) {
            command.add("--add-opens=java.base/" + open + "=ALL-UNNAMED");
        }
        if (jfr) {
            command.add("-XX:StartFlightRecording=filename=job/target/replay-bench/replay.jfr,settings=profile");
            command.add("-Xlog:gc:file=job/target/replay-bench/replay-gc.log");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), TrailWardenCli.class.getName(),
                "replay", "--format", "jsonl", "--out", out.toString()));
        command.addAll(replayOptions);
        command.add(input.toString());
        System.out.println("running: " + String.join(" ", command.subList(0, 2)) + " ... "
                + String.join(" ", command.subList(command.indexOf("replay"), command.size())));
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectErrorStream(false).start();
        Path status = Path.of("/proc/" + process.pid() + "/status");
        StringBuilder stderr = new StringBuilder();
        Thread errReader = new Thread(() -> {
            try {
                stderr.append(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                stderr.append(e);
            }
        });
        errReader.start();
        Result result = new Result();
        while (process.isAlive()) {
            result.peakRssKib = Math.max(result.peakRssKib, peakRss(status));
            Thread.sleep(100);
        }
        errReader.join();
        String err = stderr.toString();
        System.out.println(err.substring(Math.max(0, err.lastIndexOf("replay summary"))));
        Matcher rate = RATE.matcher(err);
        result.rate = rate.find() ? Double.parseDouble(rate.group(1).replace(",", "")) : 0;
        Matcher cpuRate = CPU_RATE.matcher(err);
        result.cpuRate = cpuRate.find() ? Double.parseDouble(cpuRate.group(1).replace(",", "")) : 0;
        result.exit = "exit " + process.exitValue() + ", findings in " + out;
        return result;
    }

    private static long peakRss(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the process ended between two reads
        }
        return 0;
    }
}
