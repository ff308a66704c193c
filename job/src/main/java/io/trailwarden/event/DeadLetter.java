package io.trailwarden.event;

import java.nio.charset.StandardCharsets;

/**
 * Something the job could not use, kept with the reason instead of being dropped: a record that did
 * not parse, a late event, an action that finally failed. A Flink POJO.
 */
public class DeadLetter {
    /** Raw input kept in a dead letter is cut to this many characters, so a huge record cannot flood it. */
    public static final int MAX_RAW_CHARS = 4096;

    /** Where it was rejected: "parse", "late", "response", ... */
    public String stage;
    public String reason;
    /** Where the input came from (file and line, stream and shard), when known. */
    public String origin;
    /** The input, truncated to {@link #MAX_RAW_CHARS}. */
    public String raw;
    /**
     * The size of the whole input, so a truncated one is visible as such: in characters for text, in
     * bytes for input that arrived as bytes ({@link #ofBytes}).
     */
    public long rawLength;
    public long recordedAtMillis;

    public DeadLetter() {}

    public static DeadLetter of(String stage, String reason, String origin, String raw) {
        DeadLetter letter = new DeadLetter();
        letter.stage = stage;
        letter.reason = reason;
        letter.origin = origin;
        letter.rawLength = raw == null ? 0 : raw.length();
        letter.raw = raw == null || raw.length() <= MAX_RAW_CHARS ? raw : raw.substring(0, MAX_RAW_CHARS);
        letter.recordedAtMillis = System.currentTimeMillis();
        return letter;
    }

    /**
     * A dead letter for raw bytes (possibly huge, possibly not UTF-8): only the prefix that can fill
     * {@link #MAX_RAW_CHARS} is decoded, invalid UTF-8 becomes U+FFFD, and rawLength counts bytes.
     */
    public static DeadLetter ofBytes(String stage, String reason, String origin, byte[] bytes, int offset, int length) {
        // Every UTF-8 byte decodes to at most one char, and a char needs at most 3 bytes.
        int decoded = Math.min(length, MAX_RAW_CHARS * 3);
        String prefix = new String(bytes, offset, decoded, StandardCharsets.UTF_8);
        DeadLetter letter = of(stage, reason, origin, prefix);
        letter.rawLength = length;
        return letter;
    }

    @Override
    public String toString() {
        return stage + ": " + reason + (origin == null ? "" : " [" + origin + "]");
    }
}
