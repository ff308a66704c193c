package io.trailwarden.respond;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.finding.Finding;
import io.trailwarden.finding.PlannedAction;
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

    private static KeyedOneInputStreamOperatorTestHarness<Integer, ResponsePlan, ResponsePlan> harness() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<Integer, ResponsePlan, ResponsePlan> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new BlastRadiusFunction(2, WINDOW)), plan -> 0, Types.INT);
        harness.open();
        return harness;
    }

    private static ResponsePlan plan(String user, Decision decision) {
        Finding finding = CorpusFindings.backdoorUser("111122223333", user);
        Target target = Target.of(Target.Kind.IAM_USER, user, null, "111122223333");
        return ResponsePlan.of(finding, List.of(
                PlannedStep.of(PlannedAction.Type.CONTAIN, target, decision, null),
                PlannedStep.of(PlannedAction.Type.ALERT, target, Decision.EXECUTE, null)));
    }

    private static Decision containDecision(ResponsePlan plan) {
        return plan.steps.get(0).decision;
    }

    private static List<Decision> process(KeyedOneInputStreamOperatorTestHarness<Integer, ResponsePlan, ResponsePlan> harness,
            long now, ResponsePlan... plans) throws Exception {
        harness.setProcessingTime(now);
        int before = harness.extractOutputValues().size();
        for (ResponsePlan plan : plans) {
            harness.processElement(new StreamRecord<>(plan));
        }
        List<Decision> decisions = new ArrayList<>();
        List<ResponsePlan> out = harness.extractOutputValues();
        for (ResponsePlan plan : out.subList(before, out.size())) {
            decisions.add(containDecision(plan));
        }
        return decisions;
    }

    @Test
    void containmentsBeyondTheCapBecomeAlertOnlyUntilTheWindowMovesOn() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<Integer, ResponsePlan, ResponsePlan> harness = harness();
        assertThat(process(harness, T0, plan("a", Decision.EXECUTE), plan("dry", Decision.DRY_RUN), plan("b", Decision.EXECUTE)))
                .containsExactly(Decision.EXECUTE, Decision.DRY_RUN, Decision.EXECUTE);
        assertThat(process(harness, FIVE_MIN_LATER, plan("c", Decision.EXECUTE)))
                .containsExactly(Decision.SKIPPED_CAP);
        assertThat(harness.extractOutputValues().get(3).steps.get(0).reason)
                .contains("blast-radius cap reached: 2 containments in the last 600 s");
        assertThat(harness.extractOutputValues().get(3).steps.get(1).decision).isEqualTo(Decision.EXECUTE);
        assertThat(process(harness, JUST_AFTER_WINDOW, plan("d", Decision.EXECUTE), plan("e", Decision.EXECUTE)))
                .containsExactly(Decision.EXECUTE, Decision.EXECUTE);
        harness.close();
    }

    @Test
    void theCapSurvivesASnapshotAndRestore() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<Integer, ResponsePlan, ResponsePlan> harness = harness();
        process(harness, T0, plan("a", Decision.EXECUTE), plan("b", Decision.EXECUTE));
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0);
        harness.close();
        KeyedOneInputStreamOperatorTestHarness<Integer, ResponsePlan, ResponsePlan> restored =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new BlastRadiusFunction(2, WINDOW)), plan -> 0, Types.INT);
        restored.initializeState(snapshot);
        restored.open();
        assertThat(process(restored, FIVE_MIN_LATER, plan("c", Decision.EXECUTE))).containsExactly(Decision.SKIPPED_CAP);
        assertThat(process(restored, JUST_AFTER_WINDOW, plan("d", Decision.EXECUTE))).containsExactly(Decision.EXECUTE);
        restored.close();
    }

    @Test
    void theResponseTypesAreFlinkPojosNotKryoGenerics() {
        for (Class<?> type : List.of(ResponsePlan.class, PlannedStep.class, ActionResult.class, ResponseReport.class)) {
            assertThat(TypeInformation.of(type)).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
        }
    }
}
