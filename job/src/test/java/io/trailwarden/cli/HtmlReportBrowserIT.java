package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.event.Corpus;
import io.trailwarden.testing.HeadlessChromium;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay --format html} of the Stratus corpus plus a hostile record, opened in a real headless
 * Chromium: the page renders the incidents (DOM and screenshot), and a user name, user agent and bad
 * input line written to inject markup or script create no element and run nothing. A second test shows
 * the page's Content-Security-Policy blocking markup that would get past the escaping.
 */
class HtmlReportBrowserIT {
    /** A tag with a handler, an end of script, a script, attribute breakers, a bidi override and a javascript: URL. */
    static final String HOSTILE = "<img src=x onerror=\"document.title='pwned'\"></script><script>document.title='pwned'"
            + "</script>\" onmouseover=\"document.title='pwned' \u202Egnp.exe <a href=\"javascript:alert(1)\">x</a>";
    private static final String TITLE = "TrailWarden replay report";

    @TempDir
    static Path dir;
    static Path report;
    static CliRun replay;

    @BeforeAll
    static void replayTheCorpusAndAHostileRecord() throws Exception {
        ObjectNode createUser = Corpus.first(event -> event.get("eventName").asText().equals("CreateUser"));
        createUser.put("eventID", "hostile-create-user");
        // After every corpus record, in a delivery file read after the corpus: the corpus's own incidents stay whole.
        createUser.put("eventTime", "2024-12-01T00:00:00Z");
        createUser.put("userAgent", HOSTILE);
        ((ObjectNode) createUser.get("userIdentity")).put("userName", HOSTILE);
        ((ObjectNode) createUser.get("requestParameters")).put("userName", HOSTILE);
        ((ObjectNode) createUser.get("responseElements").get("user")).remove("arn");
        Path hostile = dir.resolve("229654561268_CloudTrail_us-east-1_20241201T0005Z_hostile.jsonl");
        Files.writeString(hostile, createUser + "\n{\"eventID\": \"" + HOSTILE.replace("\"", "'") + "\n",
                StandardCharsets.UTF_8);
        report = dir.resolve("report.html");
        replay = CliRun.of("replay", "--format", "html", "--out", report.toString(), "--parallelism", "1",
                Corpus.path(Corpus.RECORDS_FILE).toString(), hostile.toString());
    }

    @Test
    void chromiumRendersTheIncidentsAndNoHostileMarkup() throws Exception {
        assertThat(replay.exitCode).as(replay.toString()).isZero();
        HeadlessChromium chromium = new HeadlessChromium(dir);

        HeadlessChromium.Run dump = chromium.dumpDom(report);
        Document dom = Jsoup.parse(dump.stdout);

        // Every finding is an incident, and the summary counts them all.
        List<Element> incidents = dom.select("details.finding");
        String total = dom.select("table.summary tr:last-child td").get(5).text();
        assertThat(incidents).hasSize(Integer.parseInt(total))
                .hasSizeGreaterThan(ReplayCommandITCase.CORPUS_FINDINGS);
        Element backdoor = incident(dom, "backdoor-admin-user");
        assertThat(backdoor.hasAttr("open")).as("critical incidents open with the page").isTrue();
        assertThat(eventNames(backdoor)).containsExactly("CreateUser", "AttachUserPolicy", "CreateAccessKey");
        assertThat(backdoor.select("ul.distinct").first().text()).isEqualTo("arn:aws:iam::229654561268:user/christophe ×3");
        assertThat(backdoor.select("ul.response li").first().text())
                .startsWith("CONTAIN IAM_USER malicious-iam-user").contains("dry-run");

        // No element, handler or link came from the hostile record: its values are text in its incident.
        assertThat(dom.title()).isEqualTo(TITLE);
        assertThat(dom.select("script, img, a, iframe, object, embed, form, base, link")).isEmpty();
        List<String> handlers = new ArrayList<>();
        for (Element element : dom.getAllElements()) {
            for (Attribute attribute : element.attributes()) {
                if (attribute.getKey().startsWith("on") || attribute.getValue().contains("javascript:")) {
                    handlers.add(element.tagName() + " " + attribute);
                }
            }
        }
        assertThat(handlers).isEmpty();
        Element hostile = dom.select("details.finding").stream()
                .filter(incident -> incident.select("td.agent").text().contains("onerror"))
                .findFirst().orElseThrow(() -> new AssertionError("no incident shows the hostile user agent as text"));
        String shown = HOSTILE.replace("\u202E", "\\u202E");
        assertThat(hostile.select("td.agent").first().text()).isEqualTo(shown);
        assertThat(hostile.select("dd").eachText()).anyMatch(value -> value.contains("IAM_USER " + shown));
        assertThat(dump.stdout).doesNotContain("\u202E");
        // The bad line is a dead letter, its quoted input text too.
        Element deadLetter = dom.select("details.dead-letter").first();
        assertThat(deadLetter.select("summary").text()).startsWith("1 × parse:");
        assertThat(deadLetter.select("pre").text()).contains("<img src=x onerror=");
        // Nothing on the page asked for anything the policy refuses: the style sheet's hash is right and
        // no injected handler or script got as far as the policy.
        assertThat(dump.log).doesNotContain("Content Security Policy");

        Path png = dir.resolve("report.png");
        chromium.screenshot(report, png, 1280, 1600);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1280);
        assertThat(image.getHeight()).isEqualTo(1600);
        // Styled and rendered: text covers part of the page, and the critical badges show in their colour.
        assertThat(share(image, rgb -> rgb != 0xFFFFFF)).isGreaterThan(0.03);
        assertThat(count(image, rgb -> rgb == 0xA40E26)).isGreaterThan(500);
    }

    @Test
    void thePagesPolicyBlocksMarkupThatGetsPastTheEscaping() throws Exception {
        Path page = dir.resolve("unescaped.html");
        Files.writeString(page, "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\""
                + HtmlReport.CONTENT_SECURITY_POLICY + "\"><title>" + TITLE + "</title></head><body>"
                + "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>"
                + "<p style=\"color:red\">x</p></body></html>", StandardCharsets.UTF_8);

        HeadlessChromium.Run dump = new HeadlessChromium(dir).dumpDom(page);

        assertThat(Jsoup.parse(dump.stdout).title()).isEqualTo(TITLE);
        assertThat(dump.log).contains("Executing inline script violates the following Content Security Policy")
                .contains("Executing inline event handler violates")
                .contains("Loading the image")
                .contains("Applying inline style violates");
    }

    private static Element incident(Document dom, String rule) {
        return dom.select("details.finding").stream()
                .filter(incident -> incident.select("summary code").text().equals(rule))
                .findFirst().orElseThrow(() -> new AssertionError("no incident of " + rule));
    }

    private static List<String> eventNames(Element incident) {
        List<String> names = new ArrayList<>();
        incident.select("table.timeline tr td:nth-child(3) b").forEach(name -> names.add(name.text()));
        return names;
    }

    private static long count(BufferedImage image, IntPredicate rgb) {
        long matching = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (rgb.test(image.getRGB(x, y) & 0xFFFFFF)) {
                    matching++;
                }
            }
        }
        return matching;
    }

    private static double share(BufferedImage image, IntPredicate rgb) {
        return (double) count(image, rgb) / ((long) image.getWidth() * image.getHeight());
    }
}
