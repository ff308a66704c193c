package io.trailwarden.source;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/** Bounded gzip decompression: a small file can inflate to gigabytes, so output is always capped. */
public final class Gzip {
    private Gzip() {}

    /** Gzip's magic number, 1f 8b: how a gzip unit is told from JSON, whatever its origin says. */
    public static boolean isGzip(byte[] bytes, int offset, int length) {
        return length >= 2 && bytes[offset] == (byte) 0x1f && bytes[offset + 1] == (byte) 0x8b;
    }

    public static byte[] gunzip(byte[] bytes, int offset, int length, int maxBytes) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes, offset, length), 65_536)) {
            return readBounded(in, maxBytes);
        }
    }

    /** All of {@code in}, or {@link TooLargeException} as soon as it passes {@code maxBytes}. */
    public static byte[] readBounded(InputStream in, int maxBytes) throws IOException {
        byte[] buffer = new byte[8192];
        int size = 0;
        while (true) {
            if (size == buffer.length) {
                if (size > maxBytes) {
                    throw new TooLargeException(maxBytes);
                }
                buffer = Arrays.copyOf(buffer, (int) Math.min((long) size * 2, (long) maxBytes + 1));
            }
            int read = in.read(buffer, size, buffer.length - size);
            if (read < 0) {
                return size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
            }
            size += read;
            if (size > maxBytes) {
                throw new TooLargeException(maxBytes);
            }
        }
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
}
