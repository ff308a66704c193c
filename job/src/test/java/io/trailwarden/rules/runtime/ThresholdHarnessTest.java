package io.trailwarden.rules.runtime;

import static io.trailwarden.rules.runtime.Records.T0;
import static io.trailwarden.rules.runtime.Records.failedConsoleLogin;
import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.ListsConfig;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleCompiler;
import io.trailwarden.rules.compile.RuleEvent;
import io.trailwarden.rules.model.Rule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Threshold semantics of the real console-login-failure-burst and discovery-burst rules, on their operator. */
class ThresholdHarnessTest {
    private static final OutputTag<RuleEvent> LATE = new OutputTag<>("late", TypeInformation.of(RuleEvent.class));
    private CompiledRule rule;
    private KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, Finding> harness;
    private StateBackend backend;

    private void open(String ruleId) throws Exception {
        open(ruleId, null);
    }

    /** {@code backend} null: the harness's heap backend. */
    private void open(String ruleId, StateBackend backend) throws Exception {
        Rule loaded = RepoRules.load().stream().filter(r -> r.id.equals(ruleId)).findFirst().orElseThrow();
        rule = new RuleCompiler(ListsConfig.defaults().lists).compile(loaded);
        this.backend = backend;
        harness = newHarness();
        harness.open();
    }

    private KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, Finding> newHarness() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, Finding> created = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ThresholdFunction(rule, LATE)), event -> event.key, Types.STRING);
        if (backend != null) {
            created.setStateBackend(backend);
        }
        return created;
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static Instant minute(int n) {
        return T0.plus(Duration.ofMinutes(n));
    }

    private void feed(Records... records) throws Exception {
        RuleHarnesses.feed(rule, harness, records);
    }

    private List<List<String>> findings() {
        return RuleHarnesses.findingEventIds(harness);
    }

    private void assertNoStateLeftAfter(Instant last) throws Exception {
        // Eviction timers are rounded up to a fraction of the window: the state's promised release time.
        harness.processWatermark(last.plus(rule.within).plus(rule.within.dividedBy(ThresholdFunction.EVICTION_BUCKETS))
                .toEpochMilli());
        assertThat(harness.numEventTimeTimers()).as("event-time timers").isZero();
        if (backend == null) {
            // The harness counts keyed state entries on the heap backend only.
            assertThat(harness.numKeyedStateEntries()).as("keyed state entries").isZero();
        }
    }

    @Test
    void fiveFailuresWithinTheWindowAreOneFindingWhateverTheArrivalOrder() throws Exception {
        open("console-login-failure-burst");
        feed(failedConsoleLogin("f3", minute(3), "alice"), failedConsoleLogin("f1", minute(1), "alice"),
                failedConsoleLogin("f5", minute(5), "alice"), failedConsoleLogin("f2", minute(2), "alice"),
                failedConsoleLogin("f4", minute(4), "alice"), failedConsoleLogin("f6", minute(6), "alice"));
        harness.processWatermark(minute(7).toEpochMilli());

        assertThat(findings()).containsExactly(List.of("f1", "f2", "f3", "f4", "f5"));
        assertNoStateLeftAfter(minute(6));
    }

    @Test
    void fourFailuresOrFailuresSpreadBeyondTheWindowAreNone() throws Exception {
        open("console-login-failure-burst");
        feed(failedConsoleLogin("a", minute(0), "alice"), failedConsoleLogin("b", minute(4), "alice"),
                failedConsoleLogin("c", minute(8), "alice"), failedConsoleLogin("d", minute(12), "alice"),
                failedConsoleLogin("e", minute(16), "alice"), failedConsoleLogin("f", minute(20), "alice"));
        harness.processWatermark(minute(21).toEpochMilli());

        assertThat(findings()).isEmpty();
        assertNoStateLeftAfter(minute(20));
    }

    @Test
    void failuresOfDifferentUsersAreCountedApart() throws Exception {
        open("console-login-failure-burst");
        feed(failedConsoleLogin("a1", minute(0), "alice"), failedConsoleLogin("b1", minute(0), "bob"),
                failedConsoleLogin("a2", minute(1), "alice"), failedConsoleLogin("b2", minute(1), "bob"),
                failedConsoleLogin("a3", minute(2), "alice"), failedConsoleLogin("a4", minute(3), "alice"),
                failedConsoleLogin("a5", minute(4), "alice"), failedConsoleLogin("b3", minute(4), "bob"));
        harness.processWatermark(minute(5).toEpochMilli());

        assertThat(findings()).containsExactly(List.of("a1", "a2", "a3", "a4", "a5"));
        assertNoStateLeftAfter(minute(4));
    }

    @Test
    void lateEventsGoToTheLateOutput() throws Exception {
        open("console-login-failure-burst");
        harness.processWatermark(minute(10).toEpochMilli());
        feed(failedConsoleLogin("late", minute(1), "alice"));

        assertThat(harness.getSideOutput(LATE)).extracting(r -> r.getValue().event.eventId).containsExactly("late");
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void distinctCountIgnoresRepeatsOfOneCall() throws Exception {
        open("discovery-burst");
        List<Records> calls = new ArrayList<>();
        String[] names = {"ListUsers", "ListRoles", "ListBuckets", "DescribeInstances", "DescribeVpcs",
            "GetAccountAuthorizationDetails", "ListAccessKeys", "DescribeSecurityGroups", "ListFunctions", "GetCallerIdentity"};
        for (int i = 0; i < 30; i++) {
            calls.add(Records.call("ssm.amazonaws.com", "DescribeInstanceInformation", "poll" + i, T0.plusSeconds(i), "christophe"));
        }
        for (int i = 0; i < 8; i++) {
            calls.add(Records.call("iam.amazonaws.com", names[i], "d" + i, T0.plusSeconds(40 + i), "christophe"));
        }
        feed(calls.toArray(new Records[0]));
        harness.processWatermark(T0.plusSeconds(60).toEpochMilli());
        assertThat(findings()).as("nine distinct names, one of them called 30 times").isEmpty();

        feed(Records.call("iam.amazonaws.com", names[8], "d8", T0.plusSeconds(61), "christophe"));
        harness.processWatermark(T0.plusSeconds(62).toEpochMilli());
        assertThat(findings()).hasSize(1);
        assertThat(findings().get(0)).hasSize(10).contains("d8", "poll29").doesNotContain("poll0");
        assertNoStateLeftAfter(T0.plusSeconds(61));
    }

    /**
     * Events keep arriving, out of order, while the watermark moves in steps, and the operator is
     * snapshotted and restored in between: the count is the same as if all had arrived in order.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "rocksdb"})
    void countsSurviveWatermarkStepsOutOfOrderArrivalsAndARestore(String backendName) throws Exception {
        open("console-login-failure-burst", backendName.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : null);
        feed(failedConsoleLogin("f2", minute(2), "alice"), failedConsoleLogin("f9", minute(9), "alice"));
        harness.processWatermark(minute(1).toEpochMilli());
        feed(failedConsoleLogin("f3", minute(3), "alice"), failedConsoleLogin("f1b", minute(1).plusSeconds(30), "alice"));
        harness.processWatermark(minute(2).toEpochMilli());
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        feed(failedConsoleLogin("f4", minute(4), "alice"), failedConsoleLogin("f2b", minute(2).plusSeconds(30), "alice"));
        harness.processWatermark(minute(3).toEpochMilli());
        assertThat(findings()).as("four failures up to minute 3").isEmpty();
        harness.processWatermark(minute(4).toEpochMilli());

        assertThat(findings()).containsExactly(List.of("f1b", "f2", "f2b", "f3", "f4"));
        harness.processWatermark(minute(10).toEpochMilli());
        assertThat(findings()).as("f9 alone after the burst").hasSize(1);
        assertNoStateLeftAfter(minute(9));
    }
}
