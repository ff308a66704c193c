package io.trailwarden.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trailwarden.config.DetectionConfig;
import io.trailwarden.source.DecompressionBudget;
import io.trailwarden.source.RawInput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A gzip unit the parser inflates (a Kinesis record, the inner layer of a delivery file gzipped twice)
 * draws on the process's one decompression budget, as the file readers do: past its share it is a
 * dead letter naming the budget, its neighbours still parse, and its charge is held while it is parsed
 * and released afterwards, whether parsing succeeded, failed or the output threw.
 */
class ParserDecompressionBudgetTest {
    private static final int BUDGET = 4 << 20;
    private static final byte[] GOOD_FILE = Records.gzip(Corpus.bytes(Corpus.RECORDS_FILE));

    private static CloudTrailParser parser(DecompressionBudget budget) {
        return new CloudTrailParser(CloudTrailParser.DEFAULT_MAX_RECORD_BYTES, RawInput.MAX_UNIT_BYTES,
                AdmissionPolicy.archives(DetectionConfig.defaults()), budget);
    }

    /** Counts the events, and the most the budget held while they were emitted. */
    private static final class Watching implements CloudTrailParser.ParseOutput {
        private final DecompressionBudget budget;
        int events;
        int deadLetters;
        long heldWhileEmitting;

        Watching(DecompressionBudget budget) {
            this.budget = budget;
        }

        @Override
        public void event(CloudTrailEvent event) {
            heldWhileEmitting = Math.max(heldWhileEmitting, budget.held());
            events++;
        }

        @Override
        public void deadLetter(DeadLetter deadLetter) {
            deadLetters++;
        }
    }

    @Test
    void aGzipRecordPastItsShareIsADeadLetterNamingTheBudgetAndTheNextUnitParses() {
        DecompressionBudget budget = new DecompressionBudget(BUDGET);
        CloudTrailParser parser = parser(budget);
        // Within the parser's own unit limit of 256 MiB: only the budget stands in its way.
        byte[] bomb = Records.gzip(new byte[16 << 20]);

        ParseResult bombed = parser.parseAll(RawInput.of("stream/shard-1/1", bomb));
        ParseResult good = parser.parseAll(RawInput.of("stream/shard-1/2", GOOD_FILE));

        assertThat(bombed.events).isEmpty();
        assertThat(bombed.deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.stage).isEqualTo(CloudTrailParser.STAGE);
            assertThat(letter.origin).isEqualTo("stream/shard-1/1");
            assertThat(letter.reason).isEqualTo("gzip input not inflated: decompresses beyond the decompression"
                    + " budget: one unit may hold 1 MiB of the process's 4 MiB");
            assertThat(letter.rawLength).isEqualTo(bomb.length);
        });
        assertThat(good.deadLetters).isEmpty();
        assertThat(good.events).hasSize(Corpus.RECORD_COUNT);
        assertThat(budget.held()).isZero();
    }

    @Test
    void theInflatedUnitIsChargedWhileItsEventsAreEmitted() {
        DecompressionBudget budget = new DecompressionBudget(BUDGET);
        Watching out = new Watching(budget);

        parser(budget).parse(RawInput.of("file.json.gz", GOOD_FILE), out);

        assertThat(out.deadLetters).isZero();
        assertThat(out.events).isEqualTo(Corpus.RECORD_COUNT);
        assertThat(out.heldWhileEmitting).isGreaterThanOrEqualTo(Corpus.bytes(Corpus.RECORDS_FILE).length);
        assertThat(budget.held()).isZero();
    }

    /** The job's parser is shipped to its task managers serialized, and must inflate within theirs. */
    @Test
    void aParserShippedToAnotherProcessDrawsOnThatProcessesBudget() throws Exception {
        ByteArrayOutputStream shipped = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(shipped)) {
            out.writeObject(parser(new DecompressionBudget(BUDGET)));
        }
        CloudTrailParser received;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(shipped.toByteArray()))) {
            received = (CloudTrailParser) in.readObject();
        }
        Watching out = new Watching(DecompressionBudget.PROCESS);

        received.parse(RawInput.of("file.json.gz", GOOD_FILE), out);

        assertThat(out.deadLetters).isZero();
        assertThat(out.events).isEqualTo(Corpus.RECORD_COUNT);
        assertThat(out.heldWhileEmitting).isGreaterThanOrEqualTo(Corpus.bytes(Corpus.RECORDS_FILE).length);
    }

    @Test
    void everyOutcomeReleasesItsChargeSoAThousandUnitsLeaveTheBudgetEmpty() {
        DecompressionBudget budget = new DecompressionBudget(BUDGET);
        CloudTrailParser parser = parser(budget);
        byte[] record = Corpus.records().get(0).getBytes(StandardCharsets.UTF_8);
        byte[] good = Records.gzip(record);
        byte[] notJson = Records.gzip(Arrays.copyOf(record, record.length - 1));
        byte[] truncated = Arrays.copyOf(GOOD_FILE, GOOD_FILE.length / 2);
        byte[] bomb = Records.gzip(new byte[2 << 20]);
        CloudTrailParser.ParseOutput failingDownstream = new CloudTrailParser.ParseOutput() {
            @Override
            public void event(CloudTrailEvent event) {
                throw new IllegalStateException("downstream operator failed");
            }

            @Override
            public void deadLetter(DeadLetter deadLetter) {
                throw new IllegalStateException("downstream operator failed");
            }
        };
        int events = 0;

        for (int unit = 0; unit < 1_000; unit++) {
            String origin = "stream/shard-1/" + unit;
            switch (unit % 5) {
                case 0:
                    events += parser.parseAll(RawInput.of(origin, good)).events.size();
                    break;
                case 1:
                    assertThat(parser.parseAll(RawInput.of(origin, notJson)).deadLetters).singleElement()
                            .satisfies(letter -> assertThat(letter.reason).startsWith("malformed JSON"));
                    break;
                case 2:
                    assertThat(parser.parseAll(RawInput.of(origin, truncated)).deadLetters).singleElement()
                            .satisfies(letter -> assertThat(letter.reason).startsWith("gzip input is corrupt: "));
                    break;
                case 3:
                    assertThat(parser.parseAll(RawInput.of(origin, bomb)).deadLetters).singleElement()
                            .satisfies(letter -> assertThat(letter.reason).contains("decompression budget"));
                    break;
                default:
                    assertThatThrownBy(() -> parser.parse(RawInput.of(origin, good), failingDownstream))
                            .hasMessage("downstream operator failed");
            }
            assertThat(budget.held()).as("held after unit %d", unit).isZero();
        }
        assertThat(events).isEqualTo(200);
    }
}
