package io.trailwarden.respond;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.finding.Finding;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.finding.Severity;
import io.trailwarden.finding.Target;
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
        assertThat(last(harness).heldBack).as("every target held back is named")
                .containsExactlyInAnyOrder(ACCOUNT + "|IAM_USER|c", ACCOUNT + "|IAM_USER|d");
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
