package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.DeadLetter;
import io.trailwarden.event.IdentityType;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.finding.Severity;
import io.trailwarden.finding.Target;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
    static Finding finding(String rule, Severity severity, int events, String user) {
        Finding finding = new Finding();
        finding.findingId = "tw-" + rule + "-" + user;
        finding.ruleId = rule;
        finding.title = "title of " + rule;
        finding.severity = severity;
        for (int i = 0; i < events; i++) {
            CloudTrailEvent event = new CloudTrailEvent();
            event.eventId = user + "-" + i;
            event.eventTimeMillis = Instant.parse("2024-08-01T13:00:00Z").toEpochMilli() + i;
            event.eventName = "GetSecretValue";
            event.actor.type = IdentityType.IAM_USER;
            event.actor.arn = "arn:aws:iam::111122223333:user/" + user;
            event.actor.accountId = "111122223333";
            finding.events.add(event);
        }
        finding.actor = finding.events.get(0).actor;
        finding.target = Target.of(Target.Kind.IAM_USER, user, null, "111122223333");
        finding.response.add(PlannedAction.of(PlannedAction.Type.CONTAIN, finding.target, true, "replay never acts"));
        return finding;
    }

    @Test
    void aNoisyRuleIsCountedInFullButDetailedWithinBoundsAndTheMostSevereComeFirst() throws Exception {
        StringWriter page = new StringWriter();
        DeadLetterSummary deadLetters = new DeadLetterSummary();
        deadLetters.add(DeadLetter.of("parse", "malformed JSON near '<b>'", "trail.jsonl:7", "{\"<script>"));
        HtmlReport report = new HtmlReport(new PrintWriter(page), "trail.jsonl");
        RenderFindings job = new RenderFindings(report.form());
        int noisy = HtmlReport.MAX_INCIDENTS_PER_RULE + 50;
        for (int i = 0; i < noisy; i++) {
            report.write(job.map(finding("noisy", Severity.MEDIUM, HtmlReport.MAX_EVENTS_PER_FINDING + 30, "u" + i)));
        }
        report.write(job.map(finding("rare", Severity.CRITICAL, 1, "admin")));
        report.finish(12_345, deadLetters);
        report.close();

        Document dom = Jsoup.parse(page.toString());
        assertThat(Files.exists(report.folder)).as("temporary incident files removed").isFalse();
        assertThat(dom.select("body > p").get(1).text()).isEqualTo("12,345 events read, 151 findings, 1 dead letters.");
        assertThat(dom.select("table.summary tr")).extracting(Element::text).containsExactly(
                "rule CRITICAL HIGH MEDIUM LOW INFORMATIONAL total detailed below",
                "rare 1 1 1",
                "noisy 150 150 100",
                "all rules 1 150 151 101");
        assertThat(dom.select("p.cut").first().text()).startsWith("50 findings are counted above but not detailed below");
        assertThat(dom.select("h2").eachText()).containsExactly("Summary by rule and severity", "CRITICAL incidents",
                "MEDIUM incidents", "Dead letters");
        assertThat(dom.select("details.finding")).hasSize(HtmlReport.MAX_INCIDENTS_PER_RULE + 1);
        Element first = dom.select("details.sev-medium").first();
        assertThat(first.select("table.timeline tr")).hasSize(1 + HtmlReport.MAX_EVENTS_PER_FINDING);
        assertThat(first.select("p.cut").text()).startsWith("30 more events not shown");
        Element deadLetter = dom.selectFirst("details.dead-letter");
        assertThat(deadLetter.select("summary").text()).isEqualTo("1 × parse: malformed JSON near '…'");
        assertThat(deadLetter.select("pre").text()).isEqualTo("{\"<script>");
        assertThat(deadLetter.select("dd").get(1).text()).isEqualTo("malformed JSON near '<b>'");
        assertThat(deadLetter.select("b, script")).isEmpty();
    }

    @Test
    void thePolicyAllowsTheStyleSheetByItsHashAndNothingElse() throws Exception {
        StringWriter page = new StringWriter();
        try (HtmlReport report = new HtmlReport(new PrintWriter(page), "none")) {
            report.finish(0, new DeadLetterSummary());
        }

        Document dom = Jsoup.parse(page.toString());
        String policy = dom.select("meta[http-equiv=Content-Security-Policy]").attr("content");
        String style = dom.select("style").first().data();
        String hash = Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(style.getBytes(StandardCharsets.UTF_8)));
        assertThat(policy).isEqualTo("default-src 'none'; style-src 'sha256-" + hash + "'; base-uri 'none';"
                + " form-action 'none'");
        assertThat(dom.select("[style], script, link, img")).isEmpty();
        assertThat(dom.select("h2 + p").eachText()).containsExactly("No findings.", "None: every input record was used.");
    }
}
