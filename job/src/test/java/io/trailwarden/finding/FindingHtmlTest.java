package io.trailwarden.finding;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.event.CloudTrailEvent;
import java.time.Instant;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

class FindingHtmlTest {
    @Test
    void everyHostileValueIsTextAndNoMarkupCharacterIsRaw() {
        String html = FindingHtml.render(FindingDocument.of(FindingJsonTest.hostileFinding(), FindingDocument.Limits.TOOLS));

        // <b> is the page's own (event names); that the hostile one is text, the parse below shows.
        FindingJsonTest.NEVER_RAW.stream().filter(raw -> !raw.equals("<b>")).forEach(raw ->
                assertThat(html).as("raw %s", Integer.toHexString(raw.codePointAt(0))).doesNotContain(raw));
        // Parsed as a browser would, the hostile values are text, and they read as the terminal shows them;
        // the page's own tags are the only elements.
        Element finding = Jsoup.parseBodyFragment(html).selectFirst("details.finding");
        String shown = SafeText.safe(FindingJsonTest.HOSTILE, Integer.MAX_VALUE);
        assertThat(finding.getAllElements()).extracting(Element::tagName).isSubsetOf("details", "summary", "b", "span",
                "code", "small", "br", "h4", "dl", "dt", "dd", "ul", "li", "table", "tbody", "tr", "th", "td");
        assertThat(finding.select("td.agent").text()).isEqualTo(shown);
        assertThat(finding.select("ul.response li").first().text())
                .isEqualTo("CONTAIN IAM_USER " + shown + " arn:aws:iam::111122223333:user/" + shown
                        + " account 111122223333 dry-run " + shown);
        assertThat(finding.attr("class")).isEqualTo("finding sev-critical");
        assertThat(finding.hasAttr("open")).isTrue();
    }

    @Test
    void theTimelineIsCutToTheDocumentsEventsAndDistinctValuesAreBounded() {
        Finding finding = FindingJsonTest.hostileFinding();
        finding.severity = Severity.HIGH;
        CloudTrailEvent template = finding.events.get(0);
        finding.events.clear();
        for (int i = 0; i < 40; i++) {
            CloudTrailEvent event = new CloudTrailEvent();
            event.eventId = "e" + i;
            event.eventTimeMillis = Instant.parse("2024-08-01T13:33:28Z").toEpochMilli() + i * 1000L;
            event.eventName = "GetSecretValue";
            event.sourceIpAddress = "10.0.0." + i;
            event.actor = template.actor;
            finding.events.add(event);
        }

        Element html = Jsoup.parseBodyFragment(FindingHtml.render(FindingDocument.of(finding, 300, 30)))
                .selectFirst("details.finding");

        assertThat(html.hasAttr("open")).isFalse();
        assertThat(html.select("h4").first().text()).isEqualTo("Actors (of the events shown)");
        assertThat(html.select("table.timeline tr")).hasSize(1 + 30);
        assertThat(html.select("table.timeline tr").last().select("td").get(1).text()).isEqualTo("2024-08-01T13:33:57Z");
        assertThat(html.select("p.cut").text()).isEqualTo("10 more events not shown (the report lists the first 30 of a finding)");
        Element sourceIps = html.select("ul.distinct").get(1);
        assertThat(sourceIps.select("li")).hasSize(FindingHtml.MAX_DISTINCT + 1);
        assertThat(sourceIps.select("li").first().text()).isEqualTo("10.0.0.0 ×1");
        assertThat(sourceIps.select("li.cut").text()).isEqualTo("10 events with other values");
    }
}
