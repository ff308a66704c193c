package io.trailwarden.detect;

import io.trailwarden.event.CloudTrailEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * The identity of a delivery: the eventID, qualified by event time and event name. A re-delivery
 * repeats the record exactly, so it still collapses; a different record that carries the same id is
 * not a duplicate and must not be suppressed (the corpus has three: a {@code DeleteTrail} and two
 * Bedrock calls published with one eventID; dropping the {@code DeleteTrail} would hide CloudTrail
 * being deleted). A record without an eventID is identified by a digest of its content.
 */
public class DedupKey implements KeySelector<CloudTrailEvent, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(CloudTrailEvent event) {
        if (event.eventId == null || event.eventId.isEmpty()) {
            return "sha256:" + sha256(event.rawJson == null ? "" : event.rawJson);
        }
        return event.eventId + '|' + event.eventTimeMillis + '|' + event.eventName;
    }

    private static String sha256(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
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
