package io.trailwarden.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.io.Serializable;

/**
 * Turns raw input units into {@link CloudTrailEvent}s, and everything it cannot use into
 * {@link DeadLetter}s with a specific reason. Accepts every input shape of DESIGN.md in any unit: the
 * EventBridge envelope (record under {@code detail}), a bare record, {@code {"Records": [...]}}, gzip,
 * one JSON document (pretty-printed or not) or JSON lines. Never throws for bad input and never returns
 * null; each bad record costs one dead letter and leaves its neighbours alone.
 *
 * <p>Each record is parsed into a tree exactly once; the tree is attached to the event, so rules that
 * read untyped paths do not parse the record again on the same task.
 */
public final class CloudTrailParser implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String STAGE = "parse";
    /** CloudTrail's own limit for an event is 256 KiB; 1 MiB leaves room for envelopes and growth. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1 << 20;
    /** Bounds what one unit (in particular a gzip file) may inflate to. */
    public static final int DEFAULT_MAX_UNIT_BYTES = 256 << 20;

    private static final String CLOUDTRAIL_DETAIL_TYPE_SUFFIX = " via CloudTrail";
    private static final int MAX_QUOTED_CHARS = 120;

    /** Where parsed events and dead letters go; called in input order. */
    public interface ParseOutput {
        void event(CloudTrailEvent event);

        void deadLetter(DeadLetter deadLetter);
    }

    private final int maxRecordBytes;
    private final int maxUnitBytes;
    private transient ObjectReader reader;

    public CloudTrailParser() {
        this(DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_UNIT_BYTES);
    }

    public CloudTrailParser(int maxRecordBytes) {
        this(maxRecordBytes, DEFAULT_MAX_UNIT_BYTES);
    }

    public CloudTrailParser(int maxRecordBytes, int maxUnitBytes) {
        if (maxRecordBytes <= 0 || maxUnitBytes < maxRecordBytes) {
            throw new IllegalArgumentException(
                    "need 0 < maxRecordBytes <= maxUnitBytes, got " + maxRecordBytes + " and " + maxUnitBytes);
        }
        this.maxRecordBytes = maxRecordBytes;
        this.maxUnitBytes = maxUnitBytes;
    }

    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    /** Parses one unit, emitting every event and dead letter it holds to {@code out}. */
    public void parse(RawInput input, ParseOutput out) {
        String origin = input == null ? null : input.origin;
        byte[] bytes = input == null ? null : input.bytes;
        if (bytes == null || bytes.length == 0) {
            out.deadLetter(DeadLetter.of(STAGE, "empty record", origin, ""));
            return;
        }
        if (Gzip.isGzip(bytes, 0, bytes.length)) {
            byte[] inflated;
            try {
                inflated = Gzip.gunzip(bytes, 0, bytes.length, maxUnitBytes);
            } catch (Gzip.TooLargeException e) {
                out.deadLetter(deadLetter("gzip input " + e.getMessage(), origin, bytes, 0, bytes.length));
                return;
            } catch (IOException | RuntimeException e) {
                out.deadLetter(deadLetter(
                        "gzip input is corrupt: " + quote(e.getMessage()), origin, bytes, 0, bytes.length));
                return;
            }
            parseText(inflated, 0, inflated.length, origin, out);
            return;
        }
        parseText(bytes, 0, bytes.length, origin, out);
    }

    /** Parses one unit into lists; for tests and the command line. */
    public ParseResult parseAll(RawInput input) {
        ParseResult result = new ParseResult();
        parse(input, result);
        return result;
    }

    private void parseText(byte[] bytes, int start, int end, String origin, ParseOutput out) {
        // Blank lines at the end (the final newline and any after it) separate no records: not records.
        int textEnd = end;
        while (textEnd > start && JsonLayout.isBlank(bytes[textEnd - 1])) {
            textEnd--;
        }
        if (textEnd == start) {
            out.deadLetter(deadLetter("empty record", origin, bytes, start, end - start));
            return;
        }
        int firstNewline = indexOf(bytes, (byte) '\n', start, textEnd);
        if (firstNewline < 0) {
            parseDocument(bytes, start, textEnd, origin, out);
            return;
        }
        int firstLineStart = JsonLayout.skipBlank(bytes, start, textEnd);
        int firstLineEnd = indexOf(bytes, (byte) '\n', firstLineStart, textEnd);
        JsonLayout layout =
                JsonLayout.ofFirstLine(factory(), bytes, firstLineStart, firstLineEnd < 0 ? textEnd : firstLineEnd);
        if (layout == JsonLayout.DOCUMENT) {
            parseDocument(bytes, start, textEnd, origin, out);
        } else if (layout == JsonLayout.UNDECIDED && textEnd - start <= maxRecordBytes) {
            JsonNode whole = readTreeOrNull(bytes, start, textEnd - start);
            if (whole != null) {
                dispatch(whole, origin, out);
            } else {
                parseLines(bytes, start, textEnd, origin, out);
            }
        } else {
            parseLines(bytes, start, textEnd, origin, out);
        }
    }

    private void parseLines(byte[] bytes, int start, int end, String origin, ParseOutput out) {
        int lineNumber = 1;
        int lineStart = start;
        while (lineStart <= end) {
            int newline = indexOf(bytes, (byte) '\n', lineStart, end);
            int lineEnd = newline < 0 ? end : newline;
            parseDocument(bytes, lineStart, lineEnd, (origin == null ? "" : origin) + ":" + lineNumber, out);
            if (newline < 0) {
                break;
            }
            lineStart = newline + 1;
            lineNumber++;
        }
    }

    /** One JSON text that is not split further by lines: a record, an envelope or a Records file. */
    private void parseDocument(byte[] bytes, int start, int end, String origin, ParseOutput out) {
        int first = JsonLayout.skipBlank(bytes, start, end);
        int last = end;
        while (last > first && JsonLayout.isBlank(bytes[last - 1])) {
            last--;
        }
        int length = last - first;
        if (length == 0) {
            out.deadLetter(deadLetter("empty record", origin, bytes, start, end - start));
            return;
        }
        if (length > maxRecordBytes) {
            if (!streamLargeRecordsFile(bytes, first, last, origin, out)) {
                out.deadLetter(deadLetter("record too large (" + length + " bytes)", origin, bytes, first, length));
            }
            return;
        }
        JsonNode tree;
        try {
            tree = reader().readTree(bytes, first, length);
        } catch (IOException | RuntimeException e) {
            out.deadLetter(deadLetter(jsonProblem(e), origin, bytes, first, length));
            return;
        }
        dispatch(tree, origin, out);
    }

    /**
     * A {@code {"Records": [...]}} file larger than one record may be: its elements are measured with
     * the streaming parser and only those within the bound become trees, so one huge element is one
     * dead letter and never a huge tree. Returns false when the text is not such a file.
     */
    private boolean streamLargeRecordsFile(byte[] bytes, int start, int end, String origin, ParseOutput out) {
        try (JsonParser parser = factory().createParser(bytes, start, end - start)) {
            if (parser.nextToken() != JsonToken.START_OBJECT
                    || parser.nextToken() != JsonToken.FIELD_NAME
                    || !"Records".equals(parser.currentName())
                    || parser.nextToken() != JsonToken.START_ARRAY) {
                return false;
            }
            int index = 0;
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    throw new JsonEndException();
                }
                int elementStart = start + (int) parser.currentTokenLocation().getByteOffset();
                parser.skipChildren();
                int elementEnd = start + (int) parser.currentLocation().getByteOffset();
                String elementOrigin = recordsOrigin(origin, index++);
                int elementLength = elementEnd - elementStart;
                if (elementLength > maxRecordBytes) {
                    out.deadLetter(deadLetter(
                            "record too large (" + elementLength + " bytes)",
                            elementOrigin,
                            bytes,
                            elementStart,
                            elementLength));
                } else {
                    JsonNode element = reader().readTree(bytes, elementStart, elementLength);
                    recordsElement(element, elementOrigin, out);
                }
            }
            if (parser.nextToken() != JsonToken.END_OBJECT) {
                out.deadLetter(deadLetter(
                        "Records file has fields after Records; only Records is read",
                        origin,
                        bytes,
                        start,
                        Math.min(end - start, DeadLetter.MAX_RAW_CHARS)));
            }
            return true;
        } catch (IOException | RuntimeException e) {
            out.deadLetter(deadLetter(
                    "Records file stops being valid JSON: " + jsonProblem(e), origin, bytes, start, end - start));
            return true;
        }
    }

    private void dispatch(JsonNode tree, String origin, ParseOutput out) {
        if (!tree.isObject()) {
            out.deadLetter(DeadLetter.of(
                    STAGE, "not a CloudTrail record: a JSON " + kind(tree), origin, tree.toString()));
            return;
        }
        JsonNode records = tree.get("Records");
        if (records != null) {
            if (!records.isArray()) {
                out.deadLetter(DeadLetter.of(
                        STAGE, "field Records is " + article(records) + ", expected an array", origin, tree.toString()));
                return;
            }
            int index = 0;
            for (JsonNode element : records) {
                recordsElement(element, recordsOrigin(origin, index++), out);
            }
            return;
        }
        JsonNode detailType = tree.get("detail-type");
        if (detailType != null) {
            envelope(tree, detailType, origin, out);
            return;
        }
        record(tree, origin, out);
    }

    private void recordsElement(JsonNode element, String origin, ParseOutput out) {
        if (element.isObject()) {
            record(element, origin, out);
        } else {
            out.deadLetter(DeadLetter.of(
                    STAGE, "not a CloudTrail record: a JSON " + kind(element), origin, element.toString()));
        }
    }

    private void envelope(JsonNode envelope, JsonNode detailType, String origin, ParseOutput out) {
        if (!detailType.isTextual()) {
            out.deadLetter(DeadLetter.of(
                    STAGE,
                    "field detail-type is " + article(detailType) + ", expected a string",
                    origin,
                    envelope.toString()));
            return;
        }
        String type = detailType.textValue();
        if (!type.endsWith(CLOUDTRAIL_DETAIL_TYPE_SUFFIX)) {
            out.deadLetter(DeadLetter.of(
                    STAGE,
                    "EventBridge detail-type " + quote(type) + " is not a CloudTrail record",
                    origin,
                    envelope.toString()));
            return;
        }
        JsonNode detail = envelope.get("detail");
        if (detail == null || !detail.isObject()) {
            out.deadLetter(DeadLetter.of(
                    STAGE,
                    detail == null
                            ? "EventBridge envelope has no detail"
                            : "field detail is " + article(detail) + ", expected an object",
                    origin,
                    envelope.toString()));
            return;
        }
        record(detail, origin, out);
    }

    private void record(JsonNode record, String origin, ParseOutput out) {
        String rawJson = record.toString();
        CloudTrailEvent event;
        try {
            event = RecordFields.toEvent(record, rawJson);
        } catch (RecordFields.Rejected rejected) {
            out.deadLetter(DeadLetter.of(STAGE, rejected.getMessage(), origin, rawJson));
            return;
        }
        out.event(event);
    }

    private JsonNode readTreeOrNull(byte[] bytes, int start, int length) {
        try {
            return reader().readTree(bytes, start, length);
        } catch (IOException | RuntimeException notOneDocument) {
            return null;
        }
    }

    private ObjectReader reader() {
        if (reader == null) {
            reader = EventJson.MAPPER
                    .reader()
                    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    // Two values for one key would let a rule and an alert read different things.
                    .with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        }
        return reader;
    }

    private JsonFactory factory() {
        return EventJson.MAPPER.getFactory();
    }

    private static DeadLetter deadLetter(String reason, String origin, byte[] bytes, int start, int length) {
        return DeadLetter.ofBytes(STAGE, reason, origin, bytes, start, length);
    }

    private static String jsonProblem(Exception e) {
        if (e instanceof JsonProcessingException) {
            JsonProcessingException json = (JsonProcessingException) e;
            String message = firstLine(json.getOriginalMessage());
            return json.getLocation() == null
                    ? "malformed JSON: " + message
                    : "malformed JSON at line " + json.getLocation().getLineNr() + " column "
                            + json.getLocation().getColumnNr() + ": " + message;
        }
        return "malformed JSON: " + firstLine(String.valueOf(e.getMessage()));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() <= 2 * MAX_QUOTED_CHARS ? line : line.substring(0, 2 * MAX_QUOTED_CHARS) + "...";
    }

    /** Input text inside a reason: quoted, cut short, control characters escaped. It is data. */
    static String quote(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder quoted = new StringBuilder(Math.min(text.length(), MAX_QUOTED_CHARS) + 8).append('"');
        for (int i = 0; i < text.length() && i < MAX_QUOTED_CHARS; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        if (text.length() > MAX_QUOTED_CHARS) {
            quoted.append("...");
        }
        return quoted.append('"').toString();
    }

    static String kind(JsonNode node) {
        switch (node.getNodeType()) {
            case ARRAY:
                return "array";
            case OBJECT:
                return "object";
            case STRING:
                return "string";
            case NUMBER:
                return "number";
            case BOOLEAN:
                return "boolean";
            case NULL:
                return "null";
            default:
                return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static String article(JsonNode node) {
        String kind = kind(node);
        return kind.equals("null") ? "null" : (kind.equals("array") || kind.equals("object") ? "an " : "a ") + kind;
    }

    private static String recordsOrigin(String origin, int index) {
        return (origin == null ? "" : origin) + "#Records[" + index + "]";
    }

    private static int indexOf(byte[] bytes, byte wanted, int start, int end) {
        for (int i = start; i < end; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** Ends the element loop of a truncated Records file with the same dead letter as other bad JSON. */
    private static final class JsonEndException extends IOException {
        private static final long serialVersionUID = 1L;

        JsonEndException() {
            super("unexpected end of input inside Records");
        }
    }
}
