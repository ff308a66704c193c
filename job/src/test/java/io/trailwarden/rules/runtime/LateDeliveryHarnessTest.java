package io.trailwarden.rules.runtime;

import static io.trailwarden.rules.runtime.Records.ATTACKER;
import static io.trailwarden.rules.runtime.Records.ONE_MIN_LATER;
import static io.trailwarden.rules.runtime.Records.T0;
import static io.trailwarden.rules.runtime.Records.TWO_MIN_LATER;
import static io.trailwarden.rules.runtime.Records.attachAdmin;
import static io.trailwarden.rules.runtime.Records.createAccessKey;
import static io.trailwarden.rules.runtime.Records.createUser;
import static io.trailwarden.rules.runtime.Records.failedConsoleLogin;
import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.ListsConfig;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleCompiler;
import io.trailwarden.rules.compile.RuleEvent;
import io.trailwarden.rules.model.Rule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The late path of the real backdoor-admin-user (sequence) and console-login-failure-burst (threshold)
 * rules, on its operator: what it forwards to CEP, what it finds late, what it refuses.
 */
class LateDeliveryHarnessTest {
    private static final OutputTag<RuleEvent> IGNORED = new OutputTag<>("late", TypeInformation.of(RuleEvent.class));
    private static final Duration ALLOWED = Duration.ofHours(24);
    private static final Instant TWO_HOURS_LATER = T0.plus(Duration.ofHours(2));
    private CompiledRule rule;
    private OutputTag<Finding> findingsTag;
    private KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, RuleEvent> harness;

    private void open(String ruleId, int maxEvents, long maxBytes) throws Exception {
        Rule loaded = RepoRules.rule(ruleId);
        rule = new RuleCompiler(ListsConfig.defaults().lists).compile(loaded);
        findingsTag = LateDelivery.findingsTag(rule);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new LateDelivery(rule, ALLOWED, IGNORED, findingsTag, maxEvents, maxBytes)),
                event -> event.key, Types.STRING);
        harness.open();
    }

    private void open(String ruleId) throws Exception {
        open(ruleId, LateDelivery.DEFAULT_MAX_EVENTS, LateDelivery.DEFAULT_MAX_BYTES);
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void feed(Records... records) throws Exception {
        for (Records record : records) {
            CloudTrailEvent event = record.parsed();
            RuleEvent ruleEvent = rule.prefilter(event);
            harness.processElement(new StreamRecord<>(ruleEvent, event.eventTimeMillis));
        }
    }

    private void watermark(Instant at) throws Exception {
        harness.processWatermark(at.toEpochMilli());
    }

    private List<List<String>> lateFindings() {
        return harness.getSideOutput(findingsTag) == null ? List.of() : harness.getSideOutput(findingsTag).stream()
                .map(record -> record.getValue().events.stream().map(e -> e.eventId).collect(Collectors.toList()))
                .collect(Collectors.toList());
    }

    private List<String> forwarded() {
        return harness.extractOutputValues().stream().map(e -> e.event.eventId).collect(Collectors.toList());
    }

    private int ignored() {
        return harness.getSideOutput(IGNORED) == null ? 0 : harness.getSideOutput(IGNORED).size();
    }

    @Test
    void aSequenceIsCompletedByAStepDeliveredTwoHoursLate() throws Exception {
        open("backdoor-admin-user");
        feed(createUser("create", T0, ATTACKER, "backdoor"), createAccessKey("key", TWO_MIN_LATER, ATTACKER, "backdoor"));
        watermark(TWO_HOURS_LATER);
        assertThat(lateFindings()).as("the in-time steps alone are no sequence").isEmpty();

        feed(attachAdmin("grant", ONE_MIN_LATER, ATTACKER, "backdoor"));

        assertThat(lateFindings()).containsExactly(List.of("create", "grant", "key"));
        assertThat(forwarded()).as("CEP gets the in-time events only").containsExactly("create", "key");
        Finding finding = harness.getSideOutput(findingsTag).peek().getValue();
        assertThat(finding.target.name).isEqualTo("backdoor");
        assertThat(finding.ruleId).isEqualTo("backdoor-admin-user");
    }

    @Test
    void aLateStepCompletedByAnInTimeEventStillAheadOfTheWatermarkFiresWhenTheWatermarkPassesIt() throws Exception {
        open("backdoor-admin-user");
        feed(createUser("create", T0, ATTACKER, "backdoor"));
        watermark(T0.plusSeconds(90));
        feed(createAccessKey("key", TWO_MIN_LATER, ATTACKER, "backdoor"));
        feed(attachAdmin("grant", ONE_MIN_LATER, ATTACKER, "backdoor"));
        assertThat(lateFindings()).as("the key is ahead of the watermark").isEmpty();

        watermark(TWO_MIN_LATER);

        assertThat(lateFindings()).containsExactly(List.of("create", "grant", "key"));
    }

    @Test
    void anInTimeEventArrivingAfterTheLateStepCompletesTheSequence() throws Exception {
        open("backdoor-admin-user");
        feed(createUser("create", T0, ATTACKER, "backdoor"));
        watermark(T0.plusSeconds(90));
        feed(attachAdmin("grant", ONE_MIN_LATER, ATTACKER, "backdoor"));
        feed(createAccessKey("key", TWO_MIN_LATER, ATTACKER, "backdoor"));
        watermark(TWO_MIN_LATER);

        assertThat(lateFindings()).containsExactly(List.of("create", "grant", "key"));
    }

    @Test
    void aLateRedeliveryOfAFoundIncidentGivesNoSecondFinding() throws Exception {
        open("backdoor-admin-user");
        feed(createUser("create", T0, ATTACKER, "backdoor"), attachAdmin("grant", ONE_MIN_LATER, ATTACKER, "backdoor"),
                createAccessKey("key", TWO_MIN_LATER, ATTACKER, "backdoor"));
        watermark(TWO_HOURS_LATER);

        feed(attachAdmin("grant", ONE_MIN_LATER, ATTACKER, "backdoor"));

        assertThat(forwarded()).as("the in-order path had the whole incident").containsExactly("create", "grant", "key");
        assertThat(lateFindings()).isEmpty();
    }

    @Test
    void aLateExtraFirstStepOfAnIncidentFoundInOrderIsTheSameIncident() throws Exception {
        open("backdoor-admin-user");
        feed(createUser("create", T0.plusSeconds(10), ATTACKER, "backdoor"),
                attachAdmin("grant", ONE_MIN_LATER, ATTACKER, "backdoor"),
                createAccessKey("key", TWO_MIN_LATER, ATTACKER, "backdoor"));
        watermark(TWO_HOURS_LATER);

        // A retried CreateUser, delivered late: with the in-time steps it is a match CEP never made, but it
        // shares the grant and the key with the one CEP made.
        feed(createUser("retried-create", T0, ATTACKER, "backdoor"));

        assertThat(lateFindings()).isEmpty();
    }

    @Test
    void aSecondIncidentCompletedLateIsFoundBesideTheFirst() throws Exception {
        open("backdoor-admin-user");
        feed(createUser("create", T0, ATTACKER, "backdoor"), attachAdmin("grant", ONE_MIN_LATER, ATTACKER, "backdoor"),
                createAccessKey("key", TWO_MIN_LATER, ATTACKER, "backdoor"),
                createUser("create-2", T0, ATTACKER, "backdoor2"), createAccessKey("key-2", TWO_MIN_LATER, ATTACKER, "backdoor2"));
        watermark(TWO_HOURS_LATER);

        feed(attachAdmin("grant-2", ONE_MIN_LATER, ATTACKER, "backdoor2"));
        feed(attachAdmin("grant-2-again", ONE_MIN_LATER.plusSeconds(1), ATTACKER, "backdoor2"));

        assertThat(lateFindings()).as("one finding for the second incident, however many late steps")
                .containsExactly(List.of("create-2", "grant-2", "key-2"));
    }

    @Test
    void aStepLaterThanAllowedLatenessIsACountedDrop() throws Exception {
        open("backdoor-admin-user");
        feed(createUser("create", T0, ATTACKER, "backdoor"), createAccessKey("key", TWO_MIN_LATER, ATTACKER, "backdoor"));
        watermark(ONE_MIN_LATER.plus(ALLOWED));

        feed(attachAdmin("grant", ONE_MIN_LATER, ATTACKER, "backdoor"));

        assertThat(lateFindings()).isEmpty();
        assertThat(ignored()).isEqualTo(1);
    }

    @Test
    void theBufferForgetsWhatNoLateStepCanJoinAnyMore() throws Exception {
        open("backdoor-admin-user");
        feed(createUser("create", T0, ATTACKER, "backdoor"));
        watermark(T0.plus(ALLOWED.multipliedBy(2)));

        assertThat(harness.numKeyedStateEntries()).as("keyed state entries").isZero();
        assertThat(harness.numEventTimeTimers()).as("event-time timers").isZero();
    }

    /**
     * A clean-up removes the bucket that expired and nothing else: the events of later buckets still
     * complete a late step, and the freed room is room again (the buffer holds 3 events, and is full
     * before the clean-up).
     */
    @Test
    void aCleanUpForgetsTheExpiredBucketAndKeepsTheOthersJoinable() throws Exception {
        open("backdoor-admin-user", 3, Long.MAX_VALUE);
        Instant recent = T0.plus(Duration.ofHours(20));
        feed(createUser("old", T0, ATTACKER, "backdoor"), createUser("create", recent, ATTACKER, "backdoor"),
                createAccessKey("key", recent.plusSeconds(120), ATTACKER, "backdoor"));
        long retention = ALLOWED.plus(Duration.ofHours(1)).toMillis();
        watermark(T0.plusMillis(retention + retention / 8));

        feed(attachAdmin("grant", recent.plusSeconds(60), ATTACKER, "backdoor"));

        assertThat(ignored()).as("the late step found room: the expired event no longer counts").isZero();
        assertThat(lateFindings()).containsExactly(List.of("create", "grant", "key"));
    }

    @Test
    void theOneCleanUpOfABucketForgetsEveryEventInIt() throws Exception {
        open("backdoor-admin-user");
        for (int i = 0; i < 20; i++) {
            feed(createUser("burst-" + i, T0.plusSeconds(i), ATTACKER, "backdoor"));
        }
        assertThat(harness.numEventTimeTimers()).as("one clean-up bucket, one timer").isEqualTo(1);
        assertThat(harness.numKeyedStateEntries()).isPositive();

        watermark(T0.plus(ALLOWED).plus(Duration.ofHours(3)));

        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).as("nothing of the key is left").isZero();
    }

    @Test
    void floodingOneKeyStaysWithinTheBoundAndOverflowIsCounted() throws Exception {
        int bound = 50;
        open("backdoor-admin-user", bound, Long.MAX_VALUE);
        for (int i = 0; i < 500; i++) {
            // One user name: the backdoor rule is keyed by account and the user being built.
            feed(createUser("flood-" + i, T0.plusSeconds(i), ATTACKER, "junk"));
        }
        watermark(T0.plus(Duration.ofHours(1)));
        for (int i = 0; i < 500; i++) {
            feed(createUser("late-flood-" + i, T0.plusSeconds(i).plusMillis(500), ATTACKER, "junk"));
        }

        assertThat(forwarded()).as("in-time events reach CEP, buffered or not").hasSize(500);
        assertThat(ignored()).as("every late event that found the buffer full is counted, none joined").isEqualTo(500);
    }

    @Test
    void theByteBoundHoldsForFewLargeEvents() throws Exception {
        long bytes = createUser("late-0", T0, ATTACKER, "backdoor").parsed().rawJsonUtf8.length;
        open("backdoor-admin-user", Integer.MAX_VALUE, bytes * 3);
        watermark(T0.plus(Duration.ofHours(1)));
        for (int i = 0; i < 10; i++) {
            feed(createUser("late-" + i, T0.plusSeconds(i), ATTACKER, "backdoor"));
        }
        assertThat(ignored()).isEqualTo(7);
    }

    @Test
    void aThresholdIsCrossedByLateEvents() throws Exception {
        open("console-login-failure-burst");
        feed(failedConsoleLogin("f1", T0, "alice"), failedConsoleLogin("f2", T0.plusSeconds(60), "alice"),
                failedConsoleLogin("f3", T0.plusSeconds(120), "alice"));
        watermark(TWO_HOURS_LATER);

        feed(failedConsoleLogin("late-1", T0.plusSeconds(30), "alice"));
        assertThat(lateFindings()).as("four of five").isEmpty();
        feed(failedConsoleLogin("late-2", T0.plusSeconds(90), "alice"));
        assertThat(lateFindings()).as("the fifth crosses it")
                .containsExactly(List.of("f1", "late-1", "f2", "late-2", "f3"));
        feed(failedConsoleLogin("late-3", T0.plusSeconds(100), "alice"));

        assertThat(lateFindings()).as("a sixth is the same incident").hasSize(1);
    }

    @Test
    void aThresholdTheInOrderPathAlreadyReachedIsNotReportedAgainLate() throws Exception {
        open("console-login-failure-burst");
        for (int i = 0; i < 5; i++) {
            feed(failedConsoleLogin("f" + i, T0.plusSeconds(10 * i), "alice"));
        }
        watermark(TWO_HOURS_LATER);

        feed(failedConsoleLogin("late", T0.plusSeconds(15), "alice"));

        assertThat(lateFindings()).isEmpty();
    }
}
