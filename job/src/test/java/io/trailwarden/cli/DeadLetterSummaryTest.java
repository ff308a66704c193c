package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.event.DeadLetter;
import java.io.PrintWriter;
import java.io.StringWriter;
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
}
