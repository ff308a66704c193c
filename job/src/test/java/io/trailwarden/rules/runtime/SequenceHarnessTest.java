package io.trailwarden.rules.runtime;

import static io.trailwarden.rules.runtime.Records.ATTACKER;
import static io.trailwarden.rules.runtime.Records.FIVE_MIN_LATER;
import static io.trailwarden.rules.runtime.Records.ONE_MIN_LATER;
import static io.trailwarden.rules.runtime.Records.OTHER_ADMIN;
import static io.trailwarden.rules.runtime.Records.T0;
import static io.trailwarden.rules.runtime.Records.TEN_MIN_LATER;
import static io.trailwarden.rules.runtime.Records.THIRTY_ONE_MIN_LATER;
import static io.trailwarden.rules.runtime.Records.TWO_MIN_LATER;
import static io.trailwarden.rules.runtime.Records.addUserToGroup;
import static io.trailwarden.rules.runtime.Records.attachAdmin;
import static io.trailwarden.rules.runtime.Records.createAccessKey;
import static io.trailwarden.rules.runtime.Records.createLoginProfile;
import static io.trailwarden.rules.runtime.Records.createUser;
import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.ListsConfig;
import io.trailwarden.event.CloudTrailEventTypeInfo;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.finding.Target;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleCompiler;
import io.trailwarden.rules.compile.RuleEvent;
import io.trailwarden.rules.model.Rule;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sequence semantics of the compiled backdoor-admin-user rule (the real rule file), on the CEP operator
 * exactly as {@link CompiledRules} builds it, in the style of flink-cep's NFA tests: timestamped events
 * in, the full list of matches compared, state and timers empty once the window has passed. The rule is
 * keyed by account and user name, so whoever makes each call, one user being built is one backdoor.
 */
class SequenceHarnessTest {
    private static final OutputTag<RuleEvent> LATE = new OutputTag<>("late", TypeInformation.of(RuleEvent.class));
    private CompiledRule rule;
    private KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, Finding> harness;

    @BeforeEach
    void openHarness() throws Exception {
        Rule backdoor = RepoRules.rule("backdoor-admin-user");
        Map<String, List<String>> lists = new HashMap<>(ListsConfig.defaults().lists);
        lists.put("adminGroups", List.of("Platform-Admins"));
        rule = new RuleCompiler(lists).compile(backdoor);
        harness = RuleHarnesses.sequenceHarness(rule, LATE);
        harness.open();
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    private void feed(Records... records) throws Exception {
        RuleHarnesses.feed(rule, harness, records);
    }

    private void watermark(Instant at) throws Exception {
        harness.processWatermark(at.toEpochMilli());
    }

    private List<Finding> findings() {
        return RuleHarnesses.findings(harness);
    }

    private static List<String> eventIds(Finding finding) {
        return finding.events.stream().map(event -> event.eventId).collect(Collectors.toList());
    }

    private void assertNoStateLeftAfter(Instant at) throws Exception {
        watermark(at.plus(rule.within).plusSeconds(1));
        assertThat(harness.numEventTimeTimers()).as("event-time timers").isZero();
        assertThat(harness.numKeyedStateEntries()).as("keyed state entries").isZero();
    }

    @Test
    void inOrderSequenceIsOneFindingTargetingTheNewUser() throws Exception {
        feed(createUser("c", T0, ATTACKER, "backdoor"),
                attachAdmin("a", ONE_MIN_LATER, ATTACKER, "backdoor"),
                createAccessKey("k", TWO_MIN_LATER, ATTACKER, "backdoor"));
        watermark(FIVE_MIN_LATER);

        assertThat(findings()).hasSize(1);
        Finding finding = findings().get(0);
        assertThat(eventIds(finding)).containsExactly("c", "a", "k");
        assertThat(finding.ruleId).isEqualTo("backdoor-admin-user");
        assertThat(finding.target).isEqualTo(Target.of(Target.Kind.IAM_USER, "backdoor", null, Records.ACCOUNT));
        assertThat(finding.response).extracting(action -> action.type)
                .containsExactly(PlannedAction.Type.CONTAIN, PlannedAction.Type.ALERT);
        assertThat(finding.actor.userName).isEqualTo(ATTACKER);
        assertNoStateLeftAfter(TWO_MIN_LATER);
    }

    @Test
    void sameSecondStepsMatchWhateverTheirArrivalOrder() throws Exception {
        // As in the Stratus detonation: the grant and the key are delivered before the CreateUser, all at T0.
        feed(attachAdmin("a", T0, ATTACKER, "malicious-iam-user"),
                createAccessKey("k", T0, ATTACKER, "malicious-iam-user"),
                createUser("c", T0, ATTACKER, "malicious-iam-user"));
        watermark(T0.plusSeconds(1));

        assertThat(findings()).hasSize(1);
        assertThat(eventIds(findings().get(0))).containsExactly("c", "a", "k");
        assertNoStateLeftAfter(T0);
    }

    @Test
    void adminRightsForAnotherUserIsANearMiss() throws Exception {
        feed(createUser("c", T0, ATTACKER, "backdoor"),
                attachAdmin("a", ONE_MIN_LATER, ATTACKER, "someone-else"),
                createAccessKey("k", TWO_MIN_LATER, ATTACKER, "backdoor"));
        watermark(FIVE_MIN_LATER);

        assertThat(findings()).isEmpty();
        assertNoStateLeftAfter(TWO_MIN_LATER);
    }

    @Test
    void credentialsAfterTheWindowDoNotMatch() throws Exception {
        feed(createUser("c", T0, ATTACKER, "backdoor"),
                attachAdmin("a", TEN_MIN_LATER, ATTACKER, "backdoor"),
                createAccessKey("k", THIRTY_ONE_MIN_LATER, ATTACKER, "backdoor"));
        watermark(THIRTY_ONE_MIN_LATER.plusSeconds(1));

        assertThat(findings()).isEmpty();
        assertNoStateLeftAfter(THIRTY_ONE_MIN_LATER);
    }

    /** Issue 11 item 4: a backdoor is about the user being built, whoever makes each call. */
    @Test
    void anotherPrincipalsStepsCompleteTheBackdoorOfTheSameUser() throws Exception {
        feed(createUser("c", T0, ATTACKER, "backdoor"),
                attachAdmin("other-a", ONE_MIN_LATER, OTHER_ADMIN, "backdoor"),
                createAccessKey("other-k", TWO_MIN_LATER, OTHER_ADMIN, "backdoor"),
                createUser("c2", T0, OTHER_ADMIN, "tooling"));
        watermark(TEN_MIN_LATER);

        assertThat(findings()).hasSize(1);
        assertThat(eventIds(findings().get(0))).containsExactly("c", "other-a", "other-k");
        assertThat(findings().get(0).target.name).isEqualTo("backdoor");
        assertNoStateLeftAfter(TEN_MIN_LATER);
    }

    @Test
    void twoSessionsOfOneRoleBuildOneBackdoor() throws Exception {
        String role = "arn:aws:iam::" + Records.ACCOUNT + ":role/provisioner";
        feed(createUser("c", T0, ATTACKER, "backdoor").byRoleSession(role, "session-a"),
                attachAdmin("a", ONE_MIN_LATER, ATTACKER, "backdoor").byRoleSession(role, "session-b"),
                createAccessKey("k", TWO_MIN_LATER, ATTACKER, "backdoor").byRoleSession(role, "session-b"));
        watermark(FIVE_MIN_LATER);

        assertThat(findings()).extracting(SequenceHarnessTest::eventIds).containsExactly(List.of("c", "a", "k"));
        assertThat(findings().get(0).events).extracting(event -> event.actor.arn).containsExactly(
                "arn:aws:sts::" + Records.ACCOUNT + ":assumed-role/provisioner/session-a",
                "arn:aws:sts::" + Records.ACCOUNT + ":assumed-role/provisioner/session-b",
                "arn:aws:sts::" + Records.ACCOUNT + ":assumed-role/provisioner/session-b");
    }

    /** IAM user names are unique without case: backdoor, BACKDOOR and Backdoor are one user. */
    @Test
    void caseVariedNamesOfOneUserAreOneBackdoorNamedAsCreated() throws Exception {
        feed(createUser("c", T0, ATTACKER, "backdoor"),
                attachAdmin("a", ONE_MIN_LATER, ATTACKER, "BACKDOOR"),
                createAccessKey("k", TWO_MIN_LATER, ATTACKER, "Backdoor"));
        watermark(FIVE_MIN_LATER);

        assertThat(findings()).hasSize(1);
        assertThat(findings().get(0).target.name).as("the name CreateUser gave it").isEqualTo("backdoor");
        assertThat(findings().get(0).response).extracting(action -> action.target.name).containsOnly("backdoor");
    }

    @Test
    void membershipOfAListedAdminGroupInAnyCaseIsAdminRights() throws Exception {
        feed(createUser("c", T0, ATTACKER, "backdoor"),
                addUserToGroup("g", ONE_MIN_LATER, ATTACKER, "backdoor", "PLATFORM-ADMINS"),
                createAccessKey("k", TWO_MIN_LATER, ATTACKER, "backdoor"),
                createUser("c2", T0, ATTACKER, "intern"),
                addUserToGroup("g2", ONE_MIN_LATER, ATTACKER, "intern", "developers"),
                createAccessKey("k2", TWO_MIN_LATER, ATTACKER, "intern"));
        watermark(FIVE_MIN_LATER);

        assertThat(findings()).extracting(SequenceHarnessTest::eventIds).containsExactly(List.of("c", "g", "k"));
    }

    @Test
    void theSameNameInAnotherAccountIsAnotherUser() throws Exception {
        feed(createUser("c", T0, ATTACKER, "backdoor"),
                attachAdmin("a", ONE_MIN_LATER, ATTACKER, "backdoor").inAccount("111122223333"),
                createAccessKey("k", TWO_MIN_LATER, ATTACKER, "backdoor").inAccount("111122223333"));
        watermark(FIVE_MIN_LATER);

        assertThat(findings()).isEmpty();
    }

    @Test
    void oneIncidentYieldsOneFindingNotOnePerPermutation() throws Exception {
        feed(createUser("c", T0, ATTACKER, "backdoor"),
                attachAdmin("a1", ONE_MIN_LATER, ATTACKER, "backdoor"),
                attachAdmin("a2", ONE_MIN_LATER.plusSeconds(5), ATTACKER, "backdoor"),
                createAccessKey("k", TWO_MIN_LATER, ATTACKER, "backdoor"),
                createLoginProfile("p", FIVE_MIN_LATER, ATTACKER, "backdoor"));
        watermark(TEN_MIN_LATER);

        assertThat(findings()).hasSize(1);
        assertThat(eventIds(findings().get(0))).containsExactly("c", "a1", "k");
        assertNoStateLeftAfter(FIVE_MIN_LATER);
    }

    /** Issue 11 item 7: flink-cep under a skip strategy held this finding until T0 + 30 min. */
    @Test
    void aCompletedSequenceIsNotHeldBackByAnUnrelatedEarlierPartialOne() throws Exception {
        feed(createUser("unrelated", T0, ATTACKER, "contractor"),
                createUser("c", ONE_MIN_LATER, ATTACKER, "backdoor"),
                attachAdmin("a", ONE_MIN_LATER.plusSeconds(10), ATTACKER, "backdoor"),
                createAccessKey("k", TWO_MIN_LATER, ATTACKER, "backdoor"));
        watermark(TWO_MIN_LATER);

        assertThat(findings()).hasSize(1);
        assertThat(eventIds(findings().get(0))).containsExactly("c", "a", "k");

        // The unrelated partial match is still open: the same principal may complete it later.
        feed(attachAdmin("a2", TEN_MIN_LATER, ATTACKER, "contractor"),
                createLoginProfile("p2", TEN_MIN_LATER.plusSeconds(5), ATTACKER, "contractor"));
        watermark(TEN_MIN_LATER.plusSeconds(5));
        assertThat(findings()).extracting(finding -> finding.target.name).containsExactly("backdoor", "contractor");
    }

    @Test
    void twoBackdoorsByOnePrincipalAreTwoFindings() throws Exception {
        feed(createUser("c1", T0, ATTACKER, "first"),
                attachAdmin("a1", T0.plusSeconds(10), ATTACKER, "first"),
                createAccessKey("k1", T0.plusSeconds(20), ATTACKER, "first"),
                createUser("c2", ONE_MIN_LATER, ATTACKER, "second"),
                attachAdmin("a2", ONE_MIN_LATER.plusSeconds(10), ATTACKER, "second"),
                createAccessKey("k2", ONE_MIN_LATER.plusSeconds(20), ATTACKER, "second"));
        watermark(FIVE_MIN_LATER);

        assertThat(findings()).extracting(finding -> finding.target.name).containsExactly("first", "second");
        assertNoStateLeftAfter(ONE_MIN_LATER.plusSeconds(20));
    }

    @Test
    void eventsBehindTheWatermarkGoToTheLateOutput() throws Exception {
        watermark(FIVE_MIN_LATER);
        feed(createUser("c", T0, ATTACKER, "backdoor"));

        assertThat(harness.getSideOutput(LATE)).extracting(record -> record.getValue().event.eventId).containsExactly("c");
        assertThat(findings()).isEmpty();
    }

    @Test
    void ruleEventsAreFlinkPojosHoldingEventsInTheirOwnSerializer() {
        assertThat(TypeInformation.of(RuleEvent.class)).isInstanceOf(PojoTypeInfo.class);
        PojoTypeInfo<RuleEvent> type = (PojoTypeInfo<RuleEvent>) TypeInformation.of(RuleEvent.class);
        assertThat(type.getTypeAt(type.getFieldIndex("event"))).isInstanceOf(CloudTrailEventTypeInfo.class);
        assertThat(type.getTypeAt(type.getFieldIndex("values")).isBasicType()).isFalse();
        assertThat(type.getTypeAt(type.getFieldIndex("values")).getClass().getSimpleName()).isEqualTo("BasicArrayTypeInfo");
    }
}
