package io.trailwarden.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.event.CloudTrailEvent;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DedupKeyTest {

    @Test
    void aRedeliveryHasTheDigestOfItsFirstCopy() {
        assertThat(DedupKey.of(event("4a1c0b3e-0000-4000-8000-000000000001", 1_722_519_208_000L, "CreateUser")))
                .isEqualTo(DedupKey.of(event("4a1c0b3e-0000-4000-8000-000000000001", 1_722_519_208_000L, "CreateUser")));
    }

    @Test
    void eachPartOfTheIdentityChangesTheDigest() {
        long base = DedupKey.of(event("id-1", 1000L, "CreateUser"));
        assertThat(DedupKey.of(event("id-2", 1000L, "CreateUser"))).isNotEqualTo(base);
        assertThat(DedupKey.of(event("id-1", 2000L, "CreateUser"))).isNotEqualTo(base);
        assertThat(DedupKey.of(event("id-1", 1000L, "DeleteUser"))).isNotEqualTo(base);
    }

    @Test
    void textCannotMoveBetweenTheIdAndTheName() {
        assertThat(DedupKey.of(event("ab", 1000L, "c"))).isNotEqualTo(DedupKey.of(event("a", 1000L, "bc")));
    }

    /** Ids of one principal in a day of heavy use, as AWS assigns them (random UUIDs). */
    @Test
    void aMillionDistinctDeliveriesGiveAMillionDigests() {
        Set<Long> digests = new HashSet<>();
        for (int i = 0; i < 1_000_000; i++) {
            digests.add(DedupKey.of(event(UUID.randomUUID().toString(), 1_722_519_208_000L + i, "GetObject")));
        }
        assertThat(digests).hasSize(1_000_000);
    }

    @Test
    void recordsWithoutIdAreDigestedByContent() {
        CloudTrailEvent first = event(null, 1000L, "CreateUser");
        first.rawJsonUtf8 = "{\"eventName\":\"CreateUser\"}".getBytes(StandardCharsets.UTF_8);
        CloudTrailEvent same = event(null, 1000L, "CreateUser");
        same.rawJsonUtf8 = first.rawJsonUtf8.clone();
        CloudTrailEvent other = event(null, 1000L, "CreateUser");
        other.rawJsonUtf8 = "{\"eventName\":\"CreateUser\",\"x\":1}".getBytes(StandardCharsets.UTF_8);
        assertThat(DedupKey.of(same)).isEqualTo(DedupKey.of(first));
        assertThat(DedupKey.of(other)).isNotEqualTo(DedupKey.of(first));
    }

    private static CloudTrailEvent event(String id, long time, String name) {
        CloudTrailEvent event = new CloudTrailEvent();
        event.eventId = id;
        event.eventTimeMillis = time;
        event.eventName = name;
        return event;
    }
}
