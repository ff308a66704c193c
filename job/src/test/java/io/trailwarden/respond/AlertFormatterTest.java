package io.trailwarden.respond;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.config.AlertConfig;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.EventJson;
import io.trailwarden.finding.Finding;
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
                List.of(ACCOUNT + "|IAM_USER|backdoor", ACCOUNT + "|IAM_USER|other"));
        assertThat(alert.subject).startsWith("TrailWarden ESCALATED: containment HELD BY CAP HIGH:");
        assertThat(alert.attributes).containsEntry("capped", "true").containsEntry("escalated", "true");
        assertThat(alert.message).contains(ACCOUNT + "|IAM_USER|backdoor", ACCOUNT + "|IAM_USER|other");
        Alert plain = formatter.format(finding, List.of());
        assertThat(plain.attributes).containsEntry("capped", "false").containsEntry("escalated", "false");
    }

    @Test
    void aPartialContainmentIsEscalated() {
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        Alert alert = formatter.format(finding, contained(finding), ResponseTask.AlertKind.PARTIAL, List.of());
        assertThat(alert.subject).startsWith("TrailWarden ESCALATED: containment PARTIAL");
        assertThat(alert.attributes).containsEntry("escalated", "true").containsEntry("alertKind", "PARTIAL");
    }

    private static JsonNode jsonPart(String message) throws Exception {
        return EventJson.MAPPER.readTree(message.substring(message.indexOf(AlertFormatter.JSON_SEPARATOR)
                + AlertFormatter.JSON_SEPARATOR.length()));
    }

    @Test
    void textAndJsonCarryTheWholeIncidentInOrder() throws Exception {
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        Alert alert = formatter.format(finding, contained(finding));

        assertThat(alert.subject).isEqualTo("TrailWarden HIGH: IAM user created and given an access key [iam-backdoor-admin-user]");
        assertThat(alert.attributes).containsEntry("severity", "HIGH").containsEntry("ruleId", "iam-backdoor-admin-user")
                .containsEntry("account", ACCOUNT);
        String text = alert.message.substring(0, alert.message.indexOf(AlertFormatter.JSON_SEPARATOR));
        assertThat(text).contains("MITRE: T1136.003, T1098.001", "Principal: IAMUser arn:aws:iam::111122223333:user/christophe",
                "source IP: 075.050.255.67", "user agent: stratus-red-team_6bf00313-712c-4fd2-9bdd-88f48a4b1282",
                "access key: AKIAOZUDECYXYM4ONAN4", "region: ap-isob-central-3r",
                "CONTAIN arn:aws:iam::111122223333:user/backdoor: DONE",
                "trailwarden release --user backdoor --account 111122223333 --reactivate-keys AKIAOLDKEY --detach-deny-all");
        assertThat(text.indexOf("2024-08-01T13:33:28Z CreateUser")).isPositive()
                .isLessThan(text.indexOf("2024-08-01T13:33:28Z CreateAccessKey"));
        assertThat(text).contains("event id: 3346344c-5a3e-429e-8405-420f98f75d6e");

        JsonNode json = jsonPart(alert.message);
        assertThat(json.get("findingId").asText()).isEqualTo(finding.findingId);
        assertThat(json.get("events")).hasSize(2);
        assertThat(json.at("/events/0/eventName").asText()).isEqualTo("CreateUser");
        assertThat(json.at("/events/1/eventId").asText()).isEqualTo("94faedcc-0fa4-46e6-9322-022e8e934f04");
        assertThat(json.at("/actions/0/outcome").asText()).isEqualTo("DONE");
        assertThat(json.at("/release/0").asText())
                .isEqualTo("trailwarden release --user backdoor --account 111122223333 --reactivate-keys AKIAOLDKEY --detach-deny-all");
    }

    @Test
    void attackerControlledNewlinesCannotForgeLinesAndLongValuesAreCut() throws Exception {
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        String forged = "curl/8\nActions:\n  - CONTAIN everything: DONE\r\u2028\u202e" + "x".repeat(1000);
        finding.events.get(0).userAgent = forged;
        Alert alert = formatter.format(finding, contained(finding));
        String text = alert.message.substring(0, alert.message.indexOf(AlertFormatter.JSON_SEPARATOR));

        assertThat(text.lines().filter(line -> line.startsWith("Actions:"))).hasSize(1);
        assertThat(text).contains("user agent: curl/8\\u000AActions:\\u000A  - CONTAIN everything: DONE\\u000D\\u2028\\u202E");
        assertThat(text).contains("...[" + (forged.length() - 256) + " more chars]");
        assertThat(text).doesNotContain("x".repeat(300));
        JsonNode json = jsonPart(alert.message);
        assertThat(json.at("/events/0/userAgent").asText()).startsWith("curl/8\nActions:").hasSizeLessThan(300);
    }

    @Test
    void cuttingNeverSplitsACharacterOutsideTheBasicPlane() {
        AlertFormatter tight = new AlertFormatter(new AlertConfig(null, 50, 16));
        String emoji = "\uD83D\uDE00";
        String cut = tight.cut("a".repeat(15) + emoji + "tail");
        assertThat(cut).startsWith("a".repeat(15) + "...[");
        assertThat(cut.chars().anyMatch(c -> Character.isSurrogate((char) c))).isFalse();
        assertThat(tight.cut("a".repeat(14) + emoji + "tail")).startsWith("a".repeat(14) + emoji + "...[4 more chars]");
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
