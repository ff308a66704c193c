package io.trailwarden.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Whether text holding several lines is JSON lines (one record per line) or one JSON document that
 * spans lines, decided from its first non-blank line alone so a streaming reader can decide before it
 * has read the rest of a large file:
 *
 * <ul>
 *   <li>a line that is only {@code {} or {@code [} opens a pretty-printed document (every pretty
 *       printer breaks the line right after the opening bracket);
 *   <li>a line that is a complete JSON value by itself starts JSON lines (a pretty-printed document's
 *       first line never is);
 *   <li>anything else (a truncated or junk first line) is undecided: the caller tries the whole text as
 *       one document and falls back to lines, so one bad first line cannot hide the records after it.
 * </ul>
 */
enum JsonLayout {
    DOCUMENT,
    LINES,
    UNDECIDED;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    static JsonLayout ofFirstLine(JsonFactory factory, byte[] bytes, int start, int end) {
        int first = skipBlank(bytes, start, end);
        int last = end;
        while (last > first && isBlank(bytes[last - 1])) {
            last--;
        }
        if (last - first == 1 && (bytes[first] == '{' || bytes[first] == '[')) {
            return DOCUMENT;
        }
        return isCompleteValue(factory, bytes, first, last) ? LINES : UNDECIDED;
    }

    /**
     * Whether {@code [start, end)} holds no byte below 0x20. For JSON text that a parser accepts this is
     * exactly "holds no line break": a string cannot contain a raw control character, so the only ones
     * valid JSON can hold are TAB, LF and CR between tokens. Such text can be kept as it is wherever one
     * line is required (JSON lines out, dead letters, logs); spaces between tokens are harmless there.
     * Eight bytes per step: this runs over every record.
     */
    static boolean isOneLine(byte[] bytes, int start, int end) {
        int pos = start;
        for (; pos + Long.BYTES <= end; pos += Long.BYTES) {
            long word = (long) LONGS.get(bytes, pos);
            // A byte below 0x20 borrows into its own high bit when 0x20 is subtracted, unless that bit was
            // set already (a byte of 0x80 or more); exact for "is there any such byte".
            if (((word - 0x20 * ONES) & ~word & HIGH_BITS) != 0) {
                return false;
            }
        }
        for (; pos < end; pos++) {
            if (bytes[pos] >= 0 && bytes[pos] < 0x20) {
                return false;
            }
        }
        return true;
    }

    static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    static int skipBlank(byte[] bytes, int start, int end) {
        int pos = start;
        while (pos < end && isBlank(bytes[pos])) {
            pos++;
        }
        return pos;
    }

    private static boolean isCompleteValue(JsonFactory factory, byte[] bytes, int start, int end) {
        if (start >= end) {
            return false;
        }
        try (JsonParser parser = factory.createParser(bytes, start, end - start)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException | RuntimeException notJson) {
            return false;
        }
    }
}
