package io.trailwarden.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.Corpus;
import io.trailwarden.event.DeadLetter;
import io.trailwarden.event.EventJson;
import io.trailwarden.event.ParseResult;
import io.trailwarden.event.Records;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudTrailInputsTest {
    @TempDir
    Path dir;

    private final CloudTrailParser parser = new CloudTrailParser();
    private List<String> records;

    @BeforeEach
    void readCorpus() {
        records = Corpus.records();
    }

    private Path write(String relative, byte[] content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.write(file, content);
    }

    private Path write(String relative, String content) throws IOException {
        return write(relative, content.getBytes(StandardCharsets.UTF_8));
    }

    private static String id(String record) {
        return EventJson.readTree(record).get("eventID").asText();
    }

    private static List<String> origins(List<RawInput> units) {
        return units.stream().map(u -> u.origin).collect(Collectors.toList());
    }

    @Test
    void jsonLinesFileGivesOneUnitPerLineAndBlankLinesBetweenRecordsAsEmptyUnits() throws IOException {
        Path file = write("lines.jsonl", records.get(0) + "\n" + records.get(1) + "\r\n\n" + records.get(2) + "\n\n\n");

        List<RawInput> units = CloudTrailInputs.readAll(List.of(file));

        assertThat(origins(units)).containsExactly(file + ":1", file + ":2", file + ":3", file + ":4");
        assertThat(new String(units.get(1).bytes, StandardCharsets.UTF_8)).isEqualTo(records.get(1));
        assertThat(units.get(2).bytes).isEmpty();
        ParseResult result = parseAll(units);
        assertThat(result.events).extracting(e -> e.eventId)
                .containsExactly(id(records.get(0)), id(records.get(1)), id(records.get(2)));
        assertThat(result.deadLetters).extracting(d -> d.origin + " " + d.reason).containsExactly(file + ":3 empty record");
    }

    @Test
    void recordsFileAndSingleRecordFilesAreOneUnitEachPrettyOrNot() throws IOException {
        Path compactRecords = write("records.json", Corpus.bytes(Corpus.RECORDS_FILE));
        JsonNode record = EventJson.readTree(records.get(3));
        Path prettyRecord = write("pretty.json", Records.pretty(record));
        Path compactRecord = write("one.json", records.get(4) + "\n");
        Path prettyRecords = write("pretty-records.json",
                Records.pretty(Records.recordsFile(EventJson.readTree(records.get(5)), EventJson.readTree(records.get(6)))));

        for (Path file : List.of(compactRecords, prettyRecord, compactRecord, prettyRecords)) {
            assertThat(origins(CloudTrailInputs.readAll(List.of(file)))).containsExactly(file.toString());
        }
        assertThat(parseAll(CloudTrailInputs.readAll(List.of(compactRecords))).events).hasSize(Corpus.RECORD_COUNT);
        assertThat(parseAll(CloudTrailInputs.readAll(List.of(prettyRecord))).events)
                .extracting(e -> e.eventId).containsExactly(id(records.get(3)));
        assertThat(parseAll(CloudTrailInputs.readAll(List.of(prettyRecords))).events)
                .extracting(e -> e.eventId).containsExactly(id(records.get(5)), id(records.get(6)));
    }

    @Test
    void gzipFilesAreRecognisedByTheirBytesNotTheirName() throws IOException {
        String lines = String.join("\n", records) + "\n";
        Path gzLines = write("lines.jsonl.gz", Records.gzip(lines.getBytes(StandardCharsets.UTF_8)));
        Path unnamed = write("records-without-extension", Records.gzip(Corpus.bytes(Corpus.RECORDS_FILE)));

        List<RawInput> lineUnits = CloudTrailInputs.readAll(List.of(gzLines));
        List<RawInput> fileUnits = CloudTrailInputs.readAll(List.of(unnamed));

        assertThat(lineUnits).hasSize(Corpus.RECORD_COUNT);
        assertThat(lineUnits.get(311).origin).isEqualTo(gzLines + ":312");
        assertThat(parseAll(lineUnits).events).hasSize(Corpus.RECORD_COUNT);
        assertThat(origins(fileUnits)).containsExactly(unnamed.toString());
        assertThat(parseAll(fileUnits).events).hasSize(Corpus.RECORD_COUNT);
    }

    @Test
    void aGzipFileThatBreaksOffKeepsTheLinesBeforeTheBreakAndEndsInOneUnreadableUnit() throws IOException {
        byte[] gzipped = Records.gzip((String.join("\n", records) + "\n").getBytes(StandardCharsets.UTF_8));
        Path cut = write("cut.jsonl.gz", java.util.Arrays.copyOf(gzipped, gzipped.length / 2));
        Path header = write("header-only.json.gz", new byte[] {0x1f, (byte) 0x8b, 8});

        List<RawInput> units = CloudTrailInputs.readAll(List.of(cut));
        ParseResult result = parseAll(units);

        RawInput last = units.get(units.size() - 1);
        assertThat(last.readError).startsWith("gzip stream breaks off after line " + (units.size() - 1) + ": ");
        assertThat(last.origin).isEqualTo(cut + ":" + units.size());
        assertThat(result.events).hasSizeBetween(50, Corpus.RECORD_COUNT - 1);
        assertThat(result.events).extracting(e -> e.eventId)
                .containsExactlyElementsOf(records.subList(0, result.events.size()).stream()
                        .map(CloudTrailInputsTest::id).collect(Collectors.toList()));
        assertThat(result.deadLetters).extracting(d -> d.reason).last().asString()
                .startsWith("unreadable input: gzip stream breaks off after line");
        byte[] gzippedDocument = Records.gzip(Records.pretty(EventJson.readTree(
                new String(Corpus.bytes(Corpus.RECORDS_FILE), StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8));
        Path cutDocument = write("cut-document.json.gz", java.util.Arrays.copyOf(gzippedDocument, gzippedDocument.length / 2));
        List<DeadLetter> documentLetters = parseAll(CloudTrailInputs.readAll(List.of(cutDocument))).deadLetters;
        assertThat(documentLetters).extracting(d -> d.origin).containsOnly(cutDocument.toString()).hasSize(2);
        assertThat(documentLetters.get(0).reason).startsWith("malformed JSON at line");
        assertThat(documentLetters.get(1).reason)
                .isEqualTo("unreadable input: gzip stream breaks off: Unexpected end of ZLIB input stream");
        assertThat(parseAll(CloudTrailInputs.readAll(List.of(header))).deadLetters)
                .extracting(d -> d.origin + " " + d.reason)
                .as("broken before its first line: the file, not a line of it")
                .containsExactly(header + " unreadable input: gzip stream breaks off: unexpected end of data");
    }

    @Test
    void directoriesAreReadRecursivelyInPathOrderSkippingHiddenFiles() throws IOException {
        Path b = write("b/2.json", records.get(1));
        Path a = write("a/deeper/1.json", records.get(0));
        Path c = write("c.json", records.get(2));
        write(".hidden.json", records.get(3));
        write(".git/objects/x.json", records.get(4));
        write("_tmp/x.json", records.get(5));
        write("b/_SUCCESS", "");

        assertThat(CloudTrailInputs.files(List.of(dir))).containsExactly(a, b, c);
        assertThat(parseAll(CloudTrailInputs.readAll(List.of(dir))).events).extracting(e -> e.eventId)
                .containsExactly(id(records.get(0)), id(records.get(1)), id(records.get(2)));
    }

    @Test
    void aMissingPathIsAnErrorNotAnEmptyReplay() {
        assertThatThrownBy(() -> CloudTrailInputs.readAll(List.of(dir.resolve("nope"))))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("nope");
    }

    /** The delivery time comes from the file's name, whatever shape the file is and wherever it is read from. */
    @Test
    void everyUnitOfADeliveryFileCarriesTheDeliveryTimeOfItsName() throws IOException {
        long delivered = Instant.parse("2024-11-05T10:05:00Z").toEpochMilli();
        String name = "111122223333_CloudTrail_us-east-1_20241105T1005Z_Ab1.json";
        Path lines = write("lines/" + name, records.get(0) + "\n\n" + records.get(1) + "\n");
        Path gzipRecords = write("records/" + name + ".gz", Records.gzip(Corpus.bytes(Corpus.RECORDS_FILE)));
        Path ownExport = write(name.replace("_CloudTrail_", "-export-"), records.get(0) + "\n" + records.get(1) + "\n");

        assertThat(CloudTrailInputs.readAll(List.of(lines))).extracting(unit -> unit.origin.substring(dir.toString().length()) + " "
                + unit.deliveryTimeMillis).containsExactly("/lines/" + name + ":1 " + delivered,
                "/lines/" + name + ":2 " + delivered, "/lines/" + name + ":3 " + delivered);
        assertThat(CloudTrailInputs.readAll(List.of(gzipRecords))).singleElement()
                .satisfies(unit -> assertThat(unit.deliveryTimeMillis).isEqualTo(delivered));
        assertThat(CloudTrailInputs.readAll(List.of(ownExport))).hasSize(2)
                .allSatisfy(unit -> assertThat(unit.deliveryTimeMillis).isNull());
        try (FileUnits s3Object = new FileUnits("s3://archive/AWSLogs/111122223333/CloudTrail/us-east-1/2024/11/05/" + name,
                Files.newInputStream(lines), RawInput.MAX_UNIT_BYTES)) {
            assertThat(s3Object.next().deliveryTimeMillis).isEqualTo(delivered);
        }
    }

    @Test
    void anEmptyFileHasNoUnits() throws IOException {
        assertThat(CloudTrailInputs.readAll(List.of(write("empty.json", "")))).isEmpty();
        assertThat(CloudTrailInputs.readAll(List.of(write("blank.json", "\n \n")))).isEmpty();
    }

    @Test
    void fileFormatReadsUnitsInBatchesAndResumesAfterTheLastCheckpointedUnit() throws IOException {
        Path file = write("lines.jsonl", String.join("\n", records.subList(0, 10)) + "\n");
        org.apache.flink.core.fs.Path flinkPath = new org.apache.flink.core.fs.Path(file.toUri());
        long size = Files.size(file);
        CloudTrailFileFormat format = new CloudTrailFileFormat();

        List<RecordAndPosition<RawInput>> all = readAll(format.createReader(
                new Configuration(), new FileSourceSplit("0", flinkPath, 0, size, 0, size)));

        assertThat(all).extracting(r -> r.getRecord().origin)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 10)
                        .mapToObj(line -> flinkPath + ":" + line).collect(Collectors.toList()));
        assertThat(all).extracting(RecordAndPosition::getRecordSkipCount)
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);

        FileSourceSplit restored = new FileSourceSplit("0", flinkPath, 0, size, 0, size)
                .updateWithCheckpointedPosition(new CheckpointedPosition(CheckpointedPosition.NO_OFFSET, 7));
        List<RecordAndPosition<RawInput>> rest = readAll(format.restoreReader(new Configuration(), restored));

        assertThat(rest).extracting(r -> r.getRecord().origin)
                .containsExactly(flinkPath + ":8", flinkPath + ":9", flinkPath + ":10");
        assertThat(rest.get(0).getRecordSkipCount()).isEqualTo(8L);
    }

    private static List<RecordAndPosition<RawInput>> readAll(BulkFormat.Reader<RawInput> reader) throws IOException {
        List<RecordAndPosition<RawInput>> all = new ArrayList<>();
        try (reader) {
            BulkFormat.RecordIterator<RawInput> batch;
            while ((batch = reader.readBatch()) != null) {
                RecordAndPosition<RawInput> next;
                while ((next = batch.next()) != null) {
                    all.add(new RecordAndPosition<>(next.getRecord(), next.getOffset(), next.getRecordSkipCount()));
                }
                batch.releaseBatch();
            }
        }
        return all;
    }

    private ParseResult parseAll(List<RawInput> units) {
        ParseResult result = new ParseResult();
        units.forEach(unit -> parser.parse(unit, result));
        return result;
    }
}
