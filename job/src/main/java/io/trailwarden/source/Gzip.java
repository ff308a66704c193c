package io.trailwarden.source;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Bounded gzip decompression: a small unit can inflate to gigabytes, so output is always capped and
 * charged to a {@link DecompressionBudget}, the same one that the file readers draw on.
 */
public final class Gzip {
    private static final int CHUNK_BYTES = 65_536;

    private Gzip() {}

    /** Gzip's magic number, 1f 8b: how a gzip unit is told from JSON, whatever its origin says. */
    public static boolean isGzip(byte[] bytes, int offset, int length) {
        return length >= 2 && bytes[offset] == (byte) 0x1f && bytes[offset + 1] == (byte) 0x8b;
    }

    /**
     * The inflated unit, still charged to {@code budget}: the caller discards it once it is done with
     * the bytes, whatever happens to them. Its array never grows past {@code maxBytes} (the content is
     * refused one chunk before it would), and while it grows the old and the new array are both charged.
     *
     * @throws TooLargeException as soon as the content passes {@code maxBytes}
     * @throws RefusedException when the budget refuses the unit more memory
     */
    public static UnitBuffer gunzip(byte[] bytes, int offset, int length, int maxBytes, DecompressionBudget budget)
            throws IOException {
        UnitBuffer unit = new UnitBuffer(budget, maxBytes);
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes, offset, length), CHUNK_BYTES)) {
            byte[] chunk = new byte[CHUNK_BYTES];
            int read;
            while ((read = in.read(chunk, 0, chunk.length)) >= 0) {
                if (read > maxBytes - unit.length()) {
                    throw new TooLargeException(maxBytes);
                }
                if (!unit.append(chunk, 0, read)) {
                    throw new RefusedException(unit.refusal());
                }
            }
        } catch (IOException | RuntimeException e) {
            unit.discard();
            throw e;
        }
        return unit;
    }

    /** What went wrong, worded for a dead letter; a truncated stream's EOFException has no message. */
    public static String describe(Exception e) {
        if (e.getMessage() != null) {
            return e.getMessage();
        }
        return e instanceof java.io.EOFException ? "unexpected end of data" : e.getClass().getSimpleName();
    }

    public static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(int maxBytes) {
            super("decompresses to more than " + maxBytes + " bytes");
        }
    }

    /** The decompression budget refused the unit; the message says why, worded for a dead letter. */
    public static final class RefusedException extends IOException {
        private static final long serialVersionUID = 1L;

        RefusedException(String refusal) {
            super(refusal);
        }
    }
}
