package io.trailwarden.respond;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.config.AlertConfig;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.finding.Severity;
import io.trailwarden.finding.Target;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class BlastRadiusFunctionTest {
    private static final long T0 = 1_000_000L;
    private static final long WINDOW = 600_000L;
    private static final long FIVE_MIN_LATER = T0 + 300_000L;
    private static final long JUST_AFTER_WINDOW = T0 + WINDOW + 1;

    private static final String ACCOUNT = "111122223333";

    private static KeyedOneInputStreamOperatorTestHarness<String, ResponsePlan, ResponsePlan> harness() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ResponsePlan, ResponsePlan> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new BlastRadiusFunction(2, 1, WINDOW)),
                        BlastRadiusFunction::budgetKey, Types.STRING);
        harness.open();
        return harness;
    }

    private static ResponsePlan plan(String user, Decision decision) {
        return plan(ACCOUNT, user, decision, Severity.HIGH);
    }

    private static ResponsePlan plan(String account, String user, Decision decision, Severity severity) {
        Finding finding = CorpusFindings.backdoorUser(account, user);
        finding.severity = severity;
        Target target = Target.of(Target.Kind.IAM_USER, user, null, account);
        return ResponsePlan.of(finding, List.of(
                PlannedStep.of(PlannedAction.Type.CONTAIN, target, decision, null),
                PlannedStep.of(PlannedAction.Type.ALERT, target, Decision.EXECUTE, null)));
    }

    private static List<Decision> process(KeyedOneInputStreamOperatorTestHarness<String, ResponsePlan, ResponsePlan> harness,
            long now, ResponsePlan... plans) throws Exception {
        harness.setProcessingTime(now);
        int before = harness.extractOutputValues().size();
        for (ResponsePlan plan : plans) {
            harness.processElement(new StreamRecord<>(plan));
        }
        List<Decision> decisions = new ArrayList<>();
        List<ResponsePlan> out = harness.extractOutputValues();
        for (ResponsePlan plan : out.subList(before, out.size())) {
            decisions.add(plan.steps.get(0).decision);
        }
        return decisions;
    }

    private static ResponsePlan last(KeyedOneInputStreamOperatorTestHarness<String, ResponsePlan, ResponsePlan> harness) {
        List<ResponsePlan> out = harness.extractOutputValues();
        return out.get(out.size() - 1);
    }

    @Test
    void containmentsBeyondTheCapAreHeldForApprovalUntilTheWindowMovesOn() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ResponsePlan, ResponsePlan> harness = harness();
        assertThat(process(harness, T0, plan("a", Decision.EXECUTE), plan("dry", Decision.DRY_RUN), plan("b", Decision.EXECUTE)))
                .containsExactly(Decision.EXECUTE, Decision.DRY_RUN, Decision.EXECUTE);
        assertThat(process(harness, FIVE_MIN_LATER, plan("c", Decision.EXECUTE))).containsExactly(Decision.HELD_BY_CAP);
        ResponsePlan held = last(harness);
        assertThat(held.steps.get(0).reason)
                .contains("blast-radius cap reached: 2 targets contained in account 111122223333 in the last 600 s")
                .contains("trailwarden contain --finding " + held.finding.findingId + " --user c --account 111122223333");
        assertThat(held.steps.get(1).decision).isEqualTo(Decision.EXECUTE);
        assertThat(process(harness, FIVE_MIN_LATER, plan("d", Decision.EXECUTE))).containsExactly(Decision.HELD_BY_CAP);
        assertThat(last(harness).heldBack).as("every target held back is named, the plan's own first")
                .containsExactly(ACCOUNT + "|IAM_USER|d", ACCOUNT + "|IAM_USER|c");
        assertThat(process(harness, JUST_AFTER_WINDOW, plan("e", Decision.EXECUTE), plan("f", Decision.EXECUTE)))
                .containsExactly(Decision.EXECUTE, Decision.EXECUTE);
        harness.close();
    }

    /** Issue 10 item 1: twelve decoys first, then the real backdoor found by three rules. */
    @Test
    void decoysCannotStarveTheCriticalBackdoorAndRepeatsOfATargetCostNothing() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ResponsePlan, ResponsePlan> harness = harness();
        for (int i = 0; i < 12; i++) {
            process(harness, T0, plan(ACCOUNT, "decoy-" + i, Decision.EXECUTE, Severity.HIGH));
        }
        assertThat(process(harness, T0, plan(ACCOUNT, "backdoor", Decision.EXECUTE, Severity.CRITICAL),
                plan(ACCOUNT, "BACKDOOR", Decision.EXECUTE, Severity.HIGH), plan(ACCOUNT, "backdoor", Decision.EXECUTE, Severity.HIGH)))
                .as("the reserve admits the critical finding; the same user again (any case) is not counted twice")
                .containsExactly(Decision.EXECUTE, Decision.EXECUTE, Decision.EXECUTE);
        assertThat(process(harness, T0, plan(ACCOUNT, "another", Decision.EXECUTE, Severity.CRITICAL)))
                .as("the reserve is spent").containsExactly(Decision.HELD_BY_CAP);
        assertThat(process(harness, T0, plan("444455556666", "elsewhere", Decision.EXECUTE, Severity.HIGH)))
                .as("another account has its own budget").containsExactly(Decision.EXECUTE);
        harness.close();
    }

    /**
     * The "starved through its own cap" attack: the budget and the reserve spent, then 2,000 decoy users
     * of 64-character names held back, then the real backdoor. Its plan names it first, then the newest
     * decoys, and counts the rest; no plan carries every decoy; and its capped alert fits SNS.
     */
    @Test
    void afterTwoThousandDecoysTheBackdoorsCappedAlertNamesItCountsTheRestAndFitsSns() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ResponsePlan, ResponsePlan> harness = harness();
        process(harness, T0, plan(ACCOUNT, "a", Decision.EXECUTE, Severity.CRITICAL),
                plan(ACCOUNT, "b", Decision.EXECUTE, Severity.CRITICAL), plan(ACCOUNT, "c", Decision.EXECUTE, Severity.CRITICAL));
        int decoys = 2000;
        Finding decoy = CorpusFindings.backdoorUser(ACCOUNT, "decoy");
        for (int i = 0; i < decoys; i++) {
            // One finding for every decoy (only the plan's target counts against the cap): parsing the corpus
            // 2,000 times would be most of the test's time.
            Target target = Target.of(Target.Kind.IAM_USER, String.format("decoy-%058d", i), null, ACCOUNT);
            harness.setProcessingTime(T0 + i);
            harness.processElement(new StreamRecord<>(ResponsePlan.of(decoy,
                    List.of(PlannedStep.of(PlannedAction.Type.CONTAIN, target, Decision.EXECUTE, null)))));
        }
        assertThat(process(harness, T0 + decoys, plan(ACCOUNT, "backdoor", Decision.EXECUTE, Severity.CRITICAL)))
                .containsExactly(Decision.HELD_BY_CAP);
        ResponsePlan held = last(harness);

        assertThat(harness.extractOutputValues()).allSatisfy(plan -> assertThat(plan.heldBack.size())
                .isLessThanOrEqualTo(BlastRadiusFunction.MAX_HELD_NAMED));
        assertThat(held.heldBack).hasSize(BlastRadiusFunction.MAX_HELD_NAMED)
                .startsWith(ACCOUNT + "|IAM_USER|backdoor", ACCOUNT + "|IAM_USER|" + String.format("decoy-%058d", decoys - 1),
                        ACCOUNT + "|IAM_USER|" + String.format("decoy-%058d", decoys - 2));
        assertThat(held.heldBackNotNamed).isEqualTo(decoys + 1 - BlastRadiusFunction.MAX_HELD_NAMED);

        Alert alert = new AlertFormatter(AlertConfig.defaults()).format(held.finding,
                List.of(ResponseExecutor.notExecuted(held.finding, held.steps.get(0), T0 + decoys)),
                ResponseTask.AlertKind.FINDING, held.heldBack, held.heldBackNotNamed);
        assertThat(alert.subject).startsWith("TrailWarden ESCALATED: containment HELD BY CAP CRITICAL:");
        assertThat(alert.message.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(AlertFormatter.MAX_MESSAGE_BYTES);
        assertThat(alert.message).contains("HELD_BY_CAP - blast-radius cap reached",
                "trailwarden contain --finding " + held.finding.findingId + " --user backdoor --account " + ACCOUNT);
        JsonNode json = AlertFormatterTest.jsonPart(alert.message);
        assertThat(json.at("/heldBack/0").asText()).isEqualTo(ACCOUNT + "|IAM_USER|backdoor");
        assertThat(json.get("heldBack").size() + json.get("heldBackOmitted").asInt()).as("every held target named or counted")
                .isEqualTo(decoys + 1);
        harness.close();
    }

    @Test
    void theCapSurvivesASnapshotAndRestore() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ResponsePlan, ResponsePlan> harness = harness();
        process(harness, T0, plan("a", Decision.EXECUTE), plan("b", Decision.EXECUTE));
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0);
        harness.close();
        KeyedOneInputStreamOperatorTestHarness<String, ResponsePlan, ResponsePlan> restored =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new BlastRadiusFunction(2, 1, WINDOW)),
                        BlastRadiusFunction::budgetKey, Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        assertThat(process(restored, FIVE_MIN_LATER, plan("c", Decision.EXECUTE))).containsExactly(Decision.HELD_BY_CAP);
        assertThat(process(restored, JUST_AFTER_WINDOW, plan("d", Decision.EXECUTE))).containsExactly(Decision.EXECUTE);
        restored.close();
    }

    @Test
    void theResponseTypesAreFlinkPojosNotKryoGenerics() {
        for (Class<?> type : List.of(ResponsePlan.class, PlannedStep.class, ActionResult.class, ResponseReport.class, ResponseTask.class)) {
            assertThat(TypeInformation.of(type)).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
        }
    }
}
