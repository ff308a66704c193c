package io.trailwarden.source;

import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;

/**
 * The heap that every source reader of this process may fill with input units it is still reading:
 * decompressed gzip content, or a long line or document of a plain file. The parser draws on it too,
 * for a gzip unit it inflates (a Kinesis record, or a delivery file gzipped twice) until that unit is
 * parsed. One budget for the process, because readers run side by side: a limit per reader would let
 * two gzip bombs (a megabyte that inflates to a gigabyte of zeros) take twice the memory one may.
 *
 * <p>A unit may hold at most a quarter of the budget, so one bomb never holds all of it; a unit that
 * would pass that, or that cannot get budget within {@link #WAIT_NANOS} while other readers hold it,
 * is refused, and its reader turns it into a dead letter naming the file. Waiting cannot hang: every
 * holder either finishes its unit or is refused at its quarter. Bytes are charged before they are
 * allocated and released when the unit is handed on (by a reader) or parsed (by the parser).
 */
public final class DecompressionBudget {
    /** How long a reader waits for budget other readers hold before giving up on its unit. */
    static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long MIN_BYTES = 64L << 20;

    /** The process's budget: a quarter of the maximum heap, at least 64 MiB. */
    public static final DecompressionBudget PROCESS =
            new DecompressionBudget(Math.max(MIN_BYTES, Runtime.getRuntime().maxMemory() / 4));

    private final long capacity;
    private long held;

    public DecompressionBudget(long capacity) {
        this.capacity = capacity;
    }

    public long capacity() {
        return capacity;
    }

    /** The most one unit may hold. */
    public long perUnitLimit() {
        return capacity / 4;
    }

    /** Charges {@code bytes}, waiting while other readers hold the budget; false when it cannot. */
    synchronized boolean reserve(long bytes) throws InterruptedIOException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (held + bytes > capacity) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for decompression budget");
            }
        }
        held += bytes;
        return true;
    }

    synchronized void release(long bytes) {
        held -= bytes;
        notifyAll();
    }

    /** Bytes charged now (for tests and diagnostics). */
    public synchronized long held() {
        return held;
    }
}
