package io.trailwarden.finding;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.IdentityType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FindingTextTest {
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

        String text = FindingText.render(FindingDocument.of(finding, FindingDocument.Limits.TERMINAL));

        assertThat(text).doesNotContain("\u001b", "\u0007").contains(
                "FINDING CRITICAL  rule  tw-1\n",
                "  principal Root arn:aws:iam::229654561268:root  without MFA\n",
                "  target    -\n",
                "agent \"\\u001B]0;owned\\u0007xxxx",
                "...[1999710 more chars]\"",
                "    ALERT  alert only\n");
        assertThat(text).doesNotContain("  actions\n", "  release\n");
        assertThat(text.lines()).allSatisfy(line -> assertThat(line).hasSizeLessThan(400));
    }

    @Test
    void everyHiddenCharacterIsEscapedAndForgedLinesStayOnTheirLine() {
        Finding finding = FindingJsonTest.hostileFinding();
        finding.events.get(0).userAgent = "curl/8\n  response\n    CONTAIN nothing\r";
        FindingDocument document = FindingDocument.of(finding, FindingDocument.Limits.TERMINAL)
                .withResults(List.of(AuditRecord.of("tw-1", "rule", "CONTAIN", FindingJsonTest.HOSTILE, null, "DONE",
                        FindingJsonTest.HOSTILE, 0, 1)), List.of());

        String text = FindingText.render(document);

        for (String hidden : FindingJsonTest.NEVER_RAW.subList(0, FindingJsonTest.NEVER_RAW.size() - 2)) {
            assertThat(text).doesNotContain(hidden);
        }
        assertThat(text.lines().filter(line -> line.equals("  response"))).hasSize(1);
        assertThat(text).contains("agent \"curl/8\\u000A  response\\u000A    CONTAIN nothing\\u000D\"",
                "adm\\u202Enim", "\\\\u001b", "  actions\n", "    nothing was contained, nothing to release\n");
    }

    /** The rule's tactics and its reason for containing or not are in every text and JSON output, each on its own line. */
    @Test
    void theRulesTacticsAndResponseReasonAreShown() throws Exception {
        Finding finding = FindingJsonTest.hostileFinding();
        finding.tactics = new java.util.ArrayList<>(List.of("persistence", "privilege-escalation"));
        finding.responseReason = "Contain the user:\nno routine work does this";

        FindingDocument document = FindingDocument.of(finding, FindingDocument.Limits.TERMINAL);
        String text = FindingText.render(document);

        assertThat(text).contains("  tactics   persistence, privilege-escalation\n",
                "  response\n    why  Contain the user:\\u000Ano routine work does this\n");
        String json = FindingJson.line(document);
        FindingSchema.valid(json, "finding");
        assertThat(json).contains("\"tactics\":[\"persistence\",\"privilege-escalation\"]",
                "\"responseReason\":\"Contain the user:\\nno routine work does this\"");
    }
}
