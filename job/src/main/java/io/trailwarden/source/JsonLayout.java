package io.trailwarden.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Whether text holding several lines is JSON lines (one record per line) or one JSON document that
 * spans lines, decided from its first non-blank line so a streaming reader can decide before it has
 * read the rest of a large file:
 *
 * <ul>
 *   <li>a line that is only {@code {} or {@code [} opens a pretty-printed document (every pretty
 *       printer breaks the line right after the opening bracket);
 *   <li>a line that is a complete JSON value by itself starts JSON lines (a pretty-printed document's
 *       first line never is);
 *   <li>anything else (a truncated or junk first line) is undecided. Then the next two non-blank lines
 *       decide: when both are complete values the text is JSON lines ({@link #isValueLine}), since two
 *       lines in a row of one JSON document never are (a comma or colon stands between its values, at
 *       the end of the one line or the start of the next); otherwise it is read as one document, and a
 *       text small enough is first tried whole. So one bad first line cannot hide the records after it.
 * </ul>
 */
public enum JsonLayout {
    DOCUMENT,
    LINES,
    UNDECIDED;

    public static JsonLayout ofFirstLine(JsonFactory factory, byte[] bytes, int start, int end) {
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

    /** Whether the line is one complete JSON value: a JSON line, never a line inside a document after its first. */
    public static boolean isValueLine(JsonFactory factory, byte[] bytes, int start, int end) {
        return ofFirstLine(factory, bytes, start, end) == LINES;
    }

    /** After an undecided first line ending before {@code from}: whether the text is JSON lines after all. */
    public static boolean nextTwoLinesAreValues(JsonFactory factory, byte[] bytes, int from, int end) {
        int values = 0;
        int lineStart = from;
        while (lineStart < end) {
            int lineEnd = lineStart;
            while (lineEnd < end && bytes[lineEnd] != '\n') {
                lineEnd++;
            }
            if (skipBlank(bytes, lineStart, lineEnd) < lineEnd) {
                if (!isValueLine(factory, bytes, lineStart, lineEnd)) {
                    return false;
                }
                if (++values == 2) {
                    return true;
                }
            }
            lineStart = lineEnd + 1;
        }
        return false;
    }

    public static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    public static int skipBlank(byte[] bytes, int start, int end) {
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
