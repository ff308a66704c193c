package io.trailwarden.rules.runtime;

import static io.trailwarden.rules.runtime.Records.ATTACKER;
import static io.trailwarden.rules.runtime.Records.ONE_MIN_LATER;
import static io.trailwarden.rules.runtime.Records.T0;
import static io.trailwarden.rules.runtime.Records.TWO_MIN_LATER;
import static io.trailwarden.rules.runtime.Records.attachAdmin;
import static io.trailwarden.rules.runtime.Records.createAccessKey;
import static io.trailwarden.rules.runtime.Records.createUser;
import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.ListsConfig;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleCompiler;
import io.trailwarden.rules.compile.RuleEvent;
import io.trailwarden.rules.model.Rule;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What reaches a sequence's CEP operator, and when: the real backdoor-admin-user rule's events. */
class EventTimeReleaseTest {
    private CompiledRule rule;
    private KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, RuleEvent> harness;

    @BeforeEach
    void open() throws Exception {
        Rule loaded = RepoRules.rule("backdoor-admin-user");
        rule = new RuleCompiler(ListsConfig.defaults().lists).compile(loaded);
        harness = harness();
        harness.open();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, RuleEvent> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new EventTimeRelease()),
                event -> event.key, Types.STRING);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void feed(Records... records) throws Exception {
        for (Records record : records) {
            CloudTrailEvent event = record.parsed();
            harness.processElement(new StreamRecord<>(rule.prefilter(event), event.eventTimeMillis));
        }
    }

    /** The released events' ids and their timestamps, as CEP receives them. */
    private List<String> released() {
        return harness.extractOutputStreamRecords().stream()
                .map(record -> record.getValue().event.eventId + "@" + Instant.ofEpochMilli(record.getTimestamp()))
                .collect(Collectors.toList());
    }

    @Test
    void eventsWaitUntilTheWatermarkPassesThemAndLeaveInEventTimeOrderWithTheirOwnTimes() throws Exception {
        feed(createAccessKey("key", TWO_MIN_LATER, ATTACKER, "backdoor"),
                createUser("user", T0, ATTACKER, "backdoor"),
                attachAdmin("admin", ONE_MIN_LATER, ATTACKER, "backdoor"));
        assertThat(released()).isEmpty();

        harness.processWatermark(ONE_MIN_LATER.toEpochMilli() - 1);
        assertThat(released()).containsExactly("user@" + T0);

        harness.processWatermark(ONE_MIN_LATER.toEpochMilli());
        assertThat(released()).containsExactly("user@" + T0, "admin@" + ONE_MIN_LATER);
        assertThat(harness.numKeyedStateEntries()).as("released times are forgotten").isEqualTo(1);

        harness.processWatermark(TWO_MIN_LATER.toEpochMilli());
        assertThat(released()).containsExactly("user@" + T0, "admin@" + ONE_MIN_LATER, "key@" + TWO_MIN_LATER);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void eventsOfOneTimeLeaveTogether() throws Exception {
        feed(createUser("first", T0, ATTACKER, "backdoor"), attachAdmin("second", T0, ATTACKER, "backdoor"));
        harness.processWatermark(T0.toEpochMilli());

        assertThat(released()).containsExactlyInAnyOrder("first@" + T0, "second@" + T0);
    }

    @Test
    void anEventTheWatermarkHasPassedGoesOnAtOnceForCepToCountAsLate() throws Exception {
        harness.processWatermark(ONE_MIN_LATER.toEpochMilli());
        feed(createUser("late", T0, ATTACKER, "backdoor"), createUser("on-the-mark", ONE_MIN_LATER, ATTACKER, "other"));

        assertThat(released()).containsExactly("late@" + T0, "on-the-mark@" + ONE_MIN_LATER);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void waitingEventsSurviveASnapshotAndRestore() throws Exception {
        feed(createUser("user", T0, ATTACKER, "backdoor"), attachAdmin("admin", ONE_MIN_LATER, ATTACKER, "backdoor"));
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = harness();
        harness.initializeState(snapshot);
        harness.open();
        harness.processWatermark(ONE_MIN_LATER.toEpochMilli());

        assertThat(released()).containsExactly("user@" + T0, "admin@" + ONE_MIN_LATER);
    }
}
