package io.trailwarden.event;

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
    /** The size of the whole input, so a truncated one is visible as such. */
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

    @Override
    public String toString() {
        return stage + ": " + reason + (origin == null ? "" : " [" + origin + "]");
    }
}
