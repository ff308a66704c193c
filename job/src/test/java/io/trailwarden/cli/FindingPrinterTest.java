package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.DeadLetter;
import io.trailwarden.event.IdentityType;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.finding.Severity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FindingPrinterTest {
    @Test
    void aFindingWithoutTargetAndWithAHostileAgentPrintsSafelyAndBounded() {
        CloudTrailEvent event = new CloudTrailEvent();
        event.eventTimeMillis = Instant.parse("2024-08-01T13:33:28Z").toEpochMilli();
        event.eventName = "CreateUser";
        event.eventSource = "iam.amazonaws.com";
        event.userAgent = "\u001b]0;owned\u0007" + "x".repeat(2_000_000);
        event.actor.type = IdentityType.ROOT;
        event.actor.arn = "arn:aws:iam::229654561268:root";
        event.actor.mfaAuthenticated = false;
        Finding finding = new Finding();
        finding.findingId = "tw-1";
        finding.ruleId = "rule";
        finding.title = "title";
        finding.severity = Severity.CRITICAL;
        finding.actor = event.actor;
        finding.events.add(event);
        finding.response.add(PlannedAction.of(PlannedAction.Type.ALERT, null, false, "alert only"));

        StringWriter text = new StringWriter();
        new FindingPrinter(new PrintWriter(text)).print(finding);

        assertThat(text.toString()).doesNotContain("\u001b", "\u0007").contains(
                "FINDING CRITICAL  rule  tw-1\n",
                "  actor     Root arn:aws:iam::229654561268:root  without MFA\n",
                "  target    -\n",
                "agent \"\\u001B]0;owned\\u0007xxxx",
                "...[1999930 more chars]\"",
                "    ALERT  alert only\n");
        assertThat(text.toString().lines()).allSatisfy(line -> assertThat(line).hasSizeLessThan(400));
    }

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
