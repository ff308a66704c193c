package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.Corpus;
import io.trailwarden.event.EventJson;
import io.trailwarden.source.RawInput;
import io.trailwarden.testing.MotoClients;
import io.trailwarden.testing.MotoServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code replay s3://... --resume FILE} on moto S3: a replay killed (SIGKILL, in a process of its own)
 * part-way through an archive, then run again with the same command, writes exactly the findings of a
 * replay that was never interrupted, each once, having read again from before the cut so that the
 * incidents spanning it are seen whole. A progress record of another replay, or
 * one that is not a record at all, stops the replay before it starts instead of being trusted.
 *
 * <p>The archive: the real Stratus records, time-ordered, copied to {@value #COPIES} days (fresh ids,
 * one second apart within a day) and cut into gzip delivery files of {@value #RECORDS_PER_FILE} records
 * named by their delivery minute, so the corpus's sequences straddle delivery files.
 */
class ReplayResumeIT {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    private static final String BUCKET = "resume-archive";
    private static final String ACCOUNT = "229654561268";
    private static final String REGION = "us-east-1";
    private static final int COPIES = 25;
    private static final int RECORDS_PER_FILE = 10;
    private static final Instant FIRST_DAY = Instant.parse("2026-10-01T00:00:00Z");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DELIVERY =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);

    private static int objects;
    private static int filesPerDay;
    private static int records;
    private static int corpusSize;

    @TempDir
    Path dir;

    @BeforeAll
    static void archive() throws IOException {
        CloudTrailParser parser = new CloudTrailParser();
        List<ObjectNode> corpus = Corpus.records().stream()
                .sorted(Comparator.comparingLong(text -> parser.parseAll(RawInput.of("corpus", text)).events.get(0).eventTimeMillis))
                .map(text -> (ObjectNode) EventJson.readTree(text))
                .collect(Collectors.toList());
        corpusSize = corpus.size();
        filesPerDay = (corpus.size() + RECORDS_PER_FILE - 1) / RECORDS_PER_FILE;
        try (S3Client s3 = MotoClients.s3(MOTO)) {
            s3.createBucket(r -> r.bucket(BUCKET));
            for (int copy = 0; copy < COPIES; copy++) {
                Instant day = FIRST_DAY.plus(copy, ChronoUnit.DAYS);
                for (int file = 0; file < filesPerDay; file++) {
                    StringBuilder document = new StringBuilder("{\"Records\":[");
                    Instant last = day;
                    for (int i = file * RECORDS_PER_FILE; i < Math.min(corpus.size(), (file + 1) * RECORDS_PER_FILE); i++) {
                        ObjectNode record = corpus.get(i).deepCopy();
                        last = day.plusSeconds(i);
                        record.put("eventTime", last.toString());
                        record.put("eventID", UUID.nameUUIDFromBytes((copy + "/" + i).getBytes(StandardCharsets.UTF_8)).toString());
                        document.append(i == file * RECORDS_PER_FILE ? "" : ",").append(record);
                        records++;
                    }
                    Instant delivered = last.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
                    String key = String.format(Locale.ROOT, "AWSLogs/o-abcdefghij/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%04d.json.gz",
                            ACCOUNT, REGION, DAY.format(delivered), ACCOUNT, REGION, DELIVERY.format(delivered),
                            copy * filesPerDay + file);
                    byte[] body = gzip(document.append("]}").toString().getBytes(StandardCharsets.UTF_8));
                    s3.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(body));
                    objects++;
                }
            }
        }
    }

    @Test
    void aReplayKilledPartWayAndRunAgainWritesTheFindingsOfAnUninterruptedOneOnce() throws Exception {
        Path uninterrupted = dir.resolve("uninterrupted.jsonl");
        CliRun whole = CliRun.of(replay(uninterrupted).toArray(String[]::new));
        assertThat(whole.exitCode).as(whole.toString()).isZero();
        Map<String, JsonNode> expected = findings(uninterrupted);
        assertThat(expected).hasSizeGreaterThan(COPIES * ReplayCommandITCase.CORPUS_FINDINGS / 2);

        Path out = dir.resolve("resumed.jsonl");
        Path progress = dir.resolve("progress.json");
        List<String> resumable = replay(out);
        resumable.addAll(List.of("--resume", progress.toString()));
        ReplayResume.Record atKill = killPartWay(resumable, progress);
        assertThat(findings(out, atKill.outputBytes).keySet()).as("written before the kill")
                .isSubsetOf(expected.keySet()).hasSizeLessThan(expected.size());

        CliRun rest = CliRun.of(resumable.toArray(String[]::new));

        assertThat(rest.exitCode).as(rest.toString()).isZero();
        assertThat(rest.err).contains("resumed         after s3://" + BUCKET + "/");
        assertThat(eventsRead(rest.err)).as("read again from before the cut, not from the start")
                .isLessThan(records).isGreaterThan(0);
        List<String> lines = Files.readAllLines(out);
        Map<String, JsonNode> resumed = findings(out);
        assertThat(lines).as("no finding twice").hasSize(resumed.size());
        assertThat(resumed.keySet()).as("the findings of the uninterrupted replay").isEqualTo(expected.keySet());
        int lastRead = Integer.parseInt(atKill.lastObjectRead.replaceAll(".*_(\\d{4})\\.json\\.gz$", "$1"));
        int recordsUpToCut = lastRead / filesPerDay * corpusSize
                + Math.min(corpusSize, (lastRead % filesPerDay + 1) * RECORDS_PER_FILE);
        assertThat(eventsRead(rest.err)).as("read again from before the cut, so incidents spanning it are whole")
                .isGreaterThan(records - recordsUpToCut);
        assertThat(progress).content().contains("\"complete\":true");

        CliRun again = CliRun.of(resumable.toArray(String[]::new));
        assertThat(again.exitCode).isZero();
        assertThat(again.err).contains("records this replay as complete");
        assertThat(Files.readAllLines(out)).isEqualTo(lines);
    }

    @Test
    void aProgressRecordOfAnotherReplayIsNotTrusted() throws Exception {
        Path out = dir.resolve("findings.jsonl");
        Path progress = dir.resolve("progress.json");
        Files.writeString(progress, "{\"version\":1,\"replay\":\"s3://other-bucket/AWSLogs/ from 2026-01-01 to"
                + " 2026-01-02\",\"lastObjectRead\":null,\"objectsRead\":0,\"outputBytes\":0,\"recentFindings\":{},"
                + "\"complete\":true}");
        List<String> args = replay(out);
        args.addAll(List.of("--resume", progress.toString()));

        CliRun run = CliRun.of(args.toArray(String[]::new));

        assertThat(run.exitCode).as(run.toString()).isEqualTo(TrailWardenCli.FAILED);
        assertThat(run.err).contains("records another replay (s3://other-bucket/AWSLogs/");
        assertThat(out).doesNotExist();
    }

    @Test
    void aDamagedProgressRecordStopsTheReplayBeforeItStarts() throws Exception {
        Path out = dir.resolve("findings.jsonl");
        Path progress = Files.writeString(dir.resolve("progress.json"), "{\"version\":1,\"replay\":\"s3://");
        List<String> args = replay(out);
        args.addAll(List.of("--resume", progress.toString()));

        CliRun run = CliRun.of(args.toArray(String[]::new));

        assertThat(run.exitCode).as(run.toString()).isEqualTo(TrailWardenCli.FAILED);
        assertThat(run.err).contains("is not a replay progress record");
    }

    @Test
    void resumingNeedsAnOutputFile() {
        CliRun run = CliRun.of("replay", "s3://" + BUCKET + "/AWSLogs/", "--from", "2026-10-01",
                "--resume", dir.resolve("progress.json").toString());

        assertThat(run.exitCode).isEqualTo(TrailWardenCli.USAGE);
        assertThat(run.err).contains("--resume needs an s3:// INPUT and --out");
    }

    private List<String> replay(Path out) throws IOException {
        Path config = Files.writeString(dir.resolve("config.json"), "[{\"PropertyGroupId\": \"TrailWarden.Aws\","
                + " \"PropertyMap\": {\"region\": \"" + MotoServer.REGION + "\", \"endpointOverride\": \""
                + MOTO.endpoint() + "\"}}]");
        String lastDay = DAY.format(FIRST_DAY.plus(COPIES, ChronoUnit.DAYS)).replace('/', '-');
        return new ArrayList<>(List.of("replay", "s3://" + BUCKET + "/AWSLogs/", "--from", "2026-10-01", "--to", lastDay,
                "--config", config.toString(), "--format", "jsonl", "--out", out.toString(), "--parallelism", "1"));
    }

    /**
     * Runs the replay in a JVM of its own and kills it (SIGKILL) once its progress record shows a third
     * of the archive read, at a point inside a day's files; returns the record as the kill left it.
     */
    private static ReplayResume.Record killPartWay(List<String> args, Path progress) throws Exception {
        Path root = MotoServer.repoRoot().resolve("job/target");
        String classpath = root.resolve("test-classes") + ":" + root.resolve("classes") + ":"
                + Files.readString(root.resolve("test-classpath.txt")).trim();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g"));
        for (String open : List.of("java.lang", "java.util", "java.lang.reflect", "java.net", "java.io", "java.nio",
                "sun.nio.ch", "java.time", "java.util.concurrent", "java.util.concurrent.atomic")) {
            command.add("--add-opens=java.base/" + open + "=ALL-UNNAMED");
        }
        command.addAll(List.of("-cp", classpath, TrailWardenCli.class.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Files.createTempFile("replay-killed", ".log").toFile());
        builder.environment().put("AWS_ACCESS_KEY_ID", "AKIATRAILWARDENTEST1");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", "secret");
        Process process = builder.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
            while (System.nanoTime() < deadline && process.isAlive()) {
                ReplayResume.Record record = Files.exists(progress)
                        ? EventJson.MAPPER.readValue(progress.toFile(), ReplayResume.Record.class) : null;
                if (record != null && record.objectsRead >= objects / 3 && record.objectsRead % filesPerDay >= 4) {
                    process.destroyForcibly().waitFor();
                    assertThat(process.exitValue()).as("killed, not finished").isNotZero();
                    ReplayResume.Record atKill = EventJson.MAPPER.readValue(progress.toFile(), ReplayResume.Record.class);
                    assertThat(atKill.complete).isFalse();
                    return atKill;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("the replay ended, or never got a third of the way, before it could be killed");
        } finally {
            process.destroyForcibly();
        }
    }

    private static Map<String, JsonNode> findings(Path file) throws IOException {
        return findings(file, Files.size(file));
    }

    private static Map<String, JsonNode> findings(Path file, long bytes) throws IOException {
        byte[] content = Files.readAllBytes(file);
        String text = new String(content, 0, (int) Math.min(bytes, content.length), StandardCharsets.UTF_8);
        Map<String, JsonNode> findings = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                JsonNode finding = EventJson.readTree(line);
                // An incident update shares its finding's id and is a line of its own.
                findings.put(finding.get("findingId").asText() + (finding.at("/incident/update").asBoolean() ? "/update" : ""),
                        finding);
            }
        }
        return findings;
    }

    private static long eventsRead(String err) {
        Matcher matcher = Pattern.compile("events read +([\\d,]+)").matcher(err);
        return matcher.find() ? Long.parseLong(matcher.group(1).replace(",", "")) : -1;
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(compressed)) {
            out.write(content);
        }
        return compressed.toByteArray();
    }
}
