package io.trailwarden.detect;

import io.trailwarden.event.CloudTrailEvent;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The identity of a delivery: the eventID, qualified by event time and event name. A re-delivery
 * repeats the record exactly, so it still collapses; a different record that carries the same id is
 * not a duplicate and must not be suppressed (the corpus has three: a {@code DeleteTrail} and two
 * Bedrock calls published with one eventID; dropping the {@code DeleteTrail} would hide CloudTrail
 * being deleted). A record without an eventID is identified by a digest of its content.
 *
 * <p>A re-delivery also repeats the acting principal, so dedup remembers these identities per
 * {@link PrincipalKey}: a duplicate always meets its first copy on the same subtask.
 */
public final class DedupKey {
    private DedupKey() {}

    public static String of(CloudTrailEvent event) {
        if (event.eventId == null || event.eventId.isEmpty()) {
            return "sha256:" + sha256(event.rawJsonUtf8 == null ? new byte[0] : event.rawJsonUtf8);
        }
        return event.eventId + '|' + event.eventTimeMillis + '|' + event.eventName;
    }

    private static String sha256(byte[] utf8) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(utf8);
            StringBuilder hex = new StringBuilder(hash.length * 2);
            for (byte b : hash) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
