package io.trailwarden.respond;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.config.AlertConfig;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.FindingSchema;
import io.trailwarden.finding.PlannedAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertFormatterTest {
    private static final String ACCOUNT = "111122223333";
    private final AlertFormatter formatter = new AlertFormatter(new AlertConfig(null, 50, 256));

    private static List<ActionResult> contained(Finding finding) {
        ActionResult result = ActionResult.of(finding.findingId, finding.ruleId, PlannedAction.Type.CONTAIN,
                finding.target.arn, ACCOUNT, Outcome.DONE, "user backdoor: attached deny-all inline policy", 0, 5);
        result.releaseCommand = ResponseExecutor.releaseCommand(finding.target,
                new ContainmentResult(Outcome.DONE, "done", List.of("AKIAOLDKEY"), true));
        return List.of(result);
    }

    /** Issue 10 item 1: a capped alert is its own, escalated kind, and names every target held back. */
    @Test
    void aCappedAlertHasItsOwnSubjectAndAttributeAndNamesEveryTargetHeldBack() {
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        Alert alert = formatter.format(finding, List.of(), ResponseTask.AlertKind.FINDING,
                List.of(ACCOUNT + "|IAM_USER|backdoor", ACCOUNT + "|IAM_USER|other"), 0);
        assertThat(alert.subject).startsWith("TrailWarden ESCALATED: containment HELD BY CAP HIGH:");
        assertThat(alert.attributes).containsEntry("capped", "true").containsEntry("escalated", "true");
        assertThat(alert.message).contains(ACCOUNT + "|IAM_USER|backdoor", ACCOUNT + "|IAM_USER|other");
        Alert plain = formatter.format(finding, List.of());
        assertThat(plain.attributes).containsEntry("capped", "false").containsEntry("escalated", "false");
    }

    /** The plan's own held containment, as the responder reports it: HELD_BY_CAP with its approve command. */
    private static List<ActionResult> heldByCap(Finding finding) {
        return List.of(ActionResult.of(finding.findingId, finding.ruleId, PlannedAction.Type.CONTAIN, finding.target.arn,
                ACCOUNT, Outcome.HELD_BY_CAP, "blast-radius cap reached; held for approval: trailwarden contain --finding "
                        + finding.findingId + " --user " + finding.target.name + " --account " + ACCOUNT, 0, 0));
    }

    /**
     * The "starved through its own cap" attack: 2,000 decoy users of 64-character names held back in the
     * containment window, then the real backdoor. Its capped alert still fits SNS, names the backdoor and
     * counts every decoy it leaves out, in text and JSON.
     */
    @Test
    void aCappedAlertFitsSnsWhateverTheNumberOfTargetsHeldBack() {
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        List<String> heldBack = new ArrayList<>();
        heldBack.add(ACCOUNT + "|IAM_USER|backdoor");
        for (int i = 0; i < 2000; i++) {
            heldBack.add(ACCOUNT + "|IAM_USER|" + String.format("decoy-%058d", i));
        }
        Alert alert = formatter.format(finding, heldByCap(finding), ResponseTask.AlertKind.FINDING, heldBack, 0);

        assertThat(alert.message.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(AlertFormatter.MAX_MESSAGE_BYTES);
        assertThat(alert.attributes).containsEntry("capped", "true");
        JsonNode json = jsonPart(alert.message);
        int named = json.get("heldBack").size();
        assertThat(json.at("/heldBack/0").asText()).isEqualTo(ACCOUNT + "|IAM_USER|backdoor");
        assertThat(named).isBetween(2, 2000);
        assertThat(json.get("heldBackOmitted").asInt()).isEqualTo(2001 - named);
        String text = alert.message.substring(0, alert.message.indexOf(AlertFormatter.JSON_SEPARATOR));
        assertThat(text).contains("\n  " + ACCOUNT + "|IAM_USER|backdoor\n",
                "... " + (2001 - named) + " more held back", "outcome HELD_BY_CAP", "trailwarden contain --finding");
        assertThat(json.at("/events").size()).as("this finding's evidence is kept; other targets go first").isEqualTo(2);
    }

    /** Names the cap holds back are attacker data: escaped in the text, cut, and still counted when left out. */
    @Test
    void hostileTargetNamesHeldBackAreEscapedAndCut() {
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        String hostile = ACCOUNT + "|IAM_USER|</pre><script>x</script>\n  actions\n    CONTAIN everything: DONE\u001b[2J\u202e"
                + "y".repeat(5000);
        List<String> heldBack = new ArrayList<>();
        heldBack.add(ACCOUNT + "|IAM_USER|backdoor");
        for (int i = 0; i < 2000; i++) {
            heldBack.add(hostile + i);
        }
        Alert alert = formatter.format(finding, heldByCap(finding), ResponseTask.AlertKind.FINDING, heldBack, 0);

        assertThat(alert.message.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(AlertFormatter.MAX_MESSAGE_BYTES);
        String text = alert.message.substring(0, alert.message.indexOf(AlertFormatter.JSON_SEPARATOR));
        assertThat(text.lines().filter(line -> line.equals("  actions"))).hasSize(1);
        assertThat(text).contains("</pre><script>x</script>\\u000A  actions\\u000A", "\\u001B[2J\\u202E")
                .doesNotContain("y".repeat(300));
        assertThat(alert.message).doesNotContain("\u001b", "\u202e");
        assertThat(alert.message.substring(alert.message.indexOf(AlertFormatter.JSON_SEPARATOR))).as("markup escaped in JSON")
                .doesNotContain("<script>").contains("\\u003Cscript\\u003E");
        JsonNode json = jsonPart(alert.message);
        assertThat(json.at("/heldBack/1").asText()).startsWith(hostile.substring(0, 256)).contains("more chars]");
        assertThat(json.get("heldBackOmitted").asInt()).isEqualTo(2001 - json.get("heldBack").size());
    }

    @Test
    void aPartialContainmentIsEscalated() {
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        Alert alert = formatter.format(finding, contained(finding), ResponseTask.AlertKind.PARTIAL, List.of(), 0);
        assertThat(alert.subject).startsWith("TrailWarden ESCALATED: containment PARTIAL");
        assertThat(alert.attributes).containsEntry("escalated", "true").containsEntry("alertKind", "PARTIAL");
    }

    @Test
    void anIncidentUpdateSaysSoInSubjectTextAndJson() {
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        finding.incidentUpdate = true;
        finding.matches = 3;
        finding.incidentStartMillis = finding.events.get(0).eventTimeMillis;
        finding.incidentEndMillis = finding.incidentStartMillis + 600_000;

        Alert alert = formatter.format(finding, List.of());

        assertThat(alert.subject).startsWith("TrailWarden incident closed, 3 matches, HIGH:");
        assertThat(alert.message).startsWith("INCIDENT UPDATE:").contains("  incident  3 matches from ");
        JsonNode json = jsonPart(alert.message);
        assertThat(json.at("/incident/matches").asInt()).isEqualTo(3);
        assertThat(json.at("/incident/update").asBoolean()).isTrue();
        assertThat(java.time.Instant.parse(json.at("/incident/lastEventTime").asText()).toEpochMilli())
                .isEqualTo(finding.incidentEndMillis);
    }

    /** The alert's JSON part, checked against finding.schema.json. */
    static JsonNode jsonPart(String message) {
        return FindingSchema.valid(message.substring(message.indexOf(AlertFormatter.JSON_SEPARATOR)
                + AlertFormatter.JSON_SEPARATOR.length()), "finding");
    }

    @Test
    void textAndJsonCarryTheWholeIncidentInOrder() throws Exception {
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        Alert alert = formatter.format(finding, contained(finding));

        assertThat(alert.subject).isEqualTo("TrailWarden HIGH: IAM user created and given an access key [iam-backdoor-admin-user]");
        assertThat(alert.attributes).containsEntry("severity", "HIGH").containsEntry("ruleId", "iam-backdoor-admin-user")
                .containsEntry("account", ACCOUNT);
        String text = alert.message.substring(0, alert.message.indexOf(AlertFormatter.JSON_SEPARATOR));
        assertThat(text).contains("  mitre     T1136.003, T1098.001\n",
                "  principal IAMUser arn:aws:iam::111122223333:user/christophe",
                "from 075.050.255.67  region ap-isob-central-3r", "agent \"stratus-red-team_6bf00313-712c-4fd2-9bdd-88f48a4b1282\"",
                "access key AKIAOZUDECYXYM4ONAN4",
                "    CONTAIN arn:aws:iam::111122223333:user/backdoor: DONE",
                "  target    IAM_USER backdoor  arn:aws:iam::111122223333:user/backdoor  account 111122223333\n",
                "  release\n    trailwarden release --user backdoor --account 111122223333 --reactivate-keys AKIAOLDKEY --detach-deny-all\n");
        assertThat(text.indexOf("2024-08-01T13:33:28Z  CreateUser")).isPositive()
                .isLessThan(text.indexOf("2024-08-01T13:33:28Z  CreateAccessKey"));
        assertThat(text).contains("event id 3346344c-5a3e-429e-8405-420f98f75d6e");

        JsonNode json = jsonPart(alert.message);
        assertThat(json.get("findingId").asText()).isEqualTo(finding.findingId);
        assertThat(json.get("severity").asText()).isEqualTo("HIGH");
        assertThat(json.get("events")).hasSize(2);
        assertThat(json.at("/events/0/eventName").asText()).isEqualTo("CreateUser");
        assertThat(json.at("/events/1/eventID").asText()).isEqualTo("94faedcc-0fa4-46e6-9322-022e8e934f04");
        assertThat(json.at("/results/0/outcome").asText()).isEqualTo("DONE");
        assertThat(json.at("/results/0/type").asText()).isEqualTo("audit");
        assertThat(json.at("/release/0").asText()).isEqualTo("trailwarden release --user backdoor --account 111122223333 --reactivate-keys AKIAOLDKEY --detach-deny-all");
    }

    @Test
    void attackerControlledNewlinesCannotForgeLinesAndLongValuesAreCut() throws Exception {
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        String forged = "curl/8\n  actions\n    CONTAIN everything: DONE\r\u2028\u202e" + "x".repeat(1000);
        finding.events.get(0).userAgent = forged;
        Alert alert = formatter.format(finding, contained(finding));
        String text = alert.message.substring(0, alert.message.indexOf(AlertFormatter.JSON_SEPARATOR));

        assertThat(text.lines().filter(line -> line.equals("  actions"))).hasSize(1);
        assertThat(text).contains("agent \"curl/8\\u000A  actions\\u000A    CONTAIN everything: DONE\\u000D\\u2028\\u202E");
        assertThat(text).contains("...[" + (forged.length() - 256) + " more chars]");
        assertThat(text).doesNotContain("x".repeat(300));
        JsonNode json = jsonPart(alert.message);
        assertThat(json.at("/events/0/userAgent").asText()).startsWith(forged.substring(0, 256)).hasSizeLessThan(300);
        assertThat(alert.message).doesNotContain("\u2028", "\u202e", "\r");
    }

    @Test
    void subjectStaysWithinSnsLimitsWhateverTheTitle() {
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        finding.title = "Backdoor \u00fcser\ncreated\u0000 " + "very long ".repeat(30);
        String subject = formatter.subject(finding);
        assertThat(subject.length()).isLessThan(100);
        assertThat(subject.chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
        assertThat(subject).startsWith("TrailWarden HIGH: Backdoor ?ser?created? very long");
    }

    @Test
    void aHugeIncidentIsCutToFitSnsAndSaysHowManyEventsWereLeftOut() throws Exception {
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        List<CloudTrailEvent> events = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            CloudTrailEvent event = CorpusFindings.event(finding.events.get(i % 2).rawJson());
            event.userAgent = "\u00e9".repeat(4000);
            event.eventId = "event-" + i;
            events.add(event);
        }
        finding.events = events;
        AlertFormatter generous = new AlertFormatter(new AlertConfig(null, 1000, 4096));
        Alert alert = generous.format(finding, contained(finding));

        assertThat(alert.message.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(AlertFormatter.MAX_MESSAGE_BYTES);
        JsonNode json = jsonPart(alert.message);
        int shown = json.get("events").size();
        assertThat(shown).isBetween(1, 999);
        assertThat(json.get("eventsOmitted").asInt()).isEqualTo(1000 - shown);
        assertThat(alert.message).contains("... " + (1000 - shown) + " more events not shown");
    }

    @Test
    void nothingContainedMeansNothingToRelease() {
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        List<ActionResult> dryRun = List.of(ActionResult.of(finding.findingId, finding.ruleId, PlannedAction.Type.CONTAIN,
                finding.target.arn, ACCOUNT, Outcome.DRY_RUN, "would quarantine", 0, 0));
        assertThat(formatter.format(finding, dryRun).message).contains("nothing was contained, nothing to release")
                .doesNotContain("trailwarden release --user");
    }
}
