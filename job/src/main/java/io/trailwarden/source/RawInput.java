package io.trailwarden.source;

import java.nio.charset.StandardCharsets;

/**
 * One unit of input before parsing: a Kinesis record, one line of a JSON-lines file, or a whole JSON
 * document file. Kept as bytes so gzip and invalid UTF-8 reach the parser intact and become dead
 * letters there, not exceptions in a source. A Flink POJO.
 */
public class RawInput {
    /** The largest unit a reader hands on whole (a gzip delivery file inflates to at most this). */
    public static final int MAX_UNIT_BYTES = 256 << 20;

    /** Where the bytes came from: {@code file:line}, {@code file}, {@code stream/shard/sequence}. */
    public String origin;
    public byte[] bytes;
    /**
     * Set by a reader that could not deliver this unit (a gzip stream that breaks off mid-file): the
     * parser turns it into a dead letter with this reason instead of the reader failing the job.
     */
    public String readError;
    /**
     * When CloudTrail delivered the file this unit was read from, as its name gives it, to the minute
     * (epoch millis); null when the name gives none (a user's own file, a Kinesis record). Set from the
     * file's name, never from its content, so a record cannot choose it.
     */
    public Long deliveryTimeMillis;

    public RawInput() {}

    public static RawInput of(String origin, byte[] bytes) {
        RawInput input = new RawInput();
        input.origin = origin;
        input.bytes = bytes;
        return input;
    }

    public static RawInput of(String origin, String text) {
        return of(origin, text.getBytes(StandardCharsets.UTF_8));
    }

    public static RawInput unreadable(String origin, String readError) {
        RawInput input = of(origin, new byte[0]);
        input.readError = readError;
        return input;
    }

    @Override
    public String toString() {
        return origin + " (" + (bytes == null ? 0 : bytes.length) + " bytes)";
    }
}
