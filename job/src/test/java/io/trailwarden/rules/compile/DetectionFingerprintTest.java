package io.trailwarden.rules.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.DetectionConfig;
import io.trailwarden.config.ListsConfig;
import io.trailwarden.rules.model.InvalidRulesException;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.runtime.RepoRules;
import io.trailwarden.rules.load.RuleLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What an edit of a rule file does to its detection's fingerprint, on the packaged rules' own text:
 * edits of what the rule says about findings keep it (the rule keeps its state on a restore), edits
 * of what it detects change it (its detection starts fresh).
 */
class DetectionFingerprintTest {
    private static final String SEQUENCE = "backdoor-admin-user";
    private static final String THRESHOLD = "reconnaissance-burst";

    @Test
    void editsOfWhatAFindingSaysKeepTheFingerprint() throws Exception {
        String original = fingerprint(SEQUENCE, text(SEQUENCE));

        Map<String, String> edits = Map.of(
                "title", edit(text(SEQUENCE), "title: Backdoor administrator user created", "title: Admin backdoor user"),
                "severity", edit(text(SEQUENCE), "severity: critical", "severity: high"),
                "mitre and references", edit(edit(text(SEQUENCE), "mitre: [T1136.003, T1098.001, T1098.003]",
                        "mitre: [T1136.003]"), "  - https://attack.mitre.org/techniques/T1136/003/\n", ""),
                "description, runbook, false positives", edit(edit(edit(text(SEQUENCE),
                        "The new user is quarantined.", "The user is quarantined."),
                        "4. Delete the backdoor user", "4. Remove the backdoor user"),
                        "should be rare and", "are rare and"),
                "response", edit(text(SEQUENCE), "  contain: {userFromCapture: user}", "  contain: none"),
                "suppression", edit(text(SEQUENCE), "response:\n", "suppress: 2h\nresponse:\n"),
                "a test case renamed", edit(text(SEQUENCE), "credentials issued 31 minutes after", "a key 31 minutes after"),
                "comments and lines moved", "# a new comment\n\n# and another\n" + edit(text(SEQUENCE),
                        "    by: [recipientAccountId, requestParameters.userName]\n",
                        "    # keyed by the user being built\n    by: [recipientAccountId, requestParameters.userName]\n"),
                "flow list written as a block list", edit(text(SEQUENCE),
                        "eventName: [CreateAccessKey, CreateLoginProfile]",
                        "eventName:\n              - CreateAccessKey\n              - CreateLoginProfile"),
                "the same window spelled otherwise", edit(text(SEQUENCE), "within: 30m", "within: PT30M"));

        edits.forEach((what, text) -> assertThat(fingerprint(SEQUENCE, text)).as(what).isEqualTo(original));
    }

    @Test
    void editsOfWhatASequenceDetectsChangeTheFingerprint() throws Exception {
        String rule = text(SEQUENCE);
        String original = fingerprint(SEQUENCE, rule);

        Map<String, String> edits = Map.of(
                "window", edit(rule, "within: 30m", "within: 31m"),
                "key", edit(rule, "    by: [recipientAccountId, requestParameters.userName]\n", "    by: actor\n"),
                "a step's value", edit(rule, "eventName: [CreateAccessKey, CreateLoginProfile]", "eventName: CreateAccessKey"),
                "values reordered", edit(rule, "eventName: [CreateAccessKey, CreateLoginProfile]",
                        "eventName: [CreateLoginProfile, CreateAccessKey]"),
                "a step renamed", edit(rule, "name: credentials", "name: keys"),
                "a condition option", edit(rule, "eventName: CreateUser\n          errorCode: {exists: false}",
                        "eventName: CreateUser\n          errorCode: {exists: false, ignoreCase: true}"),
                "a capture's path", edit(rule, "user: requestParameters.userName", "user: responseElements.user.userName"),
                "a step's operator", edit(rule, "requestParameters.groupName: {adminEquivalent: group}",
                        "requestParameters.groupName: {inList: adminGroups}"));

        edits.forEach((what, text) -> assertThat(fingerprint(SEQUENCE, text)).as(what).isNotEqualTo(original));
    }

    @Test
    void editsOfWhatAThresholdCountsChangeTheFingerprint() throws Exception {
        String rule = text(THRESHOLD);
        String original = fingerprint(THRESHOLD, rule);

        Map<String, String> edits = Map.of(
                "atLeast", edit(rule, "atLeast: 8", "atLeast: 12"),
                "window", edit(rule, "within: 10m", "within: 15m"),
                "distinct field", edit(rule, "distinct: eventName", "distinct: [eventName, eventSource]"),
                "counting events instead of distinct values", edit(rule, "    distinct: eventName\n", ""),
                "a negated condition", edit(rule, "userIdentity.type: AWSService", "userIdentity.type: [AWSService, AWSAccount]"));

        edits.forEach((what, text) -> assertThat(fingerprint(THRESHOLD, text)).as(what).isNotEqualTo(original));
        assertThat(fingerprint(THRESHOLD, edit(rule, "severity: medium", "severity: high"))).isEqualTo(original);
    }

    @Test
    void everyPackagedRuleHasItsOwnFingerprintAndEveryOperatorUidCarriesIt() throws Exception {
        List<CompiledRule> rules = new RuleCompiler(ListsConfig.defaults().lists).compile(RepoRules.load());

        assertThat(rules.stream().map(rule -> rule.fingerprint).collect(Collectors.toSet())).hasSameSizeAs(rules);
        assertThat(rules).allSatisfy(rule -> {
            assertThat(rule.fingerprint).matches("[0-9a-f]{16}");
            assertThat(rule.uid("cep")).isEqualTo("rule-" + rule.id + "-" + rule.fingerprint + "-cep");
        });
    }

    private static String fingerprint(String id, String text) {
        try {
            List<Rule> loaded = loader().load(List.of(new RuleLoader.Source(id + ".yaml", text)));
            return DetectionFingerprint.of(loaded.get(0));
        } catch (InvalidRulesException e) {
            throw new AssertionError("the edited rule must still be valid: " + e.getMessage(), e);
        }
    }

    private static RuleLoader loader() {
        return new RuleLoader(ListsConfig.defaults().lists.keySet(), DetectionConfig.defaults().maxRuleWindow);
    }

    private static String text(String id) throws IOException {
        return Files.readString(RepoRules.directory().resolve(id + ".yaml"), StandardCharsets.UTF_8);
    }

    /** The text with {@code from} replaced once; fails when the rule no longer holds {@code from}. */
    private static String edit(String text, String from, String to) {
        assertThat(text).as("the rule file holds the text the edit replaces").contains(from);
        return text.replace(from, to);
    }
}
