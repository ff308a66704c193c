package io.trailwarden.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The process-wide decompression budget against gzip bombs: a bomb is refused as a dead letter naming
 * its file as soon as its unit passes a quarter of the budget, readers side by side share one budget,
 * and a good file read beside two bombs still gives every record.
 */
class DecompressionBudgetTest {
    private static final int BUDGET = 8 << 20;

    static byte[] gzipOfZeros(long bytes) throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] zeros = new byte[1 << 20];
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed, 1 << 16)) {
            for (long written = 0; written < bytes; written += zeros.length) {
                gzip.write(zeros, 0, (int) Math.min(zeros.length, bytes - written));
            }
        }
        return compressed.toByteArray();
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return compressed.toByteArray();
    }

    private static List<RawInput> read(String origin, byte[] content, DecompressionBudget budget) throws IOException {
        List<RawInput> units = new ArrayList<>();
        try (FileUnits file = new FileUnits(origin, new ByteArrayInputStream(content), RawInput.MAX_UNIT_BYTES, budget)) {
            RawInput unit;
            while ((unit = file.next()) != null) {
                units.add(unit);
            }
        }
        return units;
    }

    @Test
    void aBombIsOneDeadLetterNamingTheBudgetAndItsFile() throws IOException {
        DecompressionBudget budget = new DecompressionBudget(BUDGET);
        byte[] bomb = gzipOfZeros(64L << 20);

        List<RawInput> units = read("bomb.json.gz", bomb, budget);

        assertThat(units).hasSize(1);
        assertThat(units.get(0).origin).isEqualTo("bomb.json.gz");
        assertThat(units.get(0).readError).contains("decompression budget").contains("2 MiB").contains("8 MiB")
                .contains("rest of the file is skipped");
        assertThat(budget.held()).isZero();
    }

    @Test
    void aLineOverTheBudgetEndsTheFileThereAndTheLinesBeforeItAreKept() throws IOException {
        DecompressionBudget budget = new DecompressionBudget(BUDGET);
        String good = "{\"eventID\":\"a\"}\n{\"eventID\":\"b\"}\n";
        String huge = "{\"x\":\"" + "A".repeat(3 << 20) + "\"}\n";

        List<RawInput> units = read("mixed.jsonl.gz", gzip(good + huge + good), budget);

        assertThat(units).extracting(unit -> unit.origin)
                .containsExactly("mixed.jsonl.gz:1", "mixed.jsonl.gz:2", "mixed.jsonl.gz:3");
        assertThat(units.get(2).readError).contains("decompression budget");
        assertThat(units.get(0).readError).isNull();
        assertThat(budget.held()).isZero();
    }

    /**
     * A JSON-lines file whose first line is cut used to be read as one document: past the per-unit
     * budget its 4 MiB of good lines were one refused unit. Two complete values on the next two lines
     * show it is JSON lines, so each line is a unit and only the cut one is bad.
     */
    @Test
    void aJsonLinesFileWithACutFirstLineIsStillReadLineByLine() throws IOException {
        DecompressionBudget budget = new DecompressionBudget(BUDGET);
        StringBuilder text = new StringBuilder("{\"eventID\":\"cut\n");
        int records = 0;
        while (text.length() < 4 << 20) {
            text.append("{\"eventID\":\"").append(records++).append("\",\"eventName\":\"GetObject\"}\n");
        }

        List<RawInput> units = read("cut.jsonl.gz", gzip(text.toString()), budget);

        assertThat(units).hasSize(records + 1).allSatisfy(unit -> assertThat(unit.readError).isNull());
        assertThat(new String(units.get(0).bytes, StandardCharsets.UTF_8)).isEqualTo("{\"eventID\":\"cut");
        assertThat(units.get(records).origin).isEqualTo("cut.jsonl.gz:" + (records + 1));
        assertThat(new String(units.get(records).bytes, StandardCharsets.UTF_8))
                .isEqualTo("{\"eventID\":\"" + (records - 1) + "\",\"eventName\":\"GetObject\"}");
        assertThat(budget.held()).isZero();
    }

    @Test
    void blankLinesReadAheadOfACutFirstLineKeepTheirNumbers() throws IOException {
        List<RawInput> units = read("cut.jsonl", "{\"cut\n\n{\"a\":1}\n\n\n{\"b\":2}\n{\"c\":3}\n"
                .getBytes(StandardCharsets.UTF_8), new DecompressionBudget(BUDGET));

        assertThat(units).extracting(unit -> unit.origin + " " + new String(unit.bytes, StandardCharsets.UTF_8))
                .containsExactly("cut.jsonl:1 {\"cut", "cut.jsonl:2 ", "cut.jsonl:3 {\"a\":1}", "cut.jsonl:4 ",
                        "cut.jsonl:5 ", "cut.jsonl:6 {\"b\":2}", "cut.jsonl:7 {\"c\":3}");
    }

    /** Two values on consecutive lines never occur inside one JSON document, so a document is never split. */
    @Test
    void aDocumentWhoseNextLinesIncludeOneValueStaysOneDocumentByteForByte() throws IOException {
        String document = "{\"Records\": [\n\n  {\"eventID\":\"a\"}\n\n]}\n";
        String twoRecords = "{\"Records\": [\n  {\"eventID\":\"a\"}\n  ,{\"eventID\":\"b\"}\n]}\n";

        assertThat(read("one.json", document.getBytes(StandardCharsets.UTF_8), new DecompressionBudget(BUDGET)))
                .singleElement().satisfies(unit -> {
                    assertThat(unit.origin).isEqualTo("one.json");
                    assertThat(new String(unit.bytes, StandardCharsets.UTF_8)).isEqualTo(document);
                });
        assertThat(read("two.json", twoRecords.getBytes(StandardCharsets.UTF_8), new DecompressionBudget(BUDGET)))
                .singleElement().satisfies(unit -> assertThat(new String(unit.bytes, StandardCharsets.UTF_8))
                        .isEqualTo(twoRecords));
    }

    @Test
    void aPlainFileWithoutLineBreaksIsBoundedToo() throws IOException {
        DecompressionBudget budget = new DecompressionBudget(BUDGET);

        List<RawInput> units = read("zeros.json", new byte[16 << 20], budget);

        assertThat(units).singleElement().satisfies(unit -> assertThat(unit.readError).contains("decompression budget"));
    }

    @Test
    void twoBombsBesideAGoodFileShareOneBudgetAndTheGoodFileIsReadWhole() throws Exception {
        DecompressionBudget budget = new DecompressionBudget(BUDGET);
        byte[] bomb = gzipOfZeros(256L << 20);
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            records.append("{\"eventID\":\"").append(i).append("\",\"pad\":\"").append("x".repeat(100)).append("\"}\n");
        }
        byte[] good = gzip(records.toString());
        ExecutorService readers = Executors.newFixedThreadPool(3);
        try {
            List<Callable<List<RawInput>>> reads = List.of(
                    () -> read("bomb-1.json.gz", bomb, budget),
                    () -> read("good.jsonl.gz", good, budget),
                    () -> read("bomb-2.json.gz", bomb, budget));
            List<Future<List<RawInput>>> results = readers.invokeAll(reads);

            assertThat(results.get(0).get()).singleElement()
                    .satisfies(unit -> assertThat(unit.readError).contains("decompression budget"));
            assertThat(results.get(2).get()).singleElement()
                    .satisfies(unit -> assertThat(unit.readError).contains("decompression budget"));
            assertThat(results.get(1).get()).hasSize(20_000).allSatisfy(unit -> assertThat(unit.readError).isNull());
        } finally {
            readers.shutdownNow();
        }
        assertThat(budget.held()).isZero();
    }

    @Test
    void aReaderWaitsForBudgetOthersHoldAndGetsIt() throws Exception {
        DecompressionBudget budget = new DecompressionBudget(BUDGET);
        assertThat(budget.reserve(BUDGET)).isTrue();
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            budget.release(BUDGET);
        });
        releaser.start();

        List<RawInput> units = read("waits.json", "{\"Records\":[]}".getBytes(StandardCharsets.UTF_8), budget);

        releaser.join();
        assertThat(units).singleElement().satisfies(unit -> assertThat(unit.readError).isNull());
        assertThat(budget.held()).isZero();
    }

    @Test
    void gunzipNeverGrowsPastItsLimitAndReleasesWhatItHeldWhenTheContentPassesIt() throws IOException {
        DecompressionBudget budget = new DecompressionBudget(BUDGET);
        int limit = 1 << 20;

        byte[] atTheLimit = gzipOfZeros(limit);
        UnitBuffer exact = Gzip.gunzip(atTheLimit, 0, atTheLimit.length, limit, budget);
        assertThat(exact.length()).isEqualTo(limit);
        assertThat(exact.array()).hasSize(limit);
        assertThat(budget.held()).isEqualTo(limit);
        exact.discard();

        byte[] oneMore = gzipOfZeros(limit + 1);
        assertThatThrownBy(() -> Gzip.gunzip(oneMore, 0, oneMore.length, limit, budget))
                .isInstanceOf(Gzip.TooLargeException.class);
        assertThat(budget.held()).isZero();
    }
}
