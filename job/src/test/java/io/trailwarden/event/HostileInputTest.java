package io.trailwarden.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.source.CloudTrailInputs;
import io.trailwarden.source.RawInput;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code hostile/hostile.jsonl.gz} (written by {@code make_hostile.py} next to it) interleaves real
 * records with malformed and hostile lines: each bad line is exactly one dead letter with its own
 * reason, and every valid line around them parses.
 */
class HostileInputTest {
    private static final String HOSTILE = "/hostile/hostile.jsonl.gz";
    private static final int LINES = 24;
    /** Line number to the expected reason, or to the start of it where Jackson words the rest. */
    private static final Map<Integer, String> BAD_LINES = new LinkedHashMap<>();

    static {
        BAD_LINES.put(2, "malformed JSON at line 1 column 301: Unexpected end-of-input");
        BAD_LINES.put(4, "field eventName is a number, expected a string");
        BAD_LINES.put(5, "field eventName is an object, expected a string");
        BAD_LINES.put(7, "record too large (5243906 bytes)");
        BAD_LINES.put(8, "malformed JSON at line 1 column 4: Invalid UTF-8 start byte 0xa6");
        BAD_LINES.put(9, "empty record");
        BAD_LINES.put(10, "not a CloudTrail record: a JSON array");
        BAD_LINES.put(11, "not a CloudTrail record: a JSON number");
        BAD_LINES.put(12, "malformed JSON: Document nesting depth (1001) exceeds the maximum allowed (1000");
        BAD_LINES.put(14, "missing eventTime");
        BAD_LINES.put(15, "eventTime \"yesterday\" is not a usable timestamp");
        BAD_LINES.put(16, "field userIdentity is a string, expected an object");
        BAD_LINES.put(17, "EventBridge detail-type \"EC2 Instance State-change Notification\" is not a CloudTrail record");
        BAD_LINES.put(18, "malformed JSON");
        BAD_LINES.put(19, "malformed JSON at line 1 column");
        BAD_LINES.put(20, "malformed JSON at line 1 column 14: Illegal unquoted character ((CTRL-CHAR, code 1))");
        BAD_LINES.put(22, "field readOnly is \"maybe\", expected a boolean");
        BAD_LINES.put(23, "empty record");
    }

    private final CloudTrailParser parser = new CloudTrailParser();

    /** The eventIDs of the valid lines, read from the file itself with a plain JSON reader. */
    private static List<String> validEventIds(byte[] content) {
        String[] lines = new String(content, StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(LINES);
        List<String> ids = new ArrayList<>();
        for (int line = 1; line <= LINES; line++) {
            if (!BAD_LINES.containsKey(line)) {
                ids.add(EventJson.readTree(lines[line - 1]).get("eventID").asText());
            }
        }
        return ids;
    }

    private static byte[] decompressed() throws Exception {
        try (java.util.zip.GZIPInputStream in =
                new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(Corpus.bytes(HOSTILE)))) {
            return in.readAllBytes();
        }
    }

    @Test
    void eachBadLineOfTheFileIsOneDeadLetterAndEveryValidLineParses() throws Exception {
        Path file = Corpus.path(HOSTILE);
        ParseResult all = new ParseResult();
        for (RawInput unit : CloudTrailInputs.readAll(List.of(file))) {
            parser.parse(unit, all);
        }

        assertThat(all.events).extracting(e -> e.eventId).containsExactlyElementsOf(validEventIds(decompressed()));
        assertDeadLetters(all.deadLetters, file.toString());
    }

    @Test
    void theSameContentAsOneUnitGivesTheSameVerdicts() throws Exception {
        byte[] content = decompressed();

        ParseResult result = parser.parseAll(RawInput.of("batch", content));

        assertThat(result.events).extracting(e -> e.eventId).containsExactlyElementsOf(validEventIds(content));
        assertDeadLetters(result.deadLetters, "batch");
    }

    @Test
    void theSameContentGzippedInOneUnitGivesTheSameVerdicts() throws Exception {
        ParseResult result = parser.parseAll(RawInput.of("batch", Corpus.bytes(HOSTILE)));

        assertThat(result.events).extracting(e -> e.eventId).containsExactlyElementsOf(validEventIds(decompressed()));
        assertDeadLetters(result.deadLetters, "batch");
    }

    private static void assertDeadLetters(List<DeadLetter> deadLetters, String origin) {
        assertThat(deadLetters).extracting(d -> d.origin)
                .containsExactlyElementsOf(BAD_LINES.keySet().stream().map(line -> origin + ":" + line).collect(Collectors.toList()));
        int index = 0;
        for (Map.Entry<Integer, String> expected : BAD_LINES.entrySet()) {
            DeadLetter letter = deadLetters.get(index++);
            assertThat(letter.reason).as("line %d", expected.getKey()).startsWith(expected.getValue());
            assertThat(letter.stage).isEqualTo("parse");
            assertThat(letter.raw.length()).isLessThanOrEqualTo(DeadLetter.MAX_RAW_CHARS);
        }
        assertThat(deadLetters.get(index(18)).reason).contains("Duplicate field 'eventName'");
        assertThat(deadLetters.get(index(19)).reason).contains("Trailing token");
    }

    private static int index(int line) {
        return new ArrayList<>(BAD_LINES.keySet()).indexOf(line);
    }

    @Test
    void aHugeRecordIsCutInItsDeadLetterButItsLengthKept() throws Exception {
        ParseResult result = parser.parseAll(RawInput.of("batch", decompressed()));
        DeadLetter huge = result.deadLetters.get(index(7));

        assertThat(huge.rawLength).isEqualTo(5_243_906L);
        assertThat(huge.raw).hasSize(DeadLetter.MAX_RAW_CHARS).startsWith("{\"awsRegion\"");
    }

    @Test
    void aRecordsFileLargerThanOneRecordStreamsItsElementsAndRejectsOnlyTheHugeOne() {
        CloudTrailParser small = new CloudTrailParser(64 * 1024);
        List<JsonNode> elements = new ArrayList<>();
        for (String record : Corpus.records()) {
            elements.add(EventJson.readTree(record));
        }
        ObjectNode huge = (ObjectNode) elements.get(5).deepCopy();
        huge.putObject("requestParameters").put("blob", "x".repeat(100_000));
        elements.add(5, huge);
        String file = Records.recordsFile(elements.toArray(new JsonNode[0])).toString();
        assertThat(file.length()).isGreaterThan(64 * 1024);

        ParseResult result = small.parseAll(Records.unit("big.json", file));

        assertThat(result.events).hasSize(Corpus.RECORD_COUNT);
        assertThat(result.deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.origin).isEqualTo("big.json#Records[5]");
            assertThat(letter.reason).isEqualTo("record too large (" + huge.toString().length() + " bytes)");
        });
        List<String> records = Corpus.records();
        for (int i = 0; i < records.size(); i++) {
            assertThat(EventJson.readTree(result.events.get(i).rawJson())).isEqualTo(EventJson.readTree(records.get(i)));
        }
    }

    @Test
    void aTruncatedLargeRecordsFileKeepsWhatCameBeforeTheCut() {
        CloudTrailParser small = new CloudTrailParser(4 * 1024);
        String file = new String(Corpus.bytes(Corpus.RECORDS_FILE), StandardCharsets.UTF_8);
        String cut = file.substring(0, file.indexOf("{\"awsRegion\"", file.length() / 2) + 20);

        ParseResult result = small.parseAll(Records.unit("cut.json", cut));

        assertThat(result.events).hasSizeBetween(100, Corpus.RECORD_COUNT - 1);
        assertThat(result.deadLetters).singleElement().satisfies(letter ->
                assertThat(letter.reason).startsWith("Records file stops being valid JSON: malformed JSON"));
    }

    @Test
    void aGzipBombIsOneDeadLetter() {
        CloudTrailParser bounded = new CloudTrailParser(1 << 20, 4 << 20);
        byte[] spaces = new byte[16 << 20];
        Arrays.fill(spaces, (byte) ' ');
        byte[] bomb = Records.gzip(spaces);
        assertThat(bomb.length).isLessThan(64 * 1024);

        ParseResult result = bounded.parseAll(RawInput.of("bomb.gz", bomb));

        assertThat(result.events).isEmpty();
        assertThat(result.deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.reason).isEqualTo("gzip input decompresses to more than 4194304 bytes");
            assertThat(letter.rawLength).isEqualTo(bomb.length);
        });
    }

    @Test
    void corruptGzipIsOneDeadLetter() {
        byte[] gzipped = Records.gzip(Corpus.bytes(Corpus.RECORDS_FILE));
        byte[] cut = Arrays.copyOf(gzipped, gzipped.length / 2);

        ParseResult result = parser.parseAll(RawInput.of("cut.gz", cut));

        assertThat(result.events).isEmpty();
        assertThat(result.deadLetters).singleElement().satisfies(letter ->
                assertThat(letter.reason).startsWith("gzip input is corrupt: "));
    }

    @Test
    void controlCharactersInReasonsAreEscaped() {
        ObjectNode envelope = Records.envelope("Evil\n\u001b[31mred via EventBridge", Corpus.first(r -> true));

        ParseResult result = parser.parseAll(Records.unit("k", envelope));

        assertThat(result.deadLetters.get(0).reason)
                .isEqualTo("EventBridge detail-type \"Evil\\u000a\\u001b[31mred via EventBridge\" is not a CloudTrail record");
    }

    @Test
    void anExceptionOfTheReceiverPropagatesInsteadOfBecomingADeadLetter() {
        IllegalStateException downstream = new IllegalStateException("downstream operator failed");
        List<DeadLetter> deadLetters = new ArrayList<>();
        CloudTrailParser.ParseOutput failing = new CloudTrailParser.ParseOutput() {
            @Override
            public void event(CloudTrailEvent event) {
                throw downstream;
            }

            @Override
            public void deadLetter(DeadLetter deadLetter) {
                deadLetters.add(deadLetter);
            }
        };
        String bigRecordsFile = new String(Corpus.bytes(Corpus.RECORDS_FILE), StandardCharsets.UTF_8);

        assertThatThrownBy(() -> parser.parse(Records.unit("k", Corpus.records().get(0)), failing)).isSameAs(downstream);
        assertThatThrownBy(() -> new CloudTrailParser(4096).parse(Records.unit("k", bigRecordsFile), failing))
                .isSameAs(downstream);
        assertThat(deadLetters).isEmpty();
    }

    @Test
    void unitsOfJunkBytesNeverThrow() {
        java.util.Random random = new java.util.Random(42);
        for (int round = 0; round < 2000; round++) {
            byte[] bytes = new byte[random.nextInt(200)];
            random.nextBytes(bytes);
            ParseResult result = parser.parseAll(RawInput.of("junk", bytes));
            assertThat(result.events.size() + result.deadLetters.size()).isPositive();
        }
    }
}
