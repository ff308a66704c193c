package io.trailwarden.rules.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.Corpus;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleCompiler;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.source.RawInput;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The catalogue's iam-role-trust-opened-to-outside-account with a configured trustedAccounts list (the
 * rule's embedded tests run with the default, empty lists), on the real Stratus records.
 */
class TrustPolicyRuleTest {
    private static final String OUTSIDE = "193672423079";
    private static final Map<String, List<String>> NO_TRUST = Map.of("trustedAccounts", List.of());
    private static final Map<String, List<String>> TRUSTS_OUTSIDE =
            Map.of("trustedAccounts", List.of("arn:aws:iam::" + OUTSIDE + ":root"));
    private static final CloudTrailEvent BACKDOOR = corpus("62e290e2-ee95-4a7c-a9f8-db4ef462b12d");
    private static final CloudTrailEvent CREATE_ROLE = corpus("d2905ac3-9898-433f-b10d-9302abe4e208");

    private static CloudTrailEvent corpus(String eventId) {
        String record = Corpus.records().stream().filter(r -> r.contains(eventId)).findFirst().orElseThrow();
        return new CloudTrailParser().parseAll(RawInput.of("corpus", record)).events.get(0);
    }

    @Test
    void theCatalogueRuleNamesTheRoleAndTheOutsideAccount() throws Exception {
        Rule rule = RepoRules.rule("iam-role-trust-opened-to-outside-account");
        CompiledRule open = new RuleCompiler(NO_TRUST).compile(rule);
        assertThat(open.matchesSingle(BACKDOOR)).isTrue();
        Finding finding = open.finding(List.of(BACKDOOR), null);
        assertThat(finding.title).isEqualTo("Role stratus-red-team-backdoor-r-role trusts outside account " + OUTSIDE);
        assertThat(finding.context("outside account")).containsExactly(OUTSIDE);
        assertThat(finding.target.name).isEqualTo("stratus-red-team-backdoor-r-role");
        assertThat(finding.response).extracting(action -> action.type.name()).containsExactly("ALERT");
        CompiledRule trusting = new RuleCompiler(TRUSTS_OUTSIDE).compile(rule);
        assertThat(trusting.matchesSingle(BACKDOOR)).as("configured as trusted").isFalse();
        assertThat(trusting.matchesSingle(CREATE_ROLE)).isFalse();
    }
}
