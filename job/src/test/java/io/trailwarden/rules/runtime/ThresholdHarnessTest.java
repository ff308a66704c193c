package io.trailwarden.rules.runtime;

import static io.trailwarden.rules.runtime.Records.T0;
import static io.trailwarden.rules.runtime.Records.failedConsoleLogin;
import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.ListsConfig;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.Corpus;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleCompiler;
import io.trailwarden.rules.compile.RuleEvent;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.source.RawInput;
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
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Threshold semantics of the real console-login-failure-burst and reconnaissance-burst rules, on their operator. */
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
        Rule loaded = RepoRules.rule(ruleId);
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
        open("reconnaissance-burst");
        List<Records> calls = new ArrayList<>();
        String[] names = {"ListUsers", "ListRoles", "ListBuckets", "DescribeInstances", "ListSecrets", "DescribeTrails",
            "GetAccountSummary"};
        for (int i = 0; i < 30; i++) {
            calls.add(Records.call("sts.amazonaws.com", "GetCallerIdentity", "poll" + i, T0.plusSeconds(i), "christophe"));
        }
        for (int i = 0; i < 6; i++) {
            calls.add(Records.call("iam.amazonaws.com", names[i], "d" + i, T0.plusSeconds(40 + i), "christophe"));
        }
        feed(calls.toArray(new Records[0]));
        harness.processWatermark(T0.plusSeconds(60).toEpochMilli());
        assertThat(findings()).as("seven distinct names, one of them called 30 times").isEmpty();

        feed(Records.call("iam.amazonaws.com", names[6], "d6", T0.plusSeconds(61), "christophe"));
        harness.processWatermark(T0.plusSeconds(62).toEpochMilli());
        assertThat(findings()).hasSize(1);
        assertThat(findings().get(0)).hasSize(8).contains("d6", "poll29").doesNotContain("poll0");
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

    /**
     * A busy key: thousands of events in one second and in the next ones, some arriving after the
     * watermark has flushed earlier seconds, the operator restored in between. Every event is waiting
     * under its own entry and counted once: 2,000 + 1,000 + 1,000 failures of one user at 5 per finding
     * are 800 findings, none of them mixing events of two bursts, and nothing is left waiting.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "rocksdb"})
    void aBusyKeysEventsOfOneSecondEachWaitUnderTheirOwnEntryAndAllCount(String backendName) throws Exception {
        open("console-login-failure-burst", backendName.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : null);
        for (int i = 0; i < 2_000; i++) {
            feed(failedConsoleLogin("a" + i, minute(1), "alice"));
        }
        for (int i = 0; i < 500; i++) {
            feed(failedConsoleLogin("b" + i, minute(1).plusSeconds(1), "alice"));
        }
        harness.processWatermark(minute(1).toEpochMilli());
        assertThat(findings()).hasSize(400);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();
        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        for (int i = 500; i < 1_000; i++) {
            feed(failedConsoleLogin("b" + i, minute(1).plusSeconds(1), "alice"));
        }
        for (int i = 0; i < 1_000; i++) {
            feed(failedConsoleLogin("c" + i, minute(1).plusSeconds(2), "alice"));
        }
        harness.processWatermark(minute(1).plusSeconds(2).toEpochMilli());

        List<List<String>> found = findings();
        assertThat(found).hasSize(400).allSatisfy(ids -> assertThat(ids).hasSize(5)
                .allSatisfy(id -> assertThat(id.charAt(0)).isEqualTo(ids.get(0).charAt(0))));
        assertThat(found.stream().flatMap(List::stream).distinct().count()).isEqualTo(2_000);
        assertNoStateLeftAfter(minute(1).plusSeconds(2));
    }

    private void feedCorpus(String... eventIds) throws Exception {
        for (String eventId : eventIds) {
            String record = Corpus.records().stream().filter(r -> r.contains(eventId)).findFirst()
                    .orElseThrow();
            CloudTrailEvent event = new CloudTrailParser().parseAll(RawInput.of("corpus", record)).events.get(0);
            harness.processElement(new StreamRecord<>(rule.prefilter(event), event.eventTimeMillis));
        }
    }

    /**
     * The real ssm-retrieve-securestring-parameters detonation: 42 parameters in 5 GetParameters calls.
     * Every name of a call counts (before, only the first of each list did: 5), so the first two calls
     * (20 parameters) reach 15, and after the reset the next two do again.
     */
    @Test
    void distinctCountsEveryElementOfAList() throws Exception {
        open("secrets-retrieval-burst");
        feedCorpus("7fbcfbae-35c6-4c93-88bf-741fe4c4ada3", "d487c732-d152-48b1-9897-90b3a037040d",
                "a4663305-e887-42ac-94e6-d04685e59899", "f7fd8826-9ac0-46a5-b7d5-55c269f59541",
                "fb5e100b-273f-4cef-98e4-efc3a52a15e9");
        harness.processWatermark(Instant.parse("2024-08-01T15:27:00Z").toEpochMilli());

        List<Finding> found = RuleHarnesses.findings(harness);
        assertThat(found).hasSize(2);
        assertThat(found.get(0).context("secrets")).hasSize(20).contains("/credentials/stratus-red-team/credentials-0");
        assertThat(found.get(1).context("secrets")).hasSize(20).doesNotContainAnyElementsOf(found.get(0).context("secrets"));
        assertNoStateLeftAfter(Instant.parse("2024-08-01T15:26:58Z"));
    }

    /** One secret read over and over counts once, and keeps one window entry, not one per read. */
    @Test
    void aSecretReadAgainCountsOnceAndHoldsOneEntry() throws Exception {
        open("secrets-retrieval-burst");
        for (int i = 0; i < 200; i++) {
            feedCorpus("99207de2-f8ea-4160-bbe8-22cb14da3a26");
        }
        harness.processWatermark(Instant.parse("2024-07-31T12:36:49Z").toEpochMilli());
        assertThat(RuleHarnesses.findings(harness)).isEmpty();
        // pending emptied into the window: one entry left in the window's list state
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    }
}
