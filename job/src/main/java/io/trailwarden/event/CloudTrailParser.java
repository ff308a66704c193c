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
import java.nio.charset.StandardCharsets;

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

    /**
     * Parses one unit, emitting every event and dead letter it holds to {@code out}. An exception
     * thrown by {@code out} itself (a failing downstream operator) propagates; anything else going
     * wrong inside the parser becomes a dead letter, so a parser bug cannot stop the job either.
     */
    public void parse(RawInput input, ParseOutput out) {
        GuardedOutput guarded = new GuardedOutput(out);
        try {
            parseUnit(input, guarded);
        } catch (RuntimeException e) {
            if (guarded.failed) {
                throw e;
            }
            byte[] bytes = input == null || input.bytes == null ? new byte[0] : input.bytes;
            out.deadLetter(deadLetter("parser failure: " + e, input == null ? null : input.origin, bytes, 0, bytes.length));
        }
    }

    private void parseUnit(RawInput input, ParseOutput out) {
        String origin = input == null ? null : input.origin;
        byte[] bytes = input == null ? null : input.bytes;
        if (input != null && input.readError != null) {
            out.deadLetter(DeadLetter.ofBytes(STAGE, "unreadable input: " + input.readError, origin,
                    bytes == null ? new byte[0] : bytes, 0, bytes == null ? 0 : bytes.length));
            return;
        }
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
                        "gzip input is corrupt: " + Gzip.describe(e), origin, bytes, 0, bytes.length));
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
        // The common unit, one compact record or envelope, is recognised in the same pass that
        // shows it needs no re-serializing; only other text is searched for line breaks.
        int textStart = JsonLayout.skipBlank(bytes, start, textEnd);
        if (new JsonSlices(bytes).isCompactValue(textStart, textEnd)) {
            parseDocument(bytes, textStart, textEnd, origin, out, true);
            return;
        }
        int firstNewline = indexOf(bytes, (byte) '\n', start, textEnd);
        if (firstNewline < 0) {
            parseDocument(bytes, start, textEnd, origin, out, false);
            return;
        }
        int firstLineStart = JsonLayout.skipBlank(bytes, start, textEnd);
        int firstLineEnd = indexOf(bytes, (byte) '\n', firstLineStart, textEnd);
        JsonLayout layout =
                JsonLayout.ofFirstLine(factory(), bytes, firstLineStart, firstLineEnd < 0 ? textEnd : firstLineEnd);
        if (layout == JsonLayout.DOCUMENT) {
            parseDocument(bytes, start, textEnd, origin, out, false);
        } else if (layout == JsonLayout.UNDECIDED && textEnd - firstLineStart <= maxRecordBytes) {
            JsonNode whole = readTreeOrNull(bytes, firstLineStart, textEnd - firstLineStart);
            if (whole != null) {
                dispatch(whole, bytes, firstLineStart, textEnd, false, origin, out);
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
            parseDocument(bytes, lineStart, lineEnd, (origin == null ? "" : origin) + ":" + lineNumber, out, false);
            if (newline < 0) {
                break;
            }
            lineStart = newline + 1;
            lineNumber++;
        }
    }

    /**
     * One JSON text that is not split further by lines: a record, an envelope or a Records file.
     * {@code compact}: the text is already known to be one value without whitespace.
     */
    private void parseDocument(byte[] bytes, int start, int end, String origin, ParseOutput out, boolean compact) {
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
            if (!streamLargeRecordsFile(bytes, first, last, compact, origin, out)) {
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
        dispatch(tree, bytes, first, last, compact, origin, out);
    }

    /**
     * A {@code {"Records": [...]}} file larger than one record may be: its elements are measured with
     * the streaming parser and only those within the bound become trees, so one huge element is one
     * dead letter and never a huge tree. Returns false when the text is not such a file.
     */
    private boolean streamLargeRecordsFile(
            byte[] bytes, int start, int end, boolean compact, String origin, ParseOutput out) {
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
                    recordsElement(element, bytes, elementStart, elementEnd, compact, elementOrigin, out);
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
        } catch (IOException e) {
            out.deadLetter(deadLetter(
                    "Records file stops being valid JSON: " + jsonProblem(e), origin, bytes, start, end - start));
            return true;
        }
    }

    /** {@code [start, end)} is the text {@code tree} was read from, trimmed; {@code compact} as known. */
    private void dispatch(
            JsonNode tree, byte[] bytes, int start, int end, boolean compact, String origin, ParseOutput out) {
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
            int[] ranges = elementRanges(bytes, start, end, records.size());
            for (int index = 0; index < records.size(); index++) {
                recordsElement(
                        records.get(index),
                        bytes,
                        ranges == null ? -1 : ranges[2 * index],
                        ranges == null ? -1 : ranges[2 * index + 1],
                        compact,
                        recordsOrigin(origin, index),
                        out);
            }
            return;
        }
        JsonNode detailType = tree.get("detail-type");
        if (detailType != null) {
            envelope(tree, detailType, bytes, start, end, compact, origin, out);
            return;
        }
        record(tree, bytes, start, end, compact, origin, out);
    }

    private static int[] elementRanges(byte[] bytes, int start, int end, int expectedCount) {
        JsonSlices slices = new JsonSlices(bytes);
        int[] array = slices.member(start, end, "Records");
        int[] ranges = array == null ? null : slices.elements(array[0], array[1]);
        return ranges != null && ranges.length == 2 * expectedCount ? ranges : null;
    }

    private void recordsElement(
            JsonNode element, byte[] bytes, int start, int end, boolean compact, String origin, ParseOutput out) {
        if (element.isObject()) {
            record(element, bytes, start, end, compact, origin, out);
        } else {
            out.deadLetter(DeadLetter.of(
                    STAGE, "not a CloudTrail record: a JSON " + kind(element), origin, element.toString()));
        }
    }

    private void envelope(
            JsonNode envelope,
            JsonNode detailType,
            byte[] bytes,
            int start,
            int end,
            boolean compact,
            String origin,
            ParseOutput out) {
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
        int[] range = new JsonSlices(bytes).member(start, end, "detail");
        record(detail, bytes, range == null ? -1 : range[0], range == null ? -1 : range[1], compact, origin, out);
    }

    /**
     * One record object; {@code [start, end)} is its text when known (else start is -1), kept as
     * {@code rawJson} when it is compact: known to be ({@code compact}) or found to be.
     */
    private void record(
            JsonNode record, byte[] bytes, int start, int end, boolean compact, String origin, ParseOutput out) {
        String rawJson = start >= 0 && (compact || new JsonSlices(bytes).isCompactValue(start, end))
                ? new String(bytes, start, end - start, StandardCharsets.UTF_8)
                : record.toString();
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

    /** Tells an exception of the parser from one thrown by whoever receives its output. */
    private static final class GuardedOutput implements ParseOutput {
        private final ParseOutput delegate;
        private boolean failed;

        GuardedOutput(ParseOutput delegate) {
            this.delegate = delegate;
        }

        @Override
        public void event(CloudTrailEvent event) {
            try {
                delegate.event(event);
            } catch (RuntimeException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public void deadLetter(DeadLetter deadLetter) {
            try {
                delegate.deadLetter(deadLetter);
            } catch (RuntimeException e) {
                failed = true;
                throw e;
            }
        }
    }

    /** Ends the element loop of a truncated Records file with the same dead letter as other bad JSON. */
    private static final class JsonEndException extends IOException {
        private static final long serialVersionUID = 1L;

        JsonEndException() {
            super("unexpected end of input inside Records");
        }
    }
}
