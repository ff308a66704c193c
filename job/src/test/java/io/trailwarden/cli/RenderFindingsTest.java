package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.finding.Finding;
import io.trailwarden.finding.Severity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/**
 * Findings rendered inside the job: the HTML report built from two subtasks that each render only the
 * first findings of a rule is the report built from every finding rendered, whatever the order in which
 * the subtasks' findings reach the command.
 */
class RenderFindingsTest {
    private static final Severity[] SEVERITIES = Severity.values();

    private static Finding finding(String rule, int n, boolean update) {
        Finding finding = HtmlReportTest.finding(rule, SEVERITIES[Math.abs(rule.hashCode()) % SEVERITIES.length], 1, "u" + n);
        finding.incidentUpdate = update;
        return finding;
    }

    /** Two noisy rules past the per-rule bound and enough quiet ones to pass the report's bound of incidents. */
    private static List<Finding> findings() {
        List<Finding> findings = new ArrayList<>();
        for (int n = 0; n < 3 * HtmlReport.MAX_INCIDENTS_PER_RULE; n++) {
            findings.add(finding("noisy-a", n, n % 7 == 6));
            findings.add(finding("noisy-b", n, false));
        }
        for (int rule = 0; rule < 15; rule++) {
            for (int n = 0; n < HtmlReport.MAX_INCIDENTS / 10; n++) {
                findings.add(finding("quiet-" + rule, n, false));
            }
        }
        return findings;
    }

    private static String page(List<RenderedFinding> arrived) throws Exception {
        StringWriter page = new StringWriter();
        try (HtmlReport report = new HtmlReport(new PrintWriter(page), "archive")) {
            arrived.forEach(report::write);
            report.finish(1_000, new DeadLetterSummary());
        }
        return page.toString().replaceFirst("written [^ ]+\\. ", "written (when). ");
    }

    @Test
    void theReportOfSubtasksThatRenderOnlyWhatItDetailsIsTheReportOfEveryFindingRendered() throws Exception {
        for (long seed = 0; seed < 20; seed++) {
            Random random = new Random(seed);
            List<List<Finding>> subtasks = List.of(new ArrayList<>(), new ArrayList<>());
            // A rule keyed by one principal finds on one subtask only; the others' findings are spread.
            findings().forEach(finding -> subtasks.get(finding.ruleId.equals("noisy-a") ? 0 : random.nextInt(2))
                    .add(finding));
            List<Function<Finding, RenderedFinding>> renderers = List.of(
                    new RenderFindings(FindingForm.HTML_INCIDENT)::map, new RenderFindings(FindingForm.HTML_INCIDENT)::map);
            List<Finding> order = new ArrayList<>();
            List<RenderedFinding> arrived = new ArrayList<>();
            int[] next = {0, 0};
            while (next[0] < subtasks.get(0).size() || next[1] < subtasks.get(1).size()) {
                int subtask = next[0] == subtasks.get(0).size() ? 1
                        : next[1] == subtasks.get(1).size() ? 0 : random.nextInt(2);
                Finding finding = subtasks.get(subtask).get(next[subtask]++);
                order.add(finding);
                arrived.add(renderers.get(subtask).apply(finding));
            }
            List<RenderedFinding> everyOneRendered = new ArrayList<>();
            order.forEach(finding -> everyOneRendered.add(
                    RenderedFinding.of(finding, FindingForm.HTML_INCIDENT.render(finding))));

            assertThat(arrived.stream().filter(finding -> finding.text != null).count()).as("seed %d", seed)
                    .isLessThan(order.size());
            String expected = page(everyOneRendered);
            assertThat(page(arrived)).as("seed %d", seed).isEqualTo(expected);
            Document dom = Jsoup.parse(expected);
            assertThat(dom.select("details.finding, details.incident-update")).hasSize(HtmlReport.MAX_INCIDENTS);
        }
    }

    @Test
    void aSubtaskRendersTheFirstFindingsOfEachRuleOnlyAndPassesEveryOneOn() {
        RenderFindings subtask = new RenderFindings(FindingForm.HTML_INCIDENT);
        List<RenderedFinding> noisy = new ArrayList<>();
        for (int n = 0; n < HtmlReport.MAX_INCIDENTS_PER_RULE + 5; n++) {
            noisy.add(subtask.map(finding("noisy", n, false)));
        }
        RenderedFinding other = subtask.map(finding("other", 0, false));

        assertThat(noisy).extracting(finding -> finding.findingId).doesNotHaveDuplicates()
                .hasSize(HtmlReport.MAX_INCIDENTS_PER_RULE + 5);
        assertThat(noisy.subList(0, HtmlReport.MAX_INCIDENTS_PER_RULE)).allMatch(finding -> finding.text != null);
        assertThat(noisy.subList(HtmlReport.MAX_INCIDENTS_PER_RULE, noisy.size())).allMatch(finding -> finding.text == null);
        assertThat(other.text).contains("<code>other</code>");
        RenderFindings jsonLines = new RenderFindings(FindingForm.JSON_LINE);
        for (int n = 0; n < HtmlReport.MAX_INCIDENTS_PER_RULE + 5; n++) {
            assertThat(jsonLines.map(finding("noisy", n, false)).text).startsWith("{\"schemaVersion\":1");
        }
    }
}
