package io.trailwarden.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.StreamMap;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The guard against dropping core state, restored from real operator snapshots: a snapshot whose
 * core operators are all still in the job restores, one with a core operator gone does not, and the
 * record follows the job through retirements and changes of parallelism.
 */
class CoreStateGuardTest {
    private static final int MAX_PARALLELISM = 128;
    private static final Set<String> CORE = Set.of("kinesis-source", "dedup-by-principal", "response-containment");

    @Test
    void aJobWithoutOneOfTheSnapshotsCoreOperatorsRefusesToStartAndNamesIt() throws Exception {
        OperatorSubtaskState snapshot = snapshotOf(CORE, Set.of());

        assertThatThrownBy(() -> restore(Set.of("kinesis-source", "dedup-by-principal-v2", "response-containment"),
                Set.of(), snapshot))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("[dedup-by-principal]")
                .hasMessageContaining("CoreOperators.RETIRED");
    }

    @Test
    void theSameCoreOperatorsOrNewOnesRestoreAndPassEveryRecordThrough() throws Exception {
        OperatorSubtaskState snapshot = snapshotOf(CORE, Set.of());

        try (OneInputStreamOperatorTestHarness<String, String> same = restore(CORE, Set.of(), snapshot);
                OneInputStreamOperatorTestHarness<String, String> grown =
                        restore(Set.of("kinesis-source", "dedup-by-principal", "response-containment", "late-path"),
                                Set.of(), snapshot)) {
            same.processElement(new StreamRecord<>("dead letter"));
            assertThat(same.extractOutputValues()).containsExactly("dead letter");
            grown.processElement(new StreamRecord<>("another"));
            assertThat(grown.extractOutputValues()).containsExactly("another");
        }
    }

    @Test
    void aRetiredOperatorMayGoAndIsThenNoLongerRecorded() throws Exception {
        Set<String> withoutDedup = Set.of("kinesis-source", "response-containment");
        OperatorSubtaskState retiredOnce;
        try (OneInputStreamOperatorTestHarness<String, String> retiring =
                restore(withoutDedup, Set.of("dedup-by-principal"), snapshotOf(CORE, Set.of()))) {
            retiredOnce = retiring.snapshot(2, 2);
        }

        // The next snapshot records the new core only: a job without the source is refused for the
        // source alone, the retired dedup is no longer in the record.
        assertThatThrownBy(() -> restore(Set.of("response-containment"), Set.of(), retiredOnce))
                .hasMessageContaining("[kinesis-source]");
    }

    @Test
    void everySubtaskChecksTheRecordAfterAChangeOfParallelism() throws Exception {
        List<OperatorSubtaskState> subtasks = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            try (OneInputStreamOperatorTestHarness<String, String> harness = harness(CORE, Set.of(), 2, subtask)) {
                harness.open();
                subtasks.add(harness.snapshot(1, 1));
            }
        }
        OperatorSubtaskState whole = AbstractStreamOperatorTestHarness.repackageState(
                subtasks.toArray(new OperatorSubtaskState[0]));

        for (int subtask = 0; subtask < 3; subtask++) {
            OperatorSubtaskState share = AbstractStreamOperatorTestHarness.repartitionOperatorState(
                    whole, MAX_PARALLELISM, 2, 3, subtask);
            int index = subtask;
            assertThatThrownBy(() -> {
                try (OneInputStreamOperatorTestHarness<String, String> harness =
                        harness(Set.of("kinesis-source", "response-containment"), Set.of(), 3, index)) {
                    harness.initializeState(share);
                }
            }).as("subtask %d of 3", subtask).hasMessageContaining("[dedup-by-principal]");
        }
    }

    private static OperatorSubtaskState snapshotOf(Set<String> core, Set<String> retired) throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> harness = harness(core, retired, 1, 0)) {
            harness.open();
            return harness.snapshot(1, 1);
        }
    }

    private static OneInputStreamOperatorTestHarness<String, String> restore(
            Set<String> core, Set<String> retired, OperatorSubtaskState snapshot) throws Exception {
        OneInputStreamOperatorTestHarness<String, String> harness = harness(core, retired, 1, 0);
        try {
            harness.initializeState(snapshot);
            harness.open();
            return harness;
        } catch (Exception | Error e) {
            harness.close();
            throw e;
        }
    }

    private static OneInputStreamOperatorTestHarness<String, String> harness(
            Set<String> core, Set<String> retired, int parallelism, int subtask) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new StreamMap<>(new CoreStateGuard<String>(core, retired)),
                MAX_PARALLELISM, parallelism, subtask);
    }
}
