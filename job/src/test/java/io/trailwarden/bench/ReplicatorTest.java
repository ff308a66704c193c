package io.trailwarden.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.Corpus;
import io.trailwarden.event.ParseResult;
import io.trailwarden.source.RawInput;
import io.trailwarden.testing.BenignWorkload;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The benchmark inputs read back through the real parser: two and a half copies of the corpus
 * timeline, and one copy and a thousand records of the mixed one.
 */
class ReplicatorTest {
    private static Replicator corpus;
    private static Replicator mixed;
    private static List<CloudTrailEvent> corpusEvents;
    private static List<CloudTrailEvent> mixedEvents;

    @BeforeAll
    static void replicateBoth() {
        corpus = Replicator.fromCorpus(Corpus.RECORD_COUNT * 5L / 2);
        corpusEvents = parse(corpus, Corpus.RECORD_COUNT * 5L / 2);
        mixed = Replicator.mixed(Replicator.BENIGN_PER_CORPUS * 2L);
        mixedEvents = parse(mixed, mixed.size() + 1_000L);
    }

    /** Every record; a dead letter (a future-dated copy, say) fails the test. */
    private static List<CloudTrailEvent> parse(Replicator replicator, long events) {
        CloudTrailParser parser = new CloudTrailParser();
        List<CloudTrailEvent> parsed = new ArrayList<>();
        List<Object> deadLetters = new ArrayList<>();
        for (long i = 0; i < events; i++) {
            ParseResult result = parser.parseAll(RawInput.of("bench", replicator.record(i)));
            deadLetters.addAll(result.deadLetters);
            parsed.addAll(result.events);
        }
        assertThat(deadLetters).isEmpty();
        assertThat(parsed).hasSize((int) events);
        return parsed;
    }

    @Test
    void everyRecordParsesWithAnIdNoOtherRecordHas() {
        for (List<CloudTrailEvent> events : List.of(corpusEvents, mixedEvents)) {
            Set<String> ids = new HashSet<>();
            events.forEach(event -> ids.add(event.eventId));
            assertThat(ids).hasSameSizeAs(events);
        }
    }

    @Test
    void eachRecordCarriesItsTimeAsInstantPrintsIt() {
        for (Replicator replicator : List.of(corpus, mixed)) {
            List<CloudTrailEvent> events = replicator == corpus ? corpusEvents : mixedEvents;
            for (int i = 0; i < events.size(); i++) {
                String expected = Instant.ofEpochMilli(replicator.timeOf(i)).toString();
                assertThat(replicator.eventTime(replicator.timeOf(i))).isEqualTo(expected);
                assertThat(events.get(i).eventTimeMillis).isEqualTo(replicator.timeOf(i));
            }
        }
        for (long millis : new long[] {0, 999, 1_000, 86_399_999, 1_719_792_000_123L, 1_719_878_399_010L}) {
            assertThat(mixed.eventTime(millis)).isEqualTo(Instant.ofEpochMilli(millis).toString());
        }
    }

    @Test
    void timeNeverGoesBackwardsInsideACopyOrFromOneCopyToTheNext() {
        for (List<CloudTrailEvent> events : List.of(corpusEvents, mixedEvents)) {
            assertThat(events).isSortedAccordingTo(Comparator.comparingLong(event -> event.eventTimeMillis));
        }
    }

    @Test
    void theMixedInputHasTheCorpusOncePerCopyAsOneToTwoPercentOfItsEvents() {
        long attackRecords = mixedEvents.stream()
                .filter(event -> !BenignWorkload.ACCOUNT.equals(event.recipientAccountId)).count();
        assertThat(attackRecords).isEqualTo(mixed.attacksIn(mixedEvents.size()));
        assertThat(mixed.attacksIn(mixed.size())).isEqualTo(Corpus.RECORD_COUNT);
        assertThat(mixed.attacksIn(mixedEvents.size()) / (double) mixedEvents.size()).isBetween(0.01, 0.02);
        assertThat(corpus.attacksIn(corpusEvents.size())).isEqualTo(corpusEvents.size());
    }

    @Test
    void theCorpusInsideTheMixedInputKeepsTheCorpusInputsTimings() {
        List<Long> corpusGaps = gaps(corpusEvents.subList(0, Corpus.RECORD_COUNT));
        List<CloudTrailEvent> attacksOfFirstCopy = new ArrayList<>();
        for (CloudTrailEvent event : mixedEvents.subList(0, mixed.size())) {
            if (!BenignWorkload.ACCOUNT.equals(event.recipientAccountId)) {
                attacksOfFirstCopy.add(event);
            }
        }
        assertThat(gaps(attacksOfFirstCopy)).isEqualTo(corpusGaps);
        assertThat(attacksOfFirstCopy.get(0).eventTimeMillis).isGreaterThan(mixedEvents.get(0).eventTimeMillis);
        assertThat(attacksOfFirstCopy.get(attacksOfFirstCopy.size() - 1).eventTimeMillis)
                .isLessThan(mixedEvents.get(mixed.size() - 1).eventTimeMillis);
    }

    private static List<Long> gaps(List<CloudTrailEvent> events) {
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < events.size(); i++) {
            gaps.add(events.get(i).eventTimeMillis - events.get(i - 1).eventTimeMillis);
        }
        return gaps;
    }
}
