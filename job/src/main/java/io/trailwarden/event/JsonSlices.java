package io.trailwarden.event;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds where values lie in JSON text that Jackson has already accepted, so a record that arrived
 * compact can keep its own bytes as {@code rawJson} instead of being serialized again from its tree
 * (serializing costs as much as parsing). Every method answers "don't know" (-1, false) for anything it
 * does not expect; callers then serialize the tree, which is always correct.
 */
final class JsonSlices {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;

    private final byte[] bytes;
    private boolean sawSpaceOrControl;

    JsonSlices(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Whether {@code [start, end)} is exactly one JSON value with no whitespace outside strings and no
     * raw control characters (line breaks in particular) inside them: text that holds no line break.
     */
    boolean isCompactValue(int start, int end) {
        sawSpaceOrControl = false;
        return valueEnd(start, end) == end && !sawSpaceOrControl;
    }

    /**
     * The {@code [start, end)} range of the value of {@code key} in the object at {@code start}, or
     * null. Keys are compared byte for byte, so an escaped spelling of the key is "not found".
     */
    int[] member(int start, int end, String key) {
        if (start >= end || bytes[start] != '{') {
            return null;
        }
        int pos = skipBlank(start + 1, end);
        while (pos < end && bytes[pos] == '"') {
            int keyEnd = stringEnd(pos, end);
            if (keyEnd < 0) {
                return null;
            }
            boolean matches = sameKey(pos + 1, keyEnd - 1, key);
            pos = skipBlank(keyEnd, end);
            if (pos >= end || bytes[pos] != ':') {
                return null;
            }
            int valueStart = skipBlank(pos + 1, end);
            int valueEnd = valueEnd(valueStart, end);
            if (valueEnd < 0) {
                return null;
            }
            if (matches) {
                return new int[] {valueStart, valueEnd};
            }
            pos = skipBlank(valueEnd, end);
            if (pos < end && bytes[pos] == ',') {
                pos = skipBlank(pos + 1, end);
            } else {
                return null;
            }
        }
        return null;
    }

    /** The ranges of the elements of the array at {@code start}, flattened as start/end pairs, or null. */
    int[] elements(int start, int end) {
        if (start >= end || bytes[start] != '[') {
            return null;
        }
        int[] ranges = new int[16];
        int count = 0;
        int pos = skipBlank(start + 1, end);
        if (pos < end && bytes[pos] == ']') {
            return new int[0];
        }
        while (pos < end) {
            int elementEnd = valueEnd(pos, end);
            if (elementEnd < 0) {
                return null;
            }
            if (count + 2 > ranges.length) {
                ranges = java.util.Arrays.copyOf(ranges, ranges.length * 2);
            }
            ranges[count++] = pos;
            ranges[count++] = elementEnd;
            pos = skipBlank(elementEnd, end);
            if (pos < end && bytes[pos] == ',') {
                pos = skipBlank(pos + 1, end);
            } else if (pos < end && bytes[pos] == ']') {
                return java.util.Arrays.copyOf(ranges, count);
            } else {
                return null;
            }
        }
        return null;
    }

    /** The end of the value at {@code start}, or -1; notes whitespace and raw control characters. */
    private int valueEnd(int start, int end) {
        if (start >= end) {
            return -1;
        }
        byte first = bytes[start];
        if (first == '"') {
            return stringEnd(start, end);
        }
        if (first != '{' && first != '[') {
            int pos = start;
            while (pos < end && !isDelimiter(bytes[pos])) {
                pos++;
            }
            return pos == start ? -1 : pos;
        }
        int depth = 0;
        int pos = start;
        while (pos < end) {
            byte b = bytes[pos];
            if (b == '"') {
                pos = stringEnd(pos, end);
                if (pos < 0) {
                    return -1;
                }
                continue;
            }
            if (b == '{' || b == '[') {
                depth++;
            } else if (b == '}' || b == ']') {
                depth--;
                if (depth == 0) {
                    return pos + 1;
                }
            } else if (JsonLayout.isBlank(b)) {
                sawSpaceOrControl = true;
            }
            pos++;
        }
        return -1;
    }

    /** The position after the closing quote of the string whose opening quote is at {@code start}. */
    private int stringEnd(int start, int end) {
        int pos = start + 1;
        while (pos < end) {
            // Strings are most of a record: skip eight bytes at a time while none of them is special.
            if (pos + Long.BYTES <= end && !hasQuoteBackslashOrControl((long) LONGS.get(bytes, pos))) {
                pos += Long.BYTES;
                continue;
            }
            byte b = bytes[pos];
            if (b == '\\') {
                pos += 2;
            } else if (b == '"') {
                return pos + 1;
            } else {
                if (b >= 0 && b < 0x20) {
                    sawSpaceOrControl = true;
                }
                pos++;
            }
        }
        return -1;
    }

    /** SWAR test of eight bytes at once; exact for "is there any", which is all it is asked. */
    private static boolean hasQuoteBackslashOrControl(long word) {
        long quotes = word ^ 0x2222222222222222L;
        long backslashes = word ^ 0x5C5C5C5C5C5C5C5CL;
        long special = ((quotes - ONES) & ~quotes)
                | ((backslashes - ONES) & ~backslashes)
                | ((word - 0x2020202020202020L) & ~word);
        return (special & 0x8080808080808080L) != 0;
    }

    private boolean sameKey(int start, int end, String key) {
        if (end - start != key.length()) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            if (bytes[start + i] != (byte) key.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private int skipBlank(int pos, int end) {
        while (pos < end && JsonLayout.isBlank(bytes[pos])) {
            sawSpaceOrControl = true;
            pos++;
        }
        return pos;
    }

    private static boolean isDelimiter(byte b) {
        return b == ',' || b == '}' || b == ']' || JsonLayout.isBlank(b);
    }
}
