package io.trailwarden.source;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many bytes of their files (as stored: compressed bytes of gzip files) this process's readers
 * have consumed, for a replay's progress bar. Process-wide, because a local replay's readers run on
 * the embedded mini-cluster in the same JVM as the command that shows the progress; one replay at a time.
 */
public final class ReadProgress {
    private static final AtomicLong BYTES_READ = new AtomicLong();

    private ReadProgress() {}

    public static long bytesRead() {
        return BYTES_READ.get();
    }

    public static void reset() {
        BYTES_READ.set(0);
    }

    /** {@code in}, counting what is read from it. */
    static InputStream counting(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    BYTES_READ.incrementAndGet();
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int read = super.read(buffer, offset, length);
                if (read > 0) {
                    BYTES_READ.addAndGet(read);
                }
                return read;
            }
        };
    }
}
