package io.trailwarden.respond;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.AlertConfig;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.FindingSchema;
import io.trailwarden.finding.PlannedAction;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The executor's paths that call no AWS service: the AWS ones are in ContainmentIT against moto. */
class ResponseExecutorTest {
    private static final Instant NOW = Instant.parse("2026-11-22T02:00:00Z");
    private final ResponseExecutor withoutAws = new ResponseExecutor(null,
            new AlertFormatter(new AlertConfig(null, 50, 256)), null, () -> NOW);

    @Test
    void withoutATopicTheAlertFailsVisibly() {
        Finding finding = CorpusFindings.backdoorUser("111122223333", "backdoor");
        ResponsePlan plan = ResponsePlan.of(finding, List.of(
                PlannedStep.of(PlannedAction.Type.CONTAIN, finding.target, Decision.DRY_RUN, "dry-run by configuration"),
                PlannedStep.of(PlannedAction.Type.ALERT, finding.target, Decision.EXECUTE, null)));

        ResponseReport report = withoutAws.execute(plan);

        assertThat(report.results.get(0).outcome).isEqualTo(Outcome.DRY_RUN);
        assertThat(report.results.get(0).detail)
                .isEqualTo("would quarantine arn:aws:iam::111122223333:user/backdoor (dry-run by configuration)");
        assertThat(report.results.get(1).outcome).isEqualTo(Outcome.FAILED);
        assertThat(report.deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.stage).isEqualTo("response");
            assertThat(letter.reason).contains("no SNS topic configured (TrailWarden.Alerts.topicArn)");
            assertThat(letter.origin).isEqualTo("finding " + finding.findingId + " rule " + finding.ruleId);
            // Enough to redo the response by hand: the finding document, whole and valid.
            assertThat(FindingSchema.valid(letter.raw, "finding").at("/target/name").asText()).isEqualTo("backdoor");
        });
    }
}
