package io.trailwarden.event;

import java.nio.charset.StandardCharsets;

/**
 * One unit of input before parsing: a Kinesis record, one line of a JSON-lines file, or a whole JSON
 * document file. Kept as bytes so gzip and invalid UTF-8 reach the parser intact and become dead
 * letters there, not exceptions in a source. A Flink POJO.
 */
public class RawInput {
    /** Where the bytes came from: {@code file:line}, {@code file}, {@code stream/shard/sequence}. */
    public String origin;
    public byte[] bytes;

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

    @Override
    public String toString() {
        return origin + " (" + (bytes == null ? 0 : bytes.length) + " bytes)";
    }
}
