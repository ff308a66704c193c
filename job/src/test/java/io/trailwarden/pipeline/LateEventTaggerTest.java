package io.trailwarden.pipeline;

import static io.trailwarden.pipeline.TestEvents.FIVE_MIN_LATER;
import static io.trailwarden.pipeline.TestEvents.ONE_MIN_LATER;
import static io.trailwarden.pipeline.TestEvents.T0;
import static io.trailwarden.pipeline.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.DeadLetter;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LateEventTaggerTest {
    private static final Instant SIX_MIN_LATER = FIVE_MIN_LATER.plusSeconds(60);

    private LateEventTagger tagger;
    private OneInputStreamOperatorTestHarness<CloudTrailEvent, CloudTrailEvent> harness;

    @BeforeEach
    void open() throws Exception {
        tagger = new LateEventTagger();
        harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(tagger));
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void nothingIsLateBeforeTheFirstWatermark() throws Exception {
        CloudTrailEvent ancient = event("CreateUser", "a", Instant.parse("2019-01-01T00:00:00Z")).build();
        process(ancient);

        assertThat(harness.extractOutputValues()).containsExactly(ancient);
        assertThat(lateLetters()).isEmpty();
        assertThat(tagger.lateEventsCounted()).isZero();
    }

    @Test
    void eventsBehindTheWatermarkAreForwardedAndAccountedFor() throws Exception {
        CloudTrailEvent onTime = event("CreateUser", "on-time", SIX_MIN_LATER).build();
        CloudTrailEvent late = event("AttachUserPolicy", "late", ONE_MIN_LATER).build();
        CloudTrailEvent atTheWatermark = event("CreateAccessKey", "at-watermark", FIVE_MIN_LATER).build();
        harness.processWatermark(FIVE_MIN_LATER.toEpochMilli());
        process(onTime, late, atTheWatermark);

        assertThat(harness.extractOutputValues()).containsExactly(onTime, late, atTheWatermark);
        List<DeadLetter> letters = lateLetters();
        assertThat(letters).extracting(letter -> letter.origin)
                .containsExactly("eventID late", "eventID at-watermark");
        assertThat(letters).allSatisfy(letter -> assertThat(letter.stage).isEqualTo(LateEventTagger.STAGE));
        assertThat(letters.get(0).raw).isEqualTo(late.rawJson());
        assertThat(letters.get(0).reason)
                .startsWith("event time " + ONE_MIN_LATER + " is 240000 ms behind the watermark " + FIVE_MIN_LATER);
        assertThat(tagger.lateEventsCounted()).isEqualTo(2);
    }

    @Test
    void lateIsJudgedAgainstTheCurrentWatermark() throws Exception {
        CloudTrailEvent first = event("ListUsers", "first", ONE_MIN_LATER).build();
        CloudTrailEvent second = event("ListUsers", "second", ONE_MIN_LATER).build();
        harness.processWatermark(T0.toEpochMilli());
        process(first);
        harness.processWatermark(FIVE_MIN_LATER.toEpochMilli());
        process(second);

        assertThat(lateLetters()).extracting(letter -> letter.origin).containsExactly("eventID second");
    }

    /** The flood a forged future date caused: every late event is counted, few become dead letters. */
    @Test
    void aFloodOfLateEventsIsCountedInFullButSampledBoundedPerMinute() throws Exception {
        harness.setProcessingTime(0);
        harness.processWatermark(FIVE_MIN_LATER.toEpochMilli());
        for (int i = 0; i < 1000; i++) {
            process(event("ListUsers", "first-minute-" + i, ONE_MIN_LATER).build());
        }
        harness.setProcessingTime(60_000);
        for (int i = 0; i < 5; i++) {
            process(event("ListUsers", "second-minute-" + i, ONE_MIN_LATER).build());
        }

        assertThat(harness.extractOutputValues()).hasSize(1005);
        assertThat(tagger.lateEventsCounted()).isEqualTo(1005);
        List<DeadLetter> letters = lateLetters();
        assertThat(letters).hasSize(LateEventTagger.SAMPLES_PER_MINUTE + 5);
        assertThat(letters.get(LateEventTagger.SAMPLES_PER_MINUTE - 1).origin).isEqualTo("eventID first-minute-9");
        DeadLetter firstOfSecondMinute = letters.get(LateEventTagger.SAMPLES_PER_MINUTE);
        assertThat(firstOfSecondMinute.origin).isEqualTo("eventID second-minute-0");
        assertThat(firstOfSecondMinute.reason).endsWith("; 990 more late events since the previous sample were counted"
                + " in lateEvents only");
        assertThat(letters.get(LateEventTagger.SAMPLES_PER_MINUTE + 1).reason).doesNotContain("more late events");
    }

    private void process(CloudTrailEvent... events) throws Exception {
        for (CloudTrailEvent event : events) {
            harness.processElement(event, event.eventTimeMillis);
        }
    }

    private List<DeadLetter> lateLetters() {
        if (harness.getSideOutput(LateEventTagger.LATE_EVENTS) == null) {
            return List.of();
        }
        return harness.getSideOutput(LateEventTagger.LATE_EVENTS).stream()
                .map(StreamRecord::getValue).collect(Collectors.toList());
    }
}
