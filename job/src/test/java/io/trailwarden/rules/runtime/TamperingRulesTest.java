package io.trailwarden.rules.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.config.ListsConfig;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.Corpus;
import io.trailwarden.event.EventJson;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleCompiler;
import io.trailwarden.rules.compile.RuleEvent;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.source.RawInput;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The tampering rules with configured TrailWarden.Lists (their embedded tests run with the defaults):
 * planned work by trailwardenOperators, and a deployment whose resources have other names. Events are
 * the real StopLogging record with the call replaced (synthetic).
 */
class TamperingRulesTest {
    private static final String STOP_LOGGING = "10163ed2-2253-469d-a5ee-cbc6651f8934";
    private static final String DEPLOY_ROLE = "arn:aws:iam::143434273843:role/trailwarden-deploy";

    @Test
    void operatorsListedInTrailwardenOperatorsMayStopTheApplicationAndNobodyElse() throws Exception {
        CloudTrailEvent byDeployRole = call("kinesisanalytics.amazonaws.com", "StopApplication",
                "{\"applicationName\": \"trailwarden\"}", session("trailwarden-deploy"));
        CloudTrailEvent byUser = call("kinesisanalytics.amazonaws.com", "StopApplication",
                "{\"applicationName\": \"trailwarden\"}", null);

        CompiledRule unconfigured = rule("trailwarden-pipeline-tampered", Map.of());
        assertThat(unconfigured.matchesSingle(byDeployRole)).as("fails closed: no operators configured").isTrue();

        CompiledRule withOperators = rule("trailwarden-pipeline-tampered",
                Map.of("trailwardenOperators", List.of(DEPLOY_ROLE.toUpperCase(java.util.Locale.ROOT))));
        assertThat(withOperators.matchesSingle(byDeployRole)).as("a session of the listed role, ARN case-varied").isFalse();
        assertThat(withOperators.matchesSingle(byUser)).isTrue();
    }

    @Test
    void aSessionNamedLikeAnOperatorOfAnotherRoleIsNotAnOperator() throws Exception {
        CompiledRule withOperators = rule("trailwarden-pipeline-tampered", Map.of("trailwardenOperators", List.of(DEPLOY_ROLE)));
        ObjectNode impostor = session("intruder");
        ((ObjectNode) impostor).put("arn", "arn:aws:sts::143434273843:assumed-role/intruder/trailwarden-deploy");
        assertThat(withOperators.matchesSingle(call("kinesisanalytics.amazonaws.com", "DeleteApplication",
                "{\"applicationName\": \"trailwarden\"}", impostor))).isTrue();
    }

    @Test
    void aDeploymentWithOtherNamesIsWatchedByItsConfiguredLists() throws Exception {
        Map<String, List<String>> renamed = Map.of("trailwardenApplications", List.of("tw-prod"),
                "trailwardenTopics", List.of("tw-prod-alerts"), "trailwardenRoles", List.of("tw-prod-application"));
        CompiledRule rule = rule("trailwarden-pipeline-tampered", renamed);
        assertThat(rule.matchesSingle(call("kinesisanalytics.amazonaws.com", "StopApplication",
                "{\"applicationName\": \"tw-prod\"}", null))).isTrue();
        assertThat(rule.matchesSingle(call("sns.amazonaws.com", "Unsubscribe",
                "{\"subscriptionArn\": \"arn:aws:sns:us-east-1:143434273843:tw-prod-alerts:0a1b2c3d\"}", null))).isTrue();
        assertThat(rule.matchesSingle(call("kinesisanalytics.amazonaws.com", "StopApplication",
                "{\"applicationName\": \"trailwarden\"}", null))).as("the default name is no longer TrailWarden's").isFalse();
        assertThat(rule.matchesSingle(call("iam.amazonaws.com", "DeleteRolePolicy",
                "{\"roleName\": \"tw-prod-application\", \"policyName\": \"contain-iam-identities\"}", null))).isTrue();
        assertThat(rule.matchesSingle(call("iam.amazonaws.com", "DeleteRolePolicy",
                "{\"roleName\": \"tw-prod-application\", \"policyName\": \"contain-iam-identities\"}",
                session("tw-prod-application")))).as("the configured role is TrailWarden itself").isFalse();
    }

    @Test
    void aReleaseByAnOperatorIsPlannedAndTheSameCallByAnyoneElseIsNot() throws Exception {
        String deleteQuarantine = "{\"userName\": \"malicious-iam-user\", \"policyName\": \"TrailWardenQuarantine\"}";
        CompiledRule rule = rule("trailwarden-quarantine-removed", Map.of("trailwardenOperators", List.of(DEPLOY_ROLE)));
        assertThat(rule.matchesSingle(call("iam.amazonaws.com", "DeleteUserPolicy", deleteQuarantine,
                session("trailwarden-deploy")))).isFalse();
        assertThat(rule.matchesSingle(call("iam.amazonaws.com", "DeleteUserPolicy", deleteQuarantine, null))).isTrue();
    }

    @Test
    void theUndoneQuarantineNamesAndContainsWhoUndidItNotTrailWarden() throws Exception {
        CompiledRule rule = rule("trailwarden-quarantine-undone", Map.of());
        CloudTrailEvent quarantine = call("iam.amazonaws.com", "PutUserPolicy",
                "{\"userName\": \"malicious-iam-user\", \"policyName\": \"TrailWardenQuarantine\"}", session("trailwarden-application"));
        CloudTrailEvent reactivation = call("iam.amazonaws.com", "UpdateAccessKey",
                "{\"userName\": \"Malicious-IAM-User\", \"accessKeyId\": \"AKIAXAFZN8JEPF6L682H\", \"status\": \"Active\"}", null);
        RuleEvent quarantined = rule.prefilter(quarantine);
        RuleEvent undone = rule.prefilter(reactivation);
        assertThat(quarantined.steps).as("TrailWarden's call is only the first step").isEqualTo(1);
        assertThat(undone.steps).as("the reactivation is only the second").isEqualTo(2);

        Finding finding = rule.finding(List.of(quarantine, reactivation), Map.of("quarantined", quarantined, "undone", undone));

        assertThat(finding.actor.arn).isEqualTo("arn:aws:iam::143434273843:user/christophe");
        assertThat(finding.target.name).isEqualTo("christophe");
        assertThat(finding.response).extracting(action -> action.type.name() + " " + action.target.name)
                .containsExactly("CONTAIN christophe", "ALERT christophe");
        assertThat(finding.title).isEqualTo("Quarantined user malicious-iam-user, Malicious-IAM-User given credentials back");
    }

    private static CompiledRule rule(String id, Map<String, List<String>> lists) throws Exception {
        Map<String, List<String>> all = new HashMap<>(ListsConfig.defaults().lists);
        all.putAll(lists);
        Rule rule = RepoRules.rule(id);
        return new RuleCompiler(all).compile(rule);
    }

    /** The real StopLogging record as another call, by christophe unless an identity is given. */
    private static CloudTrailEvent call(String source, String name, String requestParameters, ObjectNode identity)
            throws Exception {
        String record = Corpus.records().stream().filter(r -> r.contains(STOP_LOGGING)).findFirst().orElseThrow();
        ObjectNode json = (ObjectNode) EventJson.MAPPER.readTree(record);
        json.put("eventSource", source);
        json.put("eventName", name);
        json.set("requestParameters", EventJson.MAPPER.readTree(requestParameters));
        if (identity != null) {
            json.set("userIdentity", identity);
        }
        return new CloudTrailParser().parseAll(RawInput.of("synthetic", json.toString())).events.get(0);
    }

    private static ObjectNode session(String roleName) throws Exception {
        return (ObjectNode) EventJson.MAPPER.readTree("{\"type\": \"AssumedRole\", \"principalId\": \"AROAGGWFBBHBE0000000:s\","
                + " \"arn\": \"arn:aws:sts::143434273843:assumed-role/" + roleName + "/s\", \"accountId\": \"143434273843\","
                + " \"sessionContext\": {\"sessionIssuer\": {\"type\": \"Role\", \"principalId\": \"AROAGGWFBBHBE0000000\","
                + " \"arn\": \"arn:aws:iam::143434273843:role/" + roleName + "\", \"accountId\": \"143434273843\","
                + " \"userName\": \"" + roleName + "\"}}}");
    }
}
