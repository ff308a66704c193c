package io.trailwarden.rules.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.ListsConfig;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.Corpus;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleCompiler;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.source.RawInput;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The catalogue's iam-login-profile-for-other-user with trustedAutomation configured (its embedded
 * tests run with empty lists): the helpdesk's reset that requires a new password is not a finding;
 * every way of dressing an attacker's reset up as the helpdesk's still is. The records are the real
 * Stratus UpdateLoginProfile and CreateLoginProfile with the caller and parameters replaced.
 */
class HelpdeskResetRuleTest {
    private static final String ACCOUNT = "763751499319";
    private static final String HELPDESK = "arn:aws:iam::" + ACCOUNT + ":role/support/helpdesk";
    private static final String UPDATE = "a46a1a42-9ef1-48d4-9c61-507eb6d4019f";
    private static final String CREATE = "d3906a7d-604b-407f-acb6-fc425742821e";
    private static CompiledRule trusting;
    private static CompiledRule empty;

    @BeforeAll
    static void compile() throws Exception {
        Rule rule = RepoRules.rule("iam-login-profile-for-other-user");
        Map<String, List<String>> lists = new HashMap<>(ListsConfig.defaults().lists);
        empty = new RuleCompiler(lists).compile(rule);
        lists.put(ListsConfig.TRUSTED_AUTOMATION, List.of(HELPDESK));
        trusting = new RuleCompiler(lists).compile(rule);
    }

    /** The corpus record, called by a session of {@code roleArn}, with {@code passwordResetRequired} set or absent. */
    private static CloudTrailEvent reset(String eventId, String roleArn, Boolean resetRequired) throws Exception {
        String record = Corpus.records().stream().filter(r -> r.contains(eventId)).findFirst().orElseThrow();
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) io.trailwarden.event.EventJson.MAPPER.readTree(record);
        String roleName = roleArn.substring(roleArn.lastIndexOf('/') + 1);
        var identity = json.putObject("userIdentity");
        identity.put("type", "AssumedRole");
        identity.put("accountId", roleArn.split(":")[4]);
        identity.put("arn", "arn:aws:sts::" + roleArn.split(":")[4] + ":assumed-role/" + roleName + "/agent-1");
        identity.put("principalId", "AROAHELPDESK:agent-1");
        var issuer = identity.putObject("sessionContext").putObject("sessionIssuer");
        issuer.put("type", "Role");
        issuer.put("arn", roleArn);
        issuer.put("accountId", roleArn.split(":")[4]);
        issuer.put("userName", roleName);
        var parameters = (com.fasterxml.jackson.databind.node.ObjectNode) json.get("requestParameters");
        parameters.remove("passwordResetRequired");
        if (resetRequired != null) {
            parameters.put("passwordResetRequired", resetRequired);
        }
        return new CloudTrailParser().parseAll(RawInput.of("test", json.toString())).events.get(0);
    }

    @Test
    void theTrustedHelpdeskResetRequiringANewPasswordIsNotAFinding() throws Exception {
        assertThat(trusting.matchesSingle(reset(UPDATE, HELPDESK, true))).isFalse();
        assertThat(empty.matchesSingle(reset(UPDATE, HELPDESK, true))).as("trustedAutomation not configured").isTrue();
    }

    @Test
    void theRoleNamedInAnotherCaseIsTheSameRole() throws Exception {
        // IAM role names are unique regardless of case: this is the trusted role, written differently.
        assertThat(trusting.matchesSingle(reset(UPDATE, HELPDESK.toUpperCase(java.util.Locale.ROOT)
                .replace("ARN:AWS:IAM", "arn:aws:iam"), true))).isFalse();
    }

    @Test
    void everythingElseStillAlerts() throws Exception {
        assertThat(trusting.matchesSingle(reset(UPDATE, HELPDESK, false))).as("password usable without a change").isTrue();
        assertThat(trusting.matchesSingle(reset(UPDATE, HELPDESK, null))).as("no passwordResetRequired").isTrue();
        assertThat(trusting.matchesSingle(reset(CREATE, HELPDESK, true))).as("console access where there was none").isTrue();
        assertThat(trusting.matchesSingle(reset(UPDATE, "arn:aws:iam::999988887777:role/support/helpdesk", true)))
                .as("the trusted name in another account").isTrue();
        assertThat(trusting.matchesSingle(reset(UPDATE, "arn:aws:iam::" + ACCOUNT + ":role/helpdesk", true)))
                .as("the trusted name on another path").isTrue();
        assertThat(trusting.matchesSingle(reset(UPDATE, "arn:aws:iam::" + ACCOUNT + ":role/support/helpdesk-2", true)))
                .as("a name that starts like the trusted one").isTrue();
    }
}
