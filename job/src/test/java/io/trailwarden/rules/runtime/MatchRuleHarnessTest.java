package io.trailwarden.rules.runtime;

import static io.trailwarden.rules.runtime.Records.ACCOUNT;
import static io.trailwarden.rules.runtime.Records.ATTACKER;
import static io.trailwarden.rules.runtime.Records.FIVE_MIN_LATER;
import static io.trailwarden.rules.runtime.Records.T0;
import static io.trailwarden.rules.runtime.Records.createUser;
import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.ListsConfig;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.Corpus;
import io.trailwarden.event.ParseResult;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.finding.Severity;
import io.trailwarden.finding.Target;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleCompiler;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.source.RawInput;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real iam-user-created rule on the single-event fast path: a finding as soon as the event is
 * read, whatever the watermark, and the allow-list semantics the rule file promises (a role in
 * {@code allowedProvisioners} covers every session of that role).
 */
class MatchRuleHarnessTest {
    private static final String RULE_ID = "iam-user-created";
    private static final String PROVISIONER_USER_ARN = "arn:aws:iam::" + ACCOUNT + ":user/provisioner";
    private static final String PROVISIONER_ROLE_ARN = "arn:aws:iam::" + ACCOUNT + ":role/iam-provisioner";

    private OneInputStreamOperatorTestHarness<CloudTrailEvent, Finding> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void open(List<String> allowedProvisioners) throws Exception {
        Rule loaded = RepoRules.rule(RULE_ID);
        Map<String, List<String>> lists = new java.util.HashMap<>(ListsConfig.defaults().lists);
        lists.put("allowedProvisioners", allowedProvisioners);
        CompiledRule rule = new RuleCompiler(lists).compile(loaded);
        harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new RuleDispatch(List.of(rule), Map.of())));
        harness.open();
    }

    private void feed(CloudTrailEvent... events) throws Exception {
        for (CloudTrailEvent event : events) {
            harness.processElement(event, event.eventTimeMillis);
        }
    }

    @Test
    void theCorpusBackdoorUserIsFoundAtOnceWithoutAWatermark() throws Exception {
        CloudTrailEvent created = corpusRecord("CreateUser");
        open(List.of());
        feed(created);

        Target backdoor = Target.of(Target.Kind.IAM_USER, "malicious-iam-user",
                "arn:aws:iam::229654561268:user/malicious-iam-user", "229654561268");
        assertThat(harness.extractOutputValues()).singleElement().satisfies(finding -> {
            assertThat(finding.ruleId).isEqualTo(RULE_ID);
            assertThat(finding.title).isEqualTo("IAM user created by a principal that is not an allowed provisioner");
            assertThat(finding.severity).isEqualTo(Severity.HIGH);
            assertThat(finding.mitre).containsExactly("T1136.003");
            assertThat(finding.actor).isEqualTo(created.actor);
            assertThat(finding.target).isEqualTo(backdoor);
            assertThat(finding.events).containsExactly(created);
            assertThat(finding.findingId).isEqualTo(Finding.findingId(RULE_ID, List.of(created)));
            assertThat(finding.response).containsExactly(
                    PlannedAction.of(PlannedAction.Type.CONTAIN, backdoor, false, "rule " + RULE_ID),
                    PlannedAction.of(PlannedAction.Type.ALERT, backdoor, false, "rule " + RULE_ID));
        });
    }

    @Test
    void aCreateUserBehindTheWatermarkIsStillFound() throws Exception {
        open(List.of());
        harness.processWatermark(FIVE_MIN_LATER.toEpochMilli());
        feed(createUser("late", T0, ATTACKER, "backdoor").parsed());

        assertThat(harness.extractOutputValues()).extracting(finding -> finding.target.name).containsExactly("backdoor");
    }

    @Test
    void theDetonationsOtherCallsAreNotFindings() throws Exception {
        open(List.of());
        feed(corpusRecord("AttachUserPolicy"), corpusRecord("CreateAccessKey"));

        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void allowedProvisionersAreIgnoredIncludingEverySessionOfAnAllowedRole() throws Exception {
        open(List.of(PROVISIONER_USER_ARN, PROVISIONER_ROLE_ARN));
        feed(createUser("by-user", T0, "provisioner", "one").parsed(),
                createUser("by-role", T0, ATTACKER, "two").byRoleSession(PROVISIONER_ROLE_ARN, "pipeline-run-42").parsed(),
                createUser("by-other-role", T0, ATTACKER, "three")
                        .byRoleSession("arn:aws:iam::" + ACCOUNT + ":role/ci-runner", "session").parsed(),
                createUser("by-attacker", T0, ATTACKER, "four").parsed());

        assertThat(harness.extractOutputValues()).extracting(finding -> finding.target.name)
                .containsExactly("three", "four");
    }

    @Test
    void aRecordWithoutResponseElementsNamesTheUserWithoutAnArnAndStillContainsIt() throws Exception {
        open(List.of());
        feed(createUser("id", T0, ATTACKER, "backdoor").parsed());

        Target target = Target.of(Target.Kind.IAM_USER, "backdoor", null, ACCOUNT);
        assertThat(harness.extractOutputValues()).singleElement().satisfies(finding -> {
            assertThat(finding.target).isEqualTo(target);
            assertThat(finding.response).extracting(action -> action.type)
                    .containsExactly(PlannedAction.Type.CONTAIN, PlannedAction.Type.ALERT);
        });
    }

    @Test
    void aRecordNamingNoUserIsAlertedWithoutContainment() throws Exception {
        open(List.of());
        feed(Records.call("iam.amazonaws.com", "CreateUser", "id", T0, ATTACKER).parsed());

        assertThat(harness.extractOutputValues()).singleElement().satisfies(finding -> {
            assertThat(finding.target).isNull();
            assertThat(finding.response).containsExactly(
                    PlannedAction.of(PlannedAction.Type.ALERT, null, false, "rule " + RULE_ID));
        });
    }

    /** The iam-create-admin-user detonation's record of that name, through the real parser. */
    private static CloudTrailEvent corpusRecord(String eventName) {
        String record = Corpus.first(event -> event.get("eventName").asText().equals(eventName)
                && event.get("userAgent").asText().startsWith("stratus-red-team_")
                && event.get("recipientAccountId").asText().equals("229654561268")).toString();
        ParseResult result = new CloudTrailParser().parseAll(RawInput.of("corpus", record));
        assertThat(result.deadLetters).isEmpty();
        return result.events.get(0);
    }
}
