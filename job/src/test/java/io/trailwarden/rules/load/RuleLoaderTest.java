package io.trailwarden.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.DetectionConfig;
import io.trailwarden.config.ListsConfig;
import io.trailwarden.finding.Severity;
import io.trailwarden.rules.model.ResponseSpec;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.model.RuleError;
import io.trailwarden.rules.runtime.RuleCatalogue;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Loading details the broken-rules catalogue does not cover: YAML errors, the model, test inputs. */
class RuleLoaderTest {
    private static final String TESTS = String.join("\n",
            "tests:",
            "  - {name: p1, expect: alert, events: [{eventName: CreateUser}]}",
            "  - {name: p2, expect: alert, target: bob, events: [\"{\\\"eventName\\\": \\\"CreateUser\\\"}\"]}",
            "  - {name: n1, expect: none, events: [{eventName: GetUser, readOnly: true, n: 3, x: null}]}",
            "  - {name: n2, expect: none, events: [{eventName: GetUser}]}",
            "");

    private static String rule(String id, String detection) {
        return String.join("\n",
                "id: " + id,
                "title: t",
                "description: d",
                "severity: high",
                "mitre: [T1098]",
                "references: [r]",
                "falsePositives: [f]",
                "runbook: r",
                detection,
                "response: {contain: actor, reason: the caller is contained in these tests}",
                "tactics: [persistence]",
                TESTS);
    }

    private static List<RuleError> errors(String name, String text) {
        List<RuleError> errors = new ArrayList<>();
        RuleCatalogue.loader(ListsConfig.defaults().lists, DetectionConfig.defaults())
                .load(List.of(new RuleLoader.Source(name, text)), errors);
        return errors;
    }

    @Test
    void aValidRuleBecomesTheModel() throws Exception {
        String text = rule("spot", "detection:\n  threshold:\n    where: {eventName: GetUser}\n    by: [actor, awsRegion]\n"
                + "    within: PT15M\n    atLeast: 3\n    distinct: requestParameters.userName");
        Rule rule = RuleCatalogue.loader(ListsConfig.defaults().lists, DetectionConfig.defaults())
                .load(List.of(new RuleLoader.Source("rules/spot.yaml", text))).get(0);

        assertThat(rule.kind).isEqualTo(Rule.Kind.THRESHOLD);
        assertThat(rule.severity).isEqualTo(Severity.HIGH);
        assertThat(rule.by).containsExactly("actor", "awsRegion");
        assertThat(rule.within).hasMinutes(15);
        assertThat(rule.atLeast).isEqualTo(3);
        assertThat(rule.distinctFields).containsExactly("requestParameters.userName");
        assertThat(rule.response.contain).isEqualTo(ResponseSpec.Contain.ACTOR);
        assertThat(rule.tests).extracting(test -> test.name).containsExactly("p1", "p2", "n1", "n2");
        assertThat(rule.tests.get(1).expectTarget).isEqualTo("bob");
        assertThat(rule.tests.get(1).inputs).containsExactly("{\"eventName\": \"CreateUser\"}");
        assertThat(rule.tests.get(2).inputs).containsExactly("{\"eventName\":\"GetUser\",\"readOnly\":true,\"n\":3,\"x\":null}");
    }

    @Test
    void yamlSyntaxErrorsHaveTheirLine() {
        List<RuleError> errors = errors("rules/bad.yaml", "id: bad\ntitle: [unclosed\ndescription: d\n");

        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).toString()).startsWith("rules/bad.yaml:3: not valid YAML");
    }

    @Test
    void everyProblemOfOneFileIsReported() {
        String text = rule("many", "detection:\n  sequence:\n    by: actor\n    within: 2h\n    steps:\n"
                + "      - name: a\n        where: {eventName: CreateUser, sourceIPAddress: {cidr: 300.1.1.1/8}}\n"
                + "      - name: b\n        where:\n          any:\n            - requestParameters.userName: {equalsCapture: u}\n")
                .replace("severity: high", "severity: urgent").replace("mitre: [T1098]", "mitre: [T98]");

        assertThat(errors("rules/many.yaml", text)).extracting(RuleError::toString).containsExactlyInAnyOrder(
                "rules/many.yaml:4: severity must be one of informational, low, medium, high, critical (lower case), not 'urgent'",
                "rules/many.yaml:5: 'T98' is not a MITRE ATT&CK technique id such as T1098 or T1098.001",
                "rules/many.yaml:15: bad CIDR '300.1.1.1/8' (expected e.g. 10.0.0.0/8 or 2001:db8::/32)",
                "rules/many.yaml:19: capture 'u' is used before it is defined (captures come from earlier steps)");
    }

    @Test
    void captureComparisonsOnlyAtTheTopOfAStep() {
        String text = rule("nested", "detection:\n  sequence:\n    by: actor\n    within: 1h\n    steps:\n"
                + "      - name: a\n        where: {eventName: CreateUser}\n        capture: {u: requestParameters.userName}\n"
                + "      - name: b\n        where:\n          not: {requestParameters.userName: {equalsCapture: u}}\n");

        assertThat(errors("rules/nested.yaml", text)).extracting(RuleError::toString).containsExactly(
                "rules/nested.yaml:19: equalsCapture may only be used directly in a step's where (or its all), not under any/not");
    }

    @Test
    void responseCaptureMustExistAndDetectionIsRequired() {
        assertThat(containErrors(MATCH_CREATE_USER, "{userFromCapture: newUser}")).containsExactly(
                "rules/resp.yaml:12: userFromCapture names capture 'newUser', which no step of this rule defines");

        String noDetection = rule("nodet", "").replace("\n\nresponse", "\nresponse");
        assertThat(errors("rules/nodet.yaml", noDetection)).extracting(RuleError::toString)
                .containsExactly("rules/nodet.yaml:1: missing required key 'detection'");
    }

    @Test
    void actorOfStepMustNameAStepOfASequence() {
        assertThat(containErrors(MATCH_CREATE_USER, "{actorOfStep: match}")).containsExactly(
                "rules/resp.yaml:12: actorOfStep names step 'match', which is not a step of this rule's sequence");

        String sequence = "detection:\n  sequence:\n    by: recipientAccountId\n    within: 1h\n    steps:\n"
                + "      - {name: first, where: {eventName: PutUserPolicy}}\n"
                + "      - {name: second, where: {eventName: UpdateAccessKey}}";
        assertThat(containErrors(sequence, "{actorOfStep: second}")).isEmpty();
        assertThat(containErrors(sequence, "{actorOfStep: Second}")).containsExactly(
                "rules/resp.yaml:16: actorOfStep names step 'Second', which is not a step of this rule's sequence");
    }

    private static final String MATCH_CREATE_USER = "detection:\n  match:\n    where: {eventName: CreateUser}";

    private static List<String> containErrors(String detection, String contain) {
        return errors("rules/resp.yaml", rule("resp", detection).replace("contain: actor", "contain: " + contain)).stream()
                .map(RuleError::toString).collect(java.util.stream.Collectors.toList());
    }

    private static List<String> messages(String detection) {
        return errors("rules/x.yaml", rule("x", detection)).stream().map(error -> error.message)
                .collect(java.util.stream.Collectors.toList());
    }

    /** Checks that validate but can never match are errors, with a way out in the message. */
    @Test
    void checksThatCanNeverMatchAreErrors() {
        assertThat(messages("detection:\n  match:\n    where: {requestParameters.roleName.Statement: x}"))
                .containsExactly("'requestParameters.roleName' holds a string (a name, ARN or id), so 'Statement' below it"
                        + " can never match; paths may enter only the JSON documents CloudTrail writes as strings"
                        + " (policies, see rules/README.md)");
        assertThat(messages("detection:\n  match:\n    where: {requestParameters.policyDocument.Statement.Effect: Allow}"))
                .isEmpty();
        assertThat(messages("detection:\n  threshold:\n    where: {eventName: GetSecretValue}\n    by: actor\n"
                + "    within: 5m\n    atLeast: 5\n    distinct: requestParameters")).containsExactly("distinct:"
                + " 'requestParameters' is an object in every record, so it has no values to count; name the field inside"
                + " it that names the counted thing");
        assertThat(messages("detection:\n  match:\n    where:\n      resources[1].ARN: x")).singleElement().asString()
                .contains("resources.1.ARN");
    }

    @Test
    void misspeltKeysGetADidYouMean() {
        assertThat(messages("detection:\n  match:\n    where:\n      Any: [{eventName: A}, {eventName: B}]"))
                .containsExactly("unknown condition key 'Any' (did you mean 'any'?)");
        assertThat(messages("detection:\n  match:\n    where: {eventName: {equals: A, transform: accountof}}"))
                .containsExactly("unknown transform 'accountof' (one of accountOf, lower, nameOf, topicOf) (did you mean"
                        + " 'accountOf'?)");
        assertThat(messages("detection:\n  match:\n    whre: {eventName: A}")).contains(
                "unknown key 'whre' in match (did you mean 'where'?)");
    }

    @Test
    void anyElementStandsAloneAndTestsFieldsOfTheElement() {
        assertThat(messages("detection:\n  match:\n    where:\n      requestParameters.policyDocument.Statement:\n"
                + "        anyElement: {Effect: Allow, Principal.AWS: {transform: accountOf, notInList: trustedAccounts}}"))
                .isEmpty();
        assertThat(messages("detection:\n  match:\n    where:\n      requestParameters.policyDocument.Statement:\n"
                + "        anyElement: {Effect: Allow}\n        exists: true")).containsExactly(
                "anyElement stands alone on its field: its conditions go inside it");
        assertThat(messages("detection:\n  match:\n    where: {errorCode: {exists: false, equals: x}}")).containsExactly(
                "exists tests the field, not each value: it cannot share a field with other operators (write the field"
                        + " twice under all)");
    }

    @Test
    void titlePlaceholdersNameContextLabels() {
        String text = rule("ctx", "detection:\n  match:\n    where: {eventName: CreateRole}\ncontext:\n"
                + "  role: requestParameters.roleName\ntarget: {kind: role, name: requestParameters.roleName}")
                .replace("title: t", "title: Role {role} by {rol}");
        assertThat(errors("rules/ctx.yaml", text)).extracting(error -> error.message).containsExactly(
                "title placeholder {rol} names no context label (labels: role) (did you mean 'role'?)");
    }

    @Test
    void suppressionPeriodsAreTheRulesOwnOrTheKindsDefault() throws Exception {
        String match = "detection:\n  match:\n    where: {eventName: CreateUser}";
        RuleLoader loader = RuleCatalogue.loader(ListsConfig.defaults().lists, DetectionConfig.defaults());
        Rule defaulted = loader.load(List.of(new RuleLoader.Source("rules/m.yaml", rule("m", match)))).get(0);
        Rule own = loader.load(List.of(new RuleLoader.Source("rules/o.yaml", rule("o", match + "\nsuppress: 2h")))).get(0);
        Rule none = loader.load(List.of(new RuleLoader.Source("rules/n.yaml", rule("n", match + "\nsuppress: 0s")))).get(0);

        assertThat(defaulted.suppressionPeriod()).isEqualTo(Rule.MATCH_SUPPRESSION);
        assertThat(own.suppressionPeriod()).hasHours(2);
        assertThat(none.suppressionPeriod()).isZero();
        assertThat(messages(match + "\nsuppress: 8d")).containsExactly(
                "suppress PT192H exceeds 7 days: an incident that stays open longer hides a new attack by the same principal");
        assertThat(messages(match + "\nsuppress: soon")).containsExactly(
                "suppress must be a duration such as 0s, 15m or 1h, not 'soon'");
    }

    @Test
    void onlyARuleThatSaysWhyMayHaveNoTests() throws Exception {
        String match = "detection:\n  match:\n    where: {eventName: CreateUser}";
        String withoutTests = rule("u", match).substring(0, rule("u", match).indexOf("tests:"));
        RuleLoader loader = RuleCatalogue.loader(ListsConfig.defaults().lists, DetectionConfig.defaults());

        Rule untested = loader.load(List.of(new RuleLoader.Source("rules/u.yaml",
                withoutTests + "untested: no record could be built from the Sigma selection\n"))).get(0);
        assertThat(untested.untested).isEqualTo("no record could be built from the Sigma selection");
        assertThat(untested.tests).isEmpty();
        assertThat(errors("rules/u.yaml", withoutTests)).extracting(error -> error.message).containsExactly(
                "missing required key 'tests' (at least 2 cases expecting an alert and 2 expecting none)");
        assertThat(errors("rules/u.yaml", rule("u", match) + "untested: because\n")).extracting(error -> error.message)
                .containsExactly("'untested' says why a rule has no tests; this rule has tests: remove 'untested'");
    }

    /** Every rule names ATT&CK tactics by their current names, and says in words why it contains or only alerts. */
    @Test
    void tacticsAreAttackTacticsAndTheResponseHasAReason() {
        String valid = rule("r", "detection:\n  match:\n    where: {eventName: CreateUser}");
        Rule rule = RuleCatalogue.loader(ListsConfig.defaults().lists, DetectionConfig.defaults())
                .load(List.of(new RuleLoader.Source("rules/r.yaml", valid)), new ArrayList<>()).get(0);
        assertThat(rule.tactics).containsExactly("persistence");
        assertThat(rule.response.reason).isEqualTo("the caller is contained in these tests");

        assertThat(errors("rules/r.yaml", valid.replace("tactics: [persistence]", "tactics: [persistance]")))
                .extracting(error -> error.message).singleElement().asString()
                .startsWith("'persistance' is not an ATT&CK enterprise tactic").endsWith("(did you mean 'persistence'?)");
        assertThat(errors("rules/r.yaml", valid.replace("tactics: [persistence]", "tactics: [defense-evasion]")))
                .extracting(error -> error.message).singleElement().asString()
                .endsWith("ATT&CK v19 split defense-evasion into stealth and defense-impairment");
        assertThat(errors("rules/r.yaml", valid.replace("tactics: [persistence]", "tactics: [Persistence]")))
                .as("tactic names are lower case").hasSize(1);
        assertThat(errors("rules/r.yaml", valid.replace("tactics: [persistence]", "tactics: [impact, impact]")))
                .extracting(error -> error.message).containsExactly("tactic 'impact' is listed twice");
        assertThat(errors("rules/r.yaml", valid.replace("tactics: [persistence]", "tactics: []")))
                .extracting(error -> error.message).containsExactly("'tactics' needs at least one entry");
        assertThat(errors("rules/r.yaml", valid.replace("tactics: [persistence]\n", "")))
                .extracting(error -> error.message).containsExactly("missing required key 'tactics'");

        assertThat(errors("rules/r.yaml", valid.replace(", reason: the caller is contained in these tests", "")))
                .extracting(error -> error.message).singleElement().asString().startsWith("missing required key 'reason'");
        assertThat(errors("rules/r.yaml", valid.replace("the caller is contained in these tests", "because")))
                .extracting(error -> error.message).containsExactly("reason is 7 characters; write 20 to 250 (alerts carry"
                        + " it whole): why contain, or why alert only");
        assertThat(errors("rules/r.yaml", valid.replace("the caller is contained in these tests", "x".repeat(251))))
                .extracting(error -> error.message).singleElement().asString().startsWith("reason is 251 characters");
    }

    /** A context filter keeps values one by one: an operator that judges the whole field is refused, not a crash. */
    @Test
    void contextFiltersTakeOnlyValueTests() {
        String text = rule("ctx", "detection:\n  match:\n    where: {eventName: PutUserPolicy}\ncontext:\n"
                + "  grant: {fields: requestParameters.policyDocument, adminEquivalent: policy}");
        assertThat(errors("rules/ctx.yaml", text)).extracting(error -> error.message).containsExactly(
                "context 'grant' keeps values that pass value tests; adminEquivalent tests the field, not each value");
    }
}
