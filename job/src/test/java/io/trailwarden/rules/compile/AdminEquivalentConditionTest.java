package io.trailwarden.rules.compile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.Corpus;
import io.trailwarden.event.EventJson;
import io.trailwarden.event.ParseResult;
import io.trailwarden.rules.load.RuleLoader;
import io.trailwarden.rules.model.ConditionSpec;
import io.trailwarden.rules.model.RuleError;
import io.trailwarden.source.RawInput;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code adminEquivalent} against the ways administrator rights are written without the word
 * AdministratorAccess. Every event is the real Stratus {@code AttachUserPolicy} record
 * (083dc4ad-e264-46bc-a407-d0dd31b58bdc, DataDog/stratus-red-team, Apache-2.0) with its policy
 * document, policy ARN or group replaced (synthetic where so changed).
 */
class AdminEquivalentConditionTest {
    private static final Map<String, List<String>> LISTS = Map.of(
            "adminGroups", List.of("Platform-Admins"),
            "adminPolicies", List.of("arn:aws:iam::229654561268:policy/BreakGlass", "org-admin"));
    private static final String ATTACH = "083dc4ad-e264-46bc-a407-d0dd31b58bdc";
    private static final EventCondition POLICY_DOCUMENT = compile("{requestParameters.policyDocument: {adminEquivalent: policy}}");
    private static final EventCondition POLICY_ARN = compile("{requestParameters.policyArn: {adminEquivalent: policy}}");
    private static final EventCondition GROUP = compile("{requestParameters.groupName: {adminEquivalent: group}}");

    private static EventCondition compile(String yaml) {
        List<RuleError> errors = new ArrayList<>();
        ConditionSpec spec = new RuleLoader(LISTS.keySet(), Duration.ofDays(1)).condition(yaml, errors);
        assertThat(errors).isEmpty();
        return Conditions.compile(spec, LISTS);
    }

    private static CloudTrailEvent attach(String field, String value) {
        String record = Corpus.records().stream().filter(r -> r.contains(ATTACH)).findFirst().orElseThrow();
        ObjectNode node = (ObjectNode) EventJson.readTree(record);
        ((ObjectNode) node.get("requestParameters")).put(field, value);
        ParseResult result = new CloudTrailParser().parseAll(RawInput.of("test", node.toString()));
        assertThat(result.deadLetters).isEmpty();
        return result.events.get(0);
    }

    private static boolean admin(String policy) {
        return POLICY_DOCUMENT.test(attach("policyDocument", policy));
    }

    private static String statement(String body) {
        return "{\"Version\": \"2012-10-17\", \"Statement\": [" + body + "]}";
    }

    @Test
    void everyActionOnEveryResourceInAnySpelling() {
        assertThat(admin(statement("{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}"))).isTrue();
        // A single statement, not a list; Action a list that hides "*" behind a harmless action.
        assertThat(admin("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\", \"*\"],"
                + " \"Resource\": [\"arn:aws:s3:::reports/*\", \"*\"]}}")).isTrue();
        // "*:*" and a wildcard in the service part.
        assertThat(admin(statement("{\"Effect\": \"Allow\", \"Action\": \"*:*\", \"Resource\": \"*\"}"))).isTrue();
        // A JSON escape in the value and a lower-case effect, which a regex over the text misses.
        assertThat(admin(statement("{\"Effect\": \"allow\", \"Action\": \"\\u002a\", \"Resource\": \"*\"}"))).isTrue();
        // Element names in another case, and a condition the holder may satisfy.
        assertThat(admin(statement("{\"effect\": \"Allow\", \"action\": \"*\", \"resource\": \"*\","
                + " \"Condition\": {\"IpAddress\": {\"aws:SourceIp\": \"203.0.113.0/24\"}}}"))).isTrue();
        // The object form, and IAM's URL-encoded copy.
        String plain = statement("{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}");
        assertThat(admin(URLEncoder.encode(plain, StandardCharsets.UTF_8).replace("+", "%20"))).isTrue();
        ObjectNode record = (ObjectNode) EventJson.readTree(Corpus.records().stream().filter(r -> r.contains(ATTACH))
                .findFirst().orElseThrow());
        ((ObjectNode) record.get("requestParameters")).set("policyDocument", EventJson.readTree(plain));
        CloudTrailEvent objectForm = new CloudTrailParser().parseAll(RawInput.of("test", record.toString())).events.get(0);
        assertThat(POLICY_DOCUMENT.test(objectForm)).isTrue();
    }

    @Test
    void notActionAllowsEverythingOutsideItsList() {
        assertThat(admin(statement("{\"Effect\": \"Allow\", \"NotAction\": \"s3:DeleteBucket\", \"Resource\": \"*\"}")))
                .isTrue();
        // PowerUserAccess's own shape: everything but IAM, Organizations and Account.
        assertThat(admin(statement("{\"Effect\": \"Allow\", \"NotAction\": [\"iam:*\", \"organizations:*\","
                + " \"account:*\"], \"Resource\": \"*\"}"))).isTrue();
        // NotAction "*" allows nothing.
        assertThat(admin(statement("{\"Effect\": \"Allow\", \"NotAction\": \"*\", \"Resource\": \"*\"}"))).isFalse();
    }

    @Test
    void iamActionsWithWhichAPrincipalGrantsItselfAnything() {
        for (String action : new String[] {"iam:*", "iam:Put*", "IAM:PUTUSERPOLICY", "iam:attach*policy", "iam:*Policy",
                "iam:CreatePolicyVersion", "iam:AddUserToGroup", "iam:UpdateAssumeRolePolicy", "iam:Create?ccessKey",
                "iam:UpdateLoginProfile"}) {
            assertThat(admin(statement("{\"Effect\": \"Allow\", \"Action\": \"" + action + "\", \"Resource\": \"*\"}")))
                    .as(action).isTrue();
        }
        // On one named user only: enough when that user is the holder.
        assertThat(admin(statement("{\"Effect\": \"Allow\", \"Action\": \"iam:PutUserPolicy\", \"Resource\":"
                + " \"arn:aws:iam::229654561268:user/malicious-iam-user\"}"))).isTrue();
        // Passing a role to compute that runs as it, in two statements.
        assertThat(admin(statement("{\"Effect\": \"Allow\", \"Action\": \"iam:PassRole\", \"Resource\": \"*\"},"
                + " {\"Effect\": \"Allow\", \"Action\": \"lambda:CreateFunction\", \"Resource\": \"*\"}"))).isTrue();
    }

    @Test
    void narrowAndReadOnlyPoliciesAreNot() {
        assertThat(admin(statement("{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\":"
                + " \"arn:aws:s3:::reports/*\"}"))).isFalse();
        assertThat(admin(statement("{\"Effect\": \"Allow\", \"Action\": [\"iam:Get*\", \"iam:List*\"], \"Resource\":"
                + " \"*\"}"))).isFalse();
        assertThat(admin(statement("{\"Effect\": \"Allow\", \"Action\": \"iam:PassRole\", \"Resource\": \"*\"}")))
                .as("passing a role without compute to pass it to").isFalse();
        // Every action, on one bucket only.
        assertThat(admin(statement("{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": [\"arn:aws:s3:::reports\","
                + " \"arn:aws:s3:::reports/*\"]}"))).isFalse();
        // An IAM wildcard that never reaches a write.
        assertThat(admin(statement("{\"Effect\": \"Allow\", \"Action\": \"iam:Tag*\", \"Resource\": \"*\"}"))).isFalse();
    }

    @Test
    void onlyAnUnconditionalDenyOfEverythingTakesAGrantBack() {
        assertThat(admin(statement("{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"},"
                + " {\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\"}"))).isFalse();
        assertThat(admin(statement("{\"Effect\": \"Allow\", \"Action\": \"iam:*\", \"Resource\": \"*\"},"
                + " {\"Effect\": \"Deny\", \"Action\": \"iam:*\", \"Resource\": \"*\"}"))).isFalse();
        // A Deny alone grants nothing.
        assertThat(admin(statement("{\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\"}"))).isFalse();
        // Denying IAM leaves every other action: the PowerUserAccess shape again.
        assertThat(admin(statement("{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"},"
                + " {\"Effect\": \"Deny\", \"Action\": \"iam:*\", \"Resource\": \"*\"}"))).isTrue();
        // A Deny that may not apply (a condition, a narrower resource, a misspelt effect) takes nothing back.
        assertThat(admin(statement("{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"},"
                + " {\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": {\"Bool\":"
                + " {\"aws:MultiFactorAuthPresent\": \"false\"}}}"))).isTrue();
        assertThat(admin(statement("{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"},"
                + " {\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"arn:aws:s3:::reports\"}"))).isTrue();
        assertThat(admin(statement("{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"},"
                + " {\"Effect\": \"deny\", \"Action\": \"*\", \"Resource\": \"*\"}"))).isTrue();
    }

    @Test
    void malformedDocumentsAreNoMatchAndNoCrash() {
        for (String broken : new String[] {"{\"Statement\": [{\"Effect\": \"Allow\", ", "%7B%ZZ", "not json", "[]", "{}",
                "{\"Statement\": 42}", "{\"Statement\": [null, 1, \"x\", []]}",
                "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": 42, \"Resource\": {\"a\": 1}}]}",
                "{\"Statement\": [{\"Effect\": [\"Allow\"], \"Action\": \"*\", \"Resource\": \"*\"}]}"}) {
            assertThat(admin(broken)).as(broken).isFalse();
        }
        // Nested deeper than the JSON reader accepts: not a document at all.
        String deep = "{\"Statement\": " + "[".repeat(5_000) + "]".repeat(5_000) + "}";
        assertThat(admin(deep)).isFalse();
    }

    @Test
    void hugeDocumentsAreBoundedAndFailClosed() {
        // Longer than IAM accepts: not read, judged admin-equivalent (cannot be decided within bounds).
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            many.append(i == 0 ? "" : ", ").append("{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\":"
                    + " \"arn:aws:s3:::b/").append(i).append("\"}");
        }
        assertThat(admin(statement(many.toString()))).isTrue();
        // Within the text bound but over the statement bound (tiny statements): the same verdict.
        String tiny = "{\"Effect\":\"Allow\",\"Action\":\"s3:X\",\"Resource\":\"a\"}";
        assertThat(admin(statement(String.join(",", java.util.Collections.nCopies(AdminEquivalence.MAX_STATEMENTS + 1,
                tiny))).replace(" ", ""))).isTrue();
        // A wildcard pattern built to make a backtracking matcher explode: the matcher's work is bounded by
        // the product of the lengths, so this returns at once.
        String pathological = "iam:" + "*a".repeat(60) + "b";
        assertThat(admin(statement("{\"Effect\": \"Allow\", \"Action\": \"" + pathological + "\", \"Resource\": \"*\"}")))
                .isFalse();
    }

    @Test
    void managedPoliciesKnownOrListed() {
        for (String arn : new String[] {"arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/IAMFullAccess",
                "arn:aws:iam::aws:policy/PowerUserAccess", "arn:aws-us-gov:iam::aws:policy/AdministratorAccess",
                "arn:aws:iam::aws:policy/administratoraccess", "arn:aws:iam::229654561268:policy/BreakGlass",
                "arn:aws:iam::229654561268:policy/teams/org-admin", "ARN:AWS:IAM::229654561268:POLICY/BREAKGLASS"}) {
            assertThat(POLICY_ARN.test(attach("policyArn", arn))).as(arn).isTrue();
        }
        for (String arn : new String[] {"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
                "arn:aws:iam::229654561268:policy/AdministratorAccess-lookalike",
                "arn:aws:iam::229654561268:policy/AdministratorAccess", "arn:aws:s3:::AdministratorAccess"}) {
            assertThat(POLICY_ARN.test(attach("policyArn", arn))).as(arn).isFalse();
        }
    }

    @Test
    void groupsListedAsAdminInAnyCase() {
        assertThat(GROUP.test(attach("groupName", "Platform-Admins"))).isTrue();
        assertThat(GROUP.test(attach("groupName", "PLATFORM-ADMINS"))).isTrue();
        assertThat(GROUP.test(attach("groupName", "arn:aws:iam::229654561268:group/ops/platform-admins"))).isTrue();
        assertThat(GROUP.test(attach("groupName", "developers"))).isFalse();
    }

    @Test
    void theOperandSaysWhatTheFieldHolds() {
        List<RuleError> errors = new ArrayList<>();
        RuleLoader loader = new RuleLoader(LISTS.keySet(), Duration.ofDays(1));
        loader.condition("{requestParameters.policyDocument: {adminEquivalent: true}}", errors);
        loader.condition("{requestParameters.policyDocument: {adminEquivalent: policy, transform: lower}}", errors);
        loader.condition("{requestParameters.policyDocument: {adminEquivalent: policy, exists: true}}", errors);
        assertThat(errors).extracting(error -> error.message).satisfiesExactly(
                m -> assertThat(m).contains("policy (a policy document"),
                m -> assertThat(m).contains("a transform does not apply"),
                m -> assertThat(m).contains("cannot share a field"));
    }
}
