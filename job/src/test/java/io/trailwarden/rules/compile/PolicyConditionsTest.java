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
import io.trailwarden.rules.model.Transform;
import io.trailwarden.source.RawInput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Looking inside the policies CloudTrail writes as strings: JSON paths, one list element at a time,
 * transforms, comparisons after a transform, named lists of transformed values. Over the real
 * iam-backdoor-role and iam-create-backdoor-role records (DataDog/stratus-red-team, Apache-2.0) and
 * forged variants of them.
 */
class PolicyConditionsTest {
    private static final String OUTSIDE = "193672423079";
    private static final String OWN = "751203476945";
    private static final Map<String, List<String>> NO_TRUST = Map.of("trustedAccounts", List.of());
    private static final Map<String, List<String>> TRUSTS_OUTSIDE =
            Map.of("trustedAccounts", List.of("arn:aws:iam::" + OUTSIDE + ":root"));

    /** The condition of the catalogue rule, as the rule file writes it. */
    private static final String OPENS_TO_OUTSIDE = "{requestParameters.policyDocument.Statement: {anyElement: {"
            + "Effect: {equals: Allow, ignoreCase: true}, any: [{Principal: '*'}, {Principal.AWS: {transform: accountOf,"
            + " notInList: trustedAccounts, notEqualsField: recipientAccountId}}]}}}";

    private static String record(String eventId) {
        return Corpus.records().stream().filter(r -> r.contains(eventId)).findFirst().orElseThrow();
    }

    private static CloudTrailEvent parse(String json) {
        ParseResult result = new CloudTrailParser().parseAll(RawInput.of("test", json));
        assertThat(result.deadLetters).isEmpty();
        return result.events.get(0);
    }

    /** The real UpdateAssumeRolePolicy with its policy document replaced. */
    private static CloudTrailEvent withPolicy(String policy) {
        ObjectNode node = (ObjectNode) EventJson.readTree(record("62e290e2-ee95-4a7c-a9f8-db4ef462b12d"));
        ((ObjectNode) node.get("requestParameters")).put("policyDocument", policy);
        return parse(node.toString());
    }

    private static EventCondition compile(String yaml, Map<String, List<String>> lists) {
        List<RuleError> errors = new ArrayList<>();
        ConditionSpec spec = new RuleLoader(lists.keySet(), Duration.ofDays(1)).condition(yaml, errors);
        assertThat(errors).isEmpty();
        return Conditions.compile(spec, lists);
    }

    private static final CloudTrailEvent BACKDOOR = parse(record("62e290e2-ee95-4a7c-a9f8-db4ef462b12d"));
    private static final CloudTrailEvent CREATE_ROLE = parse(record("d2905ac3-9898-433f-b10d-9302abe4e208"));

    @Test
    void pathsContinueIntoPolicyStrings() {
        assertThat(compile("{requestParameters.policyDocument.Statement.Principal.AWS: 'arn:aws:iam::" + OUTSIDE
                + ":root'}", NO_TRUST).test(BACKDOOR)).isTrue();
        assertThat(compile("{requestParameters.policyDocument.Statement.1.Effect: Allow}", NO_TRUST).test(BACKDOOR))
                .isTrue();
        assertThat(compile("{requestParameters.policyDocument.Version: '2012-10-17'}", NO_TRUST).test(BACKDOOR)).isTrue();
        // IAM writes the document of its response URL-encoded (%7B%0A%20%20%22Version...): decoded, then read.
        assertThat(compile("{responseElements.role.assumeRolePolicyDocument.Statement.Principal.AWS: {transform:"
                + " accountOf, equals: '" + OUTSIDE + "'}}", NO_TRUST).test(CREATE_ROLE)).isTrue();
    }

    @Test
    void theTrialConditionFindsTheRealBackdoorAndOnlyAllowStatements() {
        EventCondition opens = compile(OPENS_TO_OUTSIDE, NO_TRUST);
        assertThat(opens.test(BACKDOOR)).isTrue();
        // The outside account in a Deny, the Allow for a service: no statement allows an outside account. Each
        // statement is judged on its own: the Allow of one and the principal of another do not add up.
        assertThat(opens.test(withPolicy("{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"Service\":"
                + " \"ec2.amazonaws.com\"}}, {\"Effect\": \"Deny\", \"Principal\": {\"AWS\": \"" + OUTSIDE + "\"}}]}")))
                .isFalse();
    }

    @Test
    void theOwnAccountAndTrustedAccountsAreNotOutsideInAnyForm() {
        EventCondition opens = compile(OPENS_TO_OUTSIDE, TRUSTS_OUTSIDE);
        assertThat(opens.test(BACKDOOR)).as("the outside account trusted by the list, as a root ARN").isFalse();
        for (String own : new String[] {OWN, "arn:aws:iam::" + OWN + ":root", "arn:aws:iam::" + OWN + ":role/deploy",
                "arn:aws:sts::" + OWN + ":assumed-role/deploy/session"}) {
            assertThat(compile(OPENS_TO_OUTSIDE, NO_TRUST).test(withPolicy("{\"Statement\": {\"Effect\": \"Allow\","
                    + " \"Principal\": {\"AWS\": \"" + own + "\"}}}"))).as(own).isFalse();
        }
    }

    @Test
    void evasionsThatAJsonReaderSeesThrough() {
        EventCondition opens = compile(OPENS_TO_OUTSIDE, NO_TRUST);
        // A JSON escape in the key, which a regex over the text misses.
        assertThat(opens.test(withPolicy("{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"\\u0041WS\": \""
                + OUTSIDE + "\"}}]}"))).isTrue();
        // A trusted account listed first, the outside one hidden behind it in the same list.
        assertThat(compile(OPENS_TO_OUTSIDE, TRUSTS_OUTSIDE).test(withPolicy("{\"Statement\": [{\"Effect\": \"Allow\","
                + " \"Principal\": {\"AWS\": [\"" + OUTSIDE + "\", \"arn:aws:iam::999988887777:root\"]}}]}"))).isTrue();
        // Principal "*" and Principal.AWS "*": every account.
        assertThat(opens.test(withPolicy("{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\"}]}"))).isTrue();
        assertThat(opens.test(withPolicy("{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"*\"}}]}")))
                .isTrue();
        // A principal in a form accountOf does not know (a unique id) is kept as it is, so it still alerts.
        assertThat(opens.test(withPolicy("{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\":"
                + " \"AROA53G8Z8NGXMJ597G3E\"}}]}"))).isTrue();
    }

    @Test
    void aBrokenPolicyStringIsNoMatchNotACrash() {
        EventCondition opens = compile(OPENS_TO_OUTSIDE, NO_TRUST);
        assertThat(opens.test(withPolicy("{\"Statement\": [{\"Effect\": \"Allow\", "))).isFalse();
        assertThat(opens.test(withPolicy("%7B%ZZ"))).isFalse();
        assertThat(opens.test(withPolicy("not json"))).isFalse();
    }

    @Test
    void aPolicyIsParsedOncePerEventHoweverManyConditionsReadIt() {
        CloudTrailEvent event = parse(record("62e290e2-ee95-4a7c-a9f8-db4ef462b12d"));
        AtomicInteger parses = new AtomicInteger();
        com.fasterxml.jackson.databind.JsonNode text = event.field("requestParameters.policyDocument");
        for (int i = 0; i < 3; i++) {
            event.embeddedDocument(text, json -> {
                parses.incrementAndGet();
                return EventJson.readTree(json);
            });
        }
        assertThat(parses).hasValue(1);
        EventCondition opens = compile(OPENS_TO_OUTSIDE, NO_TRUST);
        assertThat(opens.test(event)).isTrue();
    }

    @Test
    void severalOperatorsOnOneFieldHoldForOneValue() {
        // The own account root and a trusted outside account: each value fails one of the two operators.
        CloudTrailEvent mixed = withPolicy("{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\":"
                + " [\"arn:aws:iam::" + OWN + ":root\", \"" + OUTSIDE + "\"]}}]}");
        assertThat(compile("{requestParameters.policyDocument.Statement.Principal.AWS: {transform: accountOf,"
                + " notInList: trustedAccounts, notEqualsField: recipientAccountId}}", TRUSTS_OUTSIDE).test(mixed))
                .as("own root fails notEqualsField, outside fails notInList: no single value passes both").isFalse();
        assertThat(compile("{requestParameters.policyDocument.Statement.Principal.AWS: {transform: accountOf,"
                + " notInList: trustedAccounts, notEqualsField: recipientAccountId}}", NO_TRUST).test(mixed)).isTrue();
    }

    @Test
    void transformsAndCaseInsensitiveNames() {
        assertThat(Transform.ACCOUNT_OF.apply("arn:aws:iam::111122223333:root")).isEqualTo("111122223333");
        assertThat(Transform.ACCOUNT_OF.apply("111122223333")).isEqualTo("111122223333");
        assertThat(Transform.ACCOUNT_OF.apply("arn:aws:s3:::bucket")).isEqualTo("arn:aws:s3:::bucket");
        assertThat(Transform.ACCOUNT_OF.apply("*")).isEqualTo("*");
        assertThat(Transform.NAME_OF.apply("arn:aws:iam::1:role/path/Admin")).isEqualTo("Admin");
        assertThat(Transform.NAME_OF.apply("arn:aws:secretsmanager:r:1:secret:db-AbCdEf")).isEqualTo("db-AbCdEf");
        assertThat(Transform.TOPIC_OF.apply("arn:aws:sns:us-east-1:1:trailwarden-alerts")).isEqualTo("trailwarden-alerts");
        assertThat(Transform.TOPIC_OF.apply("arn:aws:sns:us-east-1:1:trailwarden-alerts:0a1b2c3d-4e5f"))
                .as("a subscription ARN gives its topic, not its id").isEqualTo("trailwarden-alerts");
        assertThat(Transform.TOPIC_OF.apply("arn:aws:sqs:us-east-1:1:queue:x")).as("only SNS ARNs").isEqualTo("arn:aws:sqs:us-east-1:1:queue:x");
        assertThat(Transform.TOPIC_OF.apply("trailwarden-alerts")).isEqualTo("trailwarden-alerts");
        assertThat(compile("{requestParameters.roleName: {transform: lower, equals: STRATUS-RED-TEAM-BACKDOOR-R-ROLE}}",
                NO_TRUST).test(BACKDOOR)).as("the operand goes through the same transform").isTrue();
        assertThat(compile("{userIdentity.arn: {transform: nameOf, equalsField: userIdentity.userName}}", NO_TRUST)
                .test(BACKDOOR)).isTrue();
    }
}
