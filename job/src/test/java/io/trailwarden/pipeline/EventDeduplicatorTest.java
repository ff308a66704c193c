package io.trailwarden.pipeline;

import static io.trailwarden.pipeline.TestEvents.FIVE_MIN_LATER;
import static io.trailwarden.pipeline.TestEvents.ONE_SECOND_LATER;
import static io.trailwarden.pipeline.TestEvents.T0;
import static io.trailwarden.pipeline.TestEvents.createUser;
import static io.trailwarden.pipeline.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.event.Actor;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.PrincipalKey;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventDeduplicatorTest {
    private static final Duration TTL = Duration.ofMinutes(10);
    private static final long START = 1_000_000L;
    private static final long JUST_BEFORE_EXPIRY = START + TTL.toMillis() - 1;
    private static final long AFTER_EXPIRY = START + TTL.toMillis() + 1;
    private static final long BUCKET = TTL.toMillis() / EventDeduplicator.EXPIRY_BUCKETS;

    private final CloudTrailEvent createUser = createUser("3346344c-5a3e-429e-8405-420f98f75d6e", T0, "backdoor").build();
    private final CloudTrailEvent attachPolicy = event("AttachUserPolicy", "083dc4ad-e264-46bc-a407-d0dd31b58bdc", T0).build();

    private EventDeduplicator function;
    private KeyedOneInputStreamOperatorTestHarness<String, CloudTrailEvent, CloudTrailEvent> harness;

    @AfterEach
    void closeHarness() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void duplicateDeliveriesAreDroppedAndCounted() throws Exception {
        open(null);
        process(createUser, attachPolicy, copyOf(createUser), copyOf(createUser), copyOf(attachPolicy));

        assertThat(harness.extractOutputValues()).containsExactly(createUser, attachPolicy);
        assertThat(function.duplicatesCounted()).isEqualTo(3);
    }

    @Test
    void differentRecordsSharingAnEventIdAreNotDuplicates() throws Exception {
        // As published in the corpus: DeleteTrail and two Bedrock calls carry one eventID.
        CloudTrailEvent deleteTrail = event("DeleteTrail", "ee73c230-44bc-4492-8542-cfb189eae287", T0).build();
        CloudTrailEvent deleteGuardrail = event("DeleteGuardrail", "ee73c230-44bc-4492-8542-cfb189eae287", FIVE_MIN_LATER).build();
        CloudTrailEvent sameIdSameTimeOtherName = event("StopLogging", "ee73c230-44bc-4492-8542-cfb189eae287", T0).build();
        open(null);
        process(deleteTrail, deleteGuardrail, sameIdSameTimeOtherName, copyOf(deleteTrail));

        assertThat(harness.extractOutputValues()).containsExactly(deleteTrail, deleteGuardrail, sameIdSameTimeOtherName);
        assertThat(function.duplicatesCounted()).isEqualTo(1);
    }

    @Test
    void recordsWithoutEventIdCollapseOnlyWhenIdentical() throws Exception {
        CloudTrailEvent first = event("ListBuckets", null, T0).build();
        CloudTrailEvent second = event("ListBuckets", null, ONE_SECOND_LATER).build();
        open(null);
        process(first, second, copyOf(first));

        assertThat(harness.extractOutputValues()).containsExactly(first, second);
        assertThat(function.duplicatesCounted()).isEqualTo(1);
    }

    @Test
    void anIdIsForgottenAfterTheTtlAndOnlyThen() throws Exception {
        open(null);
        process(createUser);
        harness.setProcessingTime(JUST_BEFORE_EXPIRY);
        process(copyOf(createUser));
        assertThat(harness.extractOutputValues()).containsExactly(createUser);

        harness.setProcessingTime(AFTER_EXPIRY);
        process(copyOf(createUser));
        assertThat(harness.extractOutputValues()).containsExactly(createUser, createUser);
        assertThat(function.duplicatesCounted()).isEqualTo(1);
    }

    @Test
    void duplicatesDoNotExtendTheTtl() throws Exception {
        open(null);
        process(createUser);
        harness.setProcessingTime(JUST_BEFORE_EXPIRY);
        process(copyOf(createUser));
        harness.setProcessingTime(AFTER_EXPIRY);
        process(copyOf(createUser));

        assertThat(harness.extractOutputValues()).hasSize(2);
    }

    @Test
    void expiredIdsLeaveStateWithinABucketOfTheTtlAndQuietPrincipalsLeaveNothing() throws Exception {
        open(null);
        // One principal per event, so the count of keyed state entries is the count of remembered ids.
        for (int i = 0; i < 5; i++) {
            process(event("DescribeInstances", "old-" + i, T0).by(principal(i)).build());
        }
        // A second id of one principal in the same expiry bucket shares its cleanup timer.
        process(event("DescribeInstances", "old-again", T0).by(principal(0)).build());
        harness.setProcessingTime(START + TTL.toMillis() / 2);
        CloudTrailEvent later = event("DescribeInstances", "later", FIVE_MIN_LATER).by(principal(9)).build();
        process(later);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(6);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(6);

        harness.setProcessingTime(START + TTL.toMillis() + BUCKET);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        process(copyOf(later));
        assertThat(function.duplicatesCounted()).isEqualTo(1);

        harness.setProcessingTime(START + TTL.toMillis() / 2 + TTL.toMillis() + BUCKET);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void seenIdsSurviveSnapshotAndRestore() throws Exception {
        open(null);
        process(createUser);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        open(snapshot);
        process(copyOf(createUser), attachPolicy);

        assertThat(harness.extractOutputValues()).containsExactly(attachPolicy);
        assertThat(function.duplicatesCounted()).isEqualTo(1);
    }

    @Test
    void expiryContinuesAfterRestore() throws Exception {
        CloudTrailEvent attachPolicyByAnother = event("AttachUserPolicy", "083dc4ad-e264-46bc-a407-d0dd31b58bdc", T0)
                .by(principal(1)).build();
        open(null);
        process(createUser, attachPolicyByAnother);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        open(snapshot);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        harness.setProcessingTime(START + TTL.toMillis() + BUCKET);
        assertThat(harness.numKeyedStateEntries()).isZero();
        process(copyOf(createUser));
        assertThat(harness.extractOutputValues()).containsExactly(createUser);
    }

    private void open(OperatorSubtaskState restoreFrom) throws Exception {
        function = new EventDeduplicator(TTL);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(function), new PrincipalKey(), Types.STRING);
        harness.setProcessingTime(START);
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
    }

    private void process(CloudTrailEvent... events) throws Exception {
        for (CloudTrailEvent event : events) {
            harness.processElement(event, event.eventTimeMillis);
        }
    }

    private static Actor principal(int i) {
        return TestEvents.iamUser("arn:aws:iam::123456789012:user/principal-" + i);
    }

    /** A second delivery is a separate object with the same content, as it is after deserialization. */
    private static CloudTrailEvent copyOf(CloudTrailEvent event) {
        CloudTrailEvent copy = new CloudTrailEvent();
        copy.eventId = event.eventId;
        copy.eventTimeMillis = event.eventTimeMillis;
        copy.eventName = event.eventName;
        copy.eventSource = event.eventSource;
        copy.recipientAccountId = event.recipientAccountId;
        copy.actor = event.actor;
        copy.rawJsonUtf8 = event.rawJsonUtf8;
        return copy;
    }
}
