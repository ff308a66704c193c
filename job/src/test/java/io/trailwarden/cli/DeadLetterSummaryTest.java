package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.event.DeadLetter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadLetterSummaryTest {
    @Test
    void deadLettersAreCountedByStageWithTheFirstOnesShown() {
        DeadLetterSummary summary = new DeadLetterSummary();
        for (int i = 0; i < DeadLetterSummary.EXAMPLES + 5; i++) {
            summary.add(DeadLetter.of("parse", "malformed JSON near '\u001b[31m'", "trail.jsonl:" + i, "{"));
        }
        summary.add(DeadLetter.of("late", "behind the watermark", "eventID x", "{}"));

        StringWriter text = new StringWriter();
        summary.print(new PrintWriter(text));

        assertThat(summary.count("parse")).isEqualTo(DeadLetterSummary.EXAMPLES + 5);
        assertThat(summary.count("late")).isEqualTo(1);
        assertThat(summary.count("response")).isZero();
        assertThat(text.toString()).doesNotContain("\u001b").startsWith("dead letters: 26 (late: 1, parse: 25)\n")
                .contains("  parse  trail.jsonl:0  malformed JSON near '\\u001B[31m'  (1 chars)\n")
                .endsWith("  ... and 6 more\n");
        assertThat(text.toString().lines()).hasSize(1 + DeadLetterSummary.EXAMPLES + 1);
    }

    @Test
    void reasonsAreGroupedWithQuotedTextAndNumbersBlanked() {
        DeadLetterSummary summary = new DeadLetterSummary();
        for (int i = 0; i < 5; i++) {
            summary.add(DeadLetter.of("parse", "EventBridge source \"evil-" + i + "\": not an AWS service", "f:" + i, "{}"));
        }
        summary.add(DeadLetter.of("late", "event time 2024-08-01T13:33:28Z is 5000 ms behind the watermark", "e", "{}"));
        summary.add(DeadLetter.of("parse", null, "g", "{}"));

        List<DeadLetterSummary.Reason> reasons = summary.reasons();

        assertThat(reasons).extracting(reason -> reason.stage + " " + reason.group + " " + reason.count).containsExactly(
                "parse EventBridge source \"…\": not an AWS service 5",
                "late event time #-#-#T#:#:#Z is # ms behind the watermark 1",
                "parse - 1");
        assertThat(reasons.get(0).samples).extracting(letter -> letter.origin)
                .containsExactly("f:0", "f:1", "f:2").hasSize(DeadLetterSummary.SAMPLES_PER_REASON);
        assertThat(summary.total()).isEqualTo(7);
    }

    @Test
    void reasonGroupsAreBoundedAndTheRestCountedPerStage() {
        DeadLetterSummary summary = new DeadLetterSummary();
        for (int i = 0; i < DeadLetterSummary.MAX_REASONS + 30; i++) {
            // Letters, not digits, so each reason is a group of its own.
            String kind = Integer.toString(i, 26).chars().mapToObj(c -> String.valueOf((char) ('a' + Character.digit(c, 26))))
                    .reduce("", String::concat);
            summary.add(DeadLetter.of(i % 2 == 0 ? "parse" : "late", "reason " + kind, "o", "{}"));
            summary.add(DeadLetter.of(i % 2 == 0 ? "parse" : "late", "reason " + kind, "o", "{}"));
        }

        List<DeadLetterSummary.Reason> reasons = summary.reasons();

        assertThat(reasons.stream().filter(reason -> reason.group != null)).hasSize(DeadLetterSummary.MAX_REASONS)
                .allSatisfy(reason -> assertThat(reason.count).isEqualTo(2));
        assertThat(reasons.stream().filter(reason -> reason.group == null))
                .extracting(reason -> reason.stage + " " + reason.count)
                .containsExactlyInAnyOrder("parse 30", "late 30");
        assertThat(reasons.stream().mapToLong(reason -> reason.count).sum()).isEqualTo(summary.total());
    }
}
