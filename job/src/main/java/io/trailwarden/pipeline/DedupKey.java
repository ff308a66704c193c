package io.trailwarden.pipeline;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.PrincipalKey;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The identity of a delivery: the eventID, qualified by event time and event name. A re-delivery
 * repeats the record exactly, so it still collapses; a different record that carries the same id is
 * not a duplicate and must not be suppressed (the corpus has three: a {@code DeleteTrail} and two
 * Bedrock calls published with one eventID; dropping the {@code DeleteTrail} would hide CloudTrail
 * being deleted). A record without an eventID is identified by its content.
 *
 * <p>The identity is kept as a 64-bit digest, not as text: dedup remembers every delivery of the last
 * TTL, and a digest entry takes a third of the heap of a string entry, and its lookup hashes no string.
 * Two different deliveries of one principal would have to collide for one to be taken for the other's
 * duplicate: with n deliveries remembered per principal the chance is about n^2 / 2^65, under 3 in 10^8
 * for a million. The digest's input is not the attacker's to choose: AWS assigns the eventID, a random
 * UUID. A record without an eventID, whose content an attacker does shape, is digested with SHA-256.
 *
 * <p>A re-delivery also repeats the acting principal, so dedup remembers these identities per
 * {@link PrincipalKey}: a duplicate always meets its first copy on the same subtask.
 */
public final class DedupKey {
    private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private DedupKey() {}

    public static long of(CloudTrailEvent event) {
        if (event.eventId == null || event.eventId.isEmpty()) {
            return sha256Prefix(event.rawJsonUtf8 == null ? new byte[0] : event.rawJsonUtf8);
        }
        long hash = FNV_OFFSET_BASIS;
        hash = mix(hash, event.eventId);
        hash = (hash ^ event.eventTimeMillis) * FNV_PRIME;
        hash = mix(hash, event.eventName == null ? "" : event.eventName);
        return finish(hash);
    }

    /** FNV-1a over the UTF-16 units, with the length so that field boundaries cannot shift. */
    private static long mix(long hash, String text) {
        for (int i = 0; i < text.length(); i++) {
            hash = (hash ^ text.charAt(i)) * FNV_PRIME;
        }
        return (hash ^ text.length()) * FNV_PRIME;
    }

    /** MurmurHash3's finaliser: FNV leaves the low bits of similar ids correlated; this spreads them. */
    private static long finish(long hash) {
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        hash ^= hash >>> 33;
        hash *= 0xc4ceb9fe1a85ec53L;
        return hash ^ (hash >>> 33);
    }

    private static long sha256Prefix(byte[] utf8) {
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(utf8)).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
