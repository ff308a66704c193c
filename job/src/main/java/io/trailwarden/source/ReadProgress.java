package io.trailwarden.source;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many bytes of their files (as stored: compressed bytes of gzip files) this process's readers
 * have consumed, for a replay's progress bar, and which S3 objects they have read to the end, for the
 * record a replay resumes from. Process-wide, because a local replay's readers run on
 * the embedded mini-cluster in the same JVM as the command that shows the progress; one replay at a time.
 */
public final class ReadProgress {
    private static final AtomicLong BYTES_READ = new AtomicLong();
    private static final Set<String> OBJECTS_READ = ConcurrentHashMap.newKeySet();

    private ReadProgress() {}

    public static long bytesRead() {
        return BYTES_READ.get();
    }

    /** Whether every unit of the object with this key has been handed on (a dead letter for one unreadable). */
    public static boolean objectRead(String key) {
        return OBJECTS_READ.contains(key);
    }

    public static void reset() {
        BYTES_READ.set(0);
        OBJECTS_READ.clear();
    }

    static void objectDone(String key) {
        OBJECTS_READ.add(key);
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
