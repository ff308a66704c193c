package io.trailwarden.source;

import java.io.IOException;
import java.util.Arrays;

/**
 * The bytes of one unit while a reader reads it, charged to the {@link DecompressionBudget} as the
 * array grows (the old and the new array both, while one is copied into the other). Bytes past
 * {@code maxBytes} are dropped: the unit is cut short, and the parser dead-letters what is left.
 * {@link #append} returns false, and the unit should be given up, when the budget refuses.
 *
 * <p>A reader hands its unit on with {@link #take}; {@link Gzip#gunzip} hands it to the parser still
 * charged, and the parser reads {@link #array} and then {@link #discard}s it.
 */
public final class UnitBuffer {
    private static final byte[] EMPTY = new byte[0];

    private final DecompressionBudget budget;
    private final int maxBytes;
    private byte[] bytes = EMPTY;
    private int length;
    private String refusal;

    UnitBuffer(DecompressionBudget budget, int maxBytes) {
        this.budget = budget;
        this.maxBytes = maxBytes;
    }

    /** Appends what fits under {@code maxBytes}; false when the budget refuses more. */
    boolean append(byte[] source, int offset, int count) throws IOException {
        int take = Math.min(count, maxBytes - length);
        if (take <= 0) {
            return true;
        }
        if (length + take > bytes.length) {
            int grown = (int) Math.min(maxBytes, Math.max(length + take, Math.min((long) bytes.length * 2, maxBytes)));
            if (grown > budget.perUnitLimit()) {
                refusal = "decompresses beyond the decompression budget: one unit may hold "
                        + mebibytes(budget.perUnitLimit()) + " of the process's " + mebibytes(budget.capacity());
                return false;
            }
            if (!budget.reserve(grown)) {
                refusal = "no decompression budget came free within "
                        + DecompressionBudget.WAIT_NANOS / 1_000_000_000L + " s (other readers held the process's "
                        + mebibytes(budget.capacity()) + ")";
                return false;
            }
            byte[] larger = Arrays.copyOf(bytes, grown);
            budget.release(bytes.length);
            bytes = larger;
        }
        System.arraycopy(source, offset, bytes, length, take);
        length += take;
        return true;
    }

    /** Why {@link #append} last returned false, worded for a dead letter. */
    String refusal() {
        return refusal;
    }

    private static String mebibytes(long bytes) {
        return (bytes >> 20) + " MiB";
    }

    public int length() {
        return length;
    }

    /** The bytes so far, valid up to {@link #length}, and charged until {@link #discard}. */
    public byte[] array() {
        return bytes;
    }

    /** The bytes, trimmed, and the charge released: the unit is handed on. */
    byte[] take() {
        byte[] unit = length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
        discard();
        return unit;
    }

    /** Drops the bytes and releases the charge. */
    public void discard() {
        budget.release(bytes.length);
        bytes = EMPTY;
        length = 0;
    }

    /** Drops a trailing carriage return (a CRLF line). */
    void dropTrailing(byte b) {
        if (length > 0 && bytes[length - 1] == b) {
            length--;
        }
    }
}
