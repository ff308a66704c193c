package io.trailwarden.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.trailwarden.config.DetectionConfig;
import io.trailwarden.source.DecompressionBudget;
import io.trailwarden.source.Gzip;
import io.trailwarden.source.JsonLayout;
import io.trailwarden.source.RawInput;
import io.trailwarden.source.UnitBuffer;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns raw input units into {@link CloudTrailEvent}s, and everything it cannot use into
 * {@link DeadLetter}s with a specific reason. Accepts every input shape of DESIGN.md in any unit: the
 * EventBridge envelope (record under {@code detail}), a bare record, {@code {"Records": [...]}}, gzip,
 * one JSON document (pretty-printed or not) or JSON lines. Never throws for bad input and never returns
 * null; each bad record costs one dead letter and leaves its neighbours alone.
 *
 * <p>A gzip unit is inflated within the process's {@link DecompressionBudget}, the one the file readers
 * draw on, and holds its share until it is parsed: a Kinesis record or an inner layer of gzip inflates
 * under the same bound as a delivery file, so bombs side by side cannot together pass it.
 *
 * <p>Records are read with the streaming {@link RecordScanner}, never into a tree: the event carries its
 * record as bytes across the next network shuffle anyway, and rules that read untyped paths build the
 * tree from those bytes only when they need it.
 */
public final class CloudTrailParser implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String STAGE = "parse";
    /** The stage of records refused as not genuine: see {@link AdmissionPolicy}. */
    public static final String PROVENANCE_STAGE = "provenance";
    /**
     * The stage of records dated beyond the clock skew after the latest time they can have been written:
     * processing time, or their delivery file's delivery time ({@link AdmissionPolicy}).
     */
    public static final String FUTURE_DATED_STAGE = "future-dated";
    /** CloudTrail's own limit for an event is 256 KiB; 1 MiB leaves room for envelopes and growth. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1 << 20;

    private static final String CLOUDTRAIL_DETAIL_TYPE_SUFFIX = " via CloudTrail";
    private static final int MAX_QUOTED_CHARS = 120;
    /** Characters outside the basic plane as their UTF-8, as the record had them; see {@link #oneLineCopy}. */
    private static final ObjectWriter ONE_LINE =
            EventJson.MAPPER.writer().with(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8);

    /** Where parsed events and dead letters go; called in input order. */
    public interface ParseOutput {
        void event(CloudTrailEvent event);

        void deadLetter(DeadLetter deadLetter);
    }

    private final int maxRecordBytes;
    private final int maxUnitBytes;
    private final AdmissionPolicy admission;
    /** Not shipped with the parser: whichever process parses draws on its own budget. */
    private transient DecompressionBudget budget;

    /** Admits every input shape of any account, as archives are read; see {@link AdmissionPolicy#archives}. */
    public CloudTrailParser() {
        this(AdmissionPolicy.archives(DetectionConfig.defaults()));
    }

    public CloudTrailParser(AdmissionPolicy admission) {
        this(DEFAULT_MAX_RECORD_BYTES, RawInput.MAX_UNIT_BYTES, admission);
    }

    public CloudTrailParser(int maxRecordBytes) {
        this(maxRecordBytes, RawInput.MAX_UNIT_BYTES, AdmissionPolicy.archives(DetectionConfig.defaults()));
    }

    public CloudTrailParser(int maxRecordBytes, int maxUnitBytes) {
        this(maxRecordBytes, maxUnitBytes, AdmissionPolicy.archives(DetectionConfig.defaults()));
    }

    public CloudTrailParser(int maxRecordBytes, int maxUnitBytes, AdmissionPolicy admission) {
        this(maxRecordBytes, maxUnitBytes, admission, DecompressionBudget.PROCESS);
    }

    public CloudTrailParser(
            int maxRecordBytes, int maxUnitBytes, AdmissionPolicy admission, DecompressionBudget budget) {
        if (maxRecordBytes <= 0 || maxUnitBytes < maxRecordBytes) {
            throw new IllegalArgumentException(
                    "need 0 < maxRecordBytes <= maxUnitBytes, got " + maxRecordBytes + " and " + maxUnitBytes);
        }
        this.maxRecordBytes = maxRecordBytes;
        this.maxUnitBytes = maxUnitBytes;
        this.admission = admission;
        this.budget = budget;
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        budget = DecompressionBudget.PROCESS;
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
        AdmissionPolicy.EventTimeLimit limit = admission.eventTimeLimit(input.deliveryTimeMillis);
        if (Gzip.isGzip(bytes, 0, bytes.length)) {
            UnitBuffer inflated;
            try {
                inflated = Gzip.gunzip(bytes, 0, bytes.length, maxUnitBytes, budget);
            } catch (Gzip.TooLargeException e) {
                out.deadLetter(deadLetter("gzip input " + e.getMessage(), origin, bytes, 0, bytes.length));
                return;
            } catch (Gzip.RefusedException | InterruptedIOException e) {
                out.deadLetter(deadLetter("gzip input not inflated: " + e.getMessage(), origin, bytes, 0, bytes.length));
                return;
            } catch (IOException | RuntimeException e) {
                out.deadLetter(deadLetter(
                        "gzip input is corrupt: " + Gzip.describe(e), origin, bytes, 0, bytes.length));
                return;
            }
            try {
                parseText(inflated.array(), 0, inflated.length(), origin, limit, out);
            } finally {
                inflated.discard();
            }
            return;
        }
        parseText(bytes, 0, bytes.length, origin, limit, out);
    }

    /** Parses one unit into lists; for tests and the command line. */
    public ParseResult parseAll(RawInput input) {
        ParseResult result = new ParseResult();
        parse(input, result);
        return result;
    }

    private void parseText(
            byte[] bytes, int start, int end, String origin, AdmissionPolicy.EventTimeLimit limit, ParseOutput out) {
        // Blank lines at the end (the final newline and any after it) separate no records: not records.
        int textEnd = end;
        while (textEnd > start && JsonLayout.isBlank(bytes[textEnd - 1])) {
            textEnd--;
        }
        if (textEnd == start) {
            out.deadLetter(deadLetter("empty record", origin, bytes, start, end - start));
            return;
        }
        // Most units hold one record or envelope: tried as one value first, so the text is looked at
        // line by line only when it is not one (JSON lines, or bad input that the steps below explain).
        int textStart = JsonLayout.skipBlank(bytes, start, textEnd);
        if (textEnd - textStart <= maxRecordBytes) {
            RecordScanner.Document whole = scanOrNull(bytes, textStart, textEnd);
            if (whole != null) {
                dispatch(whole, bytes, origin, limit, out);
                return;
            }
        }
        int firstNewline = indexOf(bytes, (byte) '\n', start, textEnd);
        if (firstNewline < 0) {
            parseDocument(bytes, start, textEnd, origin, limit, out);
            return;
        }
        int firstLineEnd = indexOf(bytes, (byte) '\n', textStart, textEnd);
        JsonLayout layout =
                JsonLayout.ofFirstLine(factory(), bytes, textStart, firstLineEnd < 0 ? textEnd : firstLineEnd);
        // Undecided text within the size bound was tried as one document above: it is not one. Past the
        // bound, the two lines after the first decide, as they do for the file reader.
        boolean document = layout == JsonLayout.DOCUMENT || layout == JsonLayout.UNDECIDED
                && textEnd - textStart > maxRecordBytes
                && !JsonLayout.nextTwoLinesAreValues(factory(), bytes, firstLineEnd < 0 ? textEnd : firstLineEnd + 1, textEnd);
        if (document) {
            parseDocument(bytes, start, textEnd, origin, limit, out);
        } else {
            parseLines(bytes, start, textEnd, origin, limit, out);
        }
    }

    private void parseLines(
            byte[] bytes, int start, int end, String origin, AdmissionPolicy.EventTimeLimit limit, ParseOutput out) {
        int lineNumber = 1;
        int lineStart = start;
        while (lineStart <= end) {
            int newline = indexOf(bytes, (byte) '\n', lineStart, end);
            int lineEnd = newline < 0 ? end : newline;
            parseDocument(bytes, lineStart, lineEnd, (origin == null ? "" : origin) + ":" + lineNumber, limit, out);
            if (newline < 0) {
                break;
            }
            lineStart = newline + 1;
            lineNumber++;
        }
    }

    /** One JSON text that is not split further by lines: a record, an envelope or a Records file. */
    private void parseDocument(
            byte[] bytes, int start, int end, String origin, AdmissionPolicy.EventTimeLimit limit, ParseOutput out) {
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
            if (!streamLargeRecordsFile(bytes, first, last, origin, limit, out)) {
                out.deadLetter(deadLetter("record too large (" + length + " bytes)", origin, bytes, first, length));
            }
            return;
        }
        RecordScanner.Document document;
        try {
            document = RecordScanner.scan(bytes, first, last);
        } catch (IOException | RuntimeException e) {
            out.deadLetter(deadLetter(jsonProblem(e), origin, bytes, first, length));
            return;
        }
        dispatch(document, bytes, origin, limit, out);
    }

    /**
     * A {@code {"Records": [...]}} file larger than one record may be: its elements are measured first
     * and only those within the bound are scanned, so one huge element is one dead letter. Returns false
     * when the text is not such a file. The scan of each element is what checks its keys for duplicates.
     */
    private boolean streamLargeRecordsFile(
            byte[] bytes, int start, int end, String origin, AdmissionPolicy.EventTimeLimit limit, ParseOutput out) {
        try (JsonParser parser = RecordScanner.parser(bytes, start, end)) {
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
                // A string is only read up to its opening quote until asked for; its end is wanted here.
                parser.finishToken();
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
                    RecordScanner.Value element = RecordScanner.scan(bytes, elementStart, elementEnd).root;
                    recordsElement(element, bytes, elementOrigin, limit, out);
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

    private void dispatch(RecordScanner.Document document, byte[] bytes, String origin,
            AdmissionPolicy.EventTimeLimit limit, ParseOutput out) {
        RecordScanner.Value root = document.root;
        if (root.kind != JsonToken.START_OBJECT) {
            out.deadLetter(valueDeadLetter("not a CloudTrail record: a JSON " + kind(root.kind), origin, bytes, root));
            return;
        }
        if (document.recordsKind != null) {
            if (document.recordsKind != JsonToken.START_ARRAY) {
                out.deadLetter(valueDeadLetter(
                        "field Records is " + article(document.recordsKind) + ", expected an array", origin, bytes, root));
                return;
            }
            for (int index = 0; index < document.records.size(); index++) {
                recordsElement(document.records.get(index), bytes, recordsOrigin(origin, index), limit, out);
            }
            return;
        }
        if (document.detailType.kind != null) {
            envelope(document, bytes, origin, limit, out);
            return;
        }
        record(root, bytes, origin, null, limit, out);
    }

    private void recordsElement(RecordScanner.Value element, byte[] bytes, String origin,
            AdmissionPolicy.EventTimeLimit limit, ParseOutput out) {
        if (element.kind == JsonToken.START_OBJECT) {
            record(element, bytes, origin, null, limit, out);
        } else {
            out.deadLetter(valueDeadLetter("not a CloudTrail record: a JSON " + kind(element.kind), origin, bytes, element));
        }
    }

    private void envelope(RecordScanner.Document envelope, byte[] bytes, String origin,
            AdmissionPolicy.EventTimeLimit limit, ParseOutput out) {
        if (envelope.detailType.kind != JsonToken.VALUE_STRING) {
            out.deadLetter(valueDeadLetter(
                    "field detail-type is " + article(envelope.detailType.kind) + ", expected a string",
                    origin,
                    bytes,
                    envelope.root));
            return;
        }
        if (!envelope.detailType.text.endsWith(CLOUDTRAIL_DETAIL_TYPE_SUFFIX)) {
            out.deadLetter(valueDeadLetter(
                    "EventBridge detail-type " + quote(envelope.detailType.text) + " is not a CloudTrail record",
                    origin,
                    bytes,
                    envelope.root));
            return;
        }
        String source = envelope.source.text;
        if (source == null || !source.startsWith(AdmissionPolicy.AWS_SOURCE_PREFIX)) {
            out.deadLetter(DeadLetter.ofBytes(PROVENANCE_STAGE,
                    (source == null ? "EventBridge source is " + presence(envelope.source.kind)
                            : "EventBridge source " + quote(source))
                            + ": not an AWS service (only AWS sends events whose source starts with \""
                            + AdmissionPolicy.AWS_SOURCE_PREFIX + "\")",
                    origin, bytes, envelope.root.start, envelope.root.end - envelope.root.start));
            return;
        }
        if (envelope.account.text == null) {
            out.deadLetter(DeadLetter.ofBytes(PROVENANCE_STAGE,
                    "EventBridge account is " + presence(envelope.account.kind) + ", expected the record's account id",
                    origin, bytes, envelope.root.start, envelope.root.end - envelope.root.start));
            return;
        }
        RecordScanner.Value detail = envelope.detail;
        if (detail == null || detail.kind != JsonToken.START_OBJECT) {
            out.deadLetter(valueDeadLetter(
                    detail == null
                            ? "EventBridge envelope has no detail"
                            : "field detail is " + article(detail.kind) + ", expected an object",
                    origin,
                    bytes,
                    envelope.root));
            return;
        }
        record(detail, bytes, origin, envelope.account.text, limit, out);
    }

    /**
     * One record object, kept as {@code rawJson} byte for byte when it holds no line break, which is all
     * that one-line outputs (JSON lines, dead letters) need of it; spaces and tabs between tokens are
     * harmless there. Only a record that spans lines, from a pretty-printed document, is serialized
     * again onto one line.
     *
     * @param envelopeAccount the {@code account} of the EventBridge envelope around it; null for a bare
     *     record or an element of a {@code Records} file
     * @param limit the latest eventTime a genuine record of the unit can carry
     */
    private void record(RecordScanner.Value record, byte[] bytes, String origin, String envelopeAccount,
            AdmissionPolicy.EventTimeLimit limit, ParseOutput out) {
        // A unit that is exactly the record (a JSON line) is kept as it is: nothing writes to a unit's bytes.
        byte[] rawJson = !record.oneLine ? oneLineCopy(bytes, record.start, record.end)
                : record.start == 0 && record.end == bytes.length ? bytes
                : Arrays.copyOfRange(bytes, record.start, record.end);
        CloudTrailEvent event;
        try {
            event = record.fields.toEvent(rawJson);
        } catch (RecordFields.Rejected rejected) {
            out.deadLetter(DeadLetter.of(STAGE, rejected.getMessage(), origin, new String(rawJson, StandardCharsets.UTF_8)));
            return;
        }
        String refusal = provenanceRefusal(event, envelopeAccount);
        if (refusal != null) {
            out.deadLetter(DeadLetter.of(PROVENANCE_STAGE, refusal, origin, new String(rawJson, StandardCharsets.UTF_8)));
            return;
        }
        String futureDated = limit.refusal(event);
        if (futureDated != null) {
            out.deadLetter(DeadLetter.of(FUTURE_DATED_STAGE, futureDated, origin, new String(rawJson, StandardCharsets.UTF_8)));
            return;
        }
        out.event(event);
    }

    /** Why the admission policy refuses this record, or null when it admits it. */
    private String provenanceRefusal(CloudTrailEvent event, String envelopeAccount) {
        if (envelopeAccount == null && admission.envelopesOnly) {
            return "a bare record on a stream that takes only EventBridge envelopes"
                    + " (TrailWarden.Source.acceptBareRecords admits them)";
        }
        if (envelopeAccount != null && !envelopeAccount.equals(event.recipientAccountId)) {
            return "EventBridge account " + quote(envelopeAccount) + " differs from the record's recipientAccountId "
                    + quote(event.recipientAccountId);
        }
        if (!admission.expectedAccounts.isEmpty()
                && (event.recipientAccountId == null || !admission.expectedAccounts.contains(event.recipientAccountId))) {
            return "recipientAccountId " + quote(event.recipientAccountId)
                    + " is not one of the expected accounts (TrailWarden.Detection.expectedAccounts)";
        }
        return null;
    }

    /**
     * The scanner has accepted this text, so the tree reader accepts it too. Written as UTF-8 by Jackson,
     * which keeps half a surrogate pair as its escape; the JDK would encode it as {@code ?}, changing the
     * evidence and what rules read from it.
     */
    private static byte[] oneLineCopy(byte[] bytes, int start, int end) {
        try {
            return ONE_LINE.writeValueAsBytes(EventJson.MAPPER.readTree(bytes, start, end - start));
        } catch (IOException e) {
            throw new UncheckedIOException("text the scanner accepted is no longer valid JSON", e);
        }
    }

    private static RecordScanner.Document scanOrNull(byte[] bytes, int start, int end) {
        try {
            return RecordScanner.scan(bytes, start, end);
        } catch (IOException | RuntimeException notOneDocument) {
            return null;
        }
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

    static String kind(JsonToken token) {
        switch (token) {
            case START_ARRAY:
                return "array";
            case START_OBJECT:
                return "object";
            case VALUE_STRING:
                return "string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "boolean";
            case VALUE_NULL:
                return "null";
            default:
                return token.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The kind with its article as a reason reads it: "a string", "an object", "null". */
    static String article(JsonToken token) {
        String kind = kind(token);
        return kind.equals("null") ? "null" : (kind.equals("array") || kind.equals("object") ? "an " : "a ") + kind;
    }

    /** How a field that should be a string is not: missing, or the kind it is instead. */
    private static String presence(JsonToken kind) {
        return kind == null ? "missing" : article(kind);
    }

    /** A dead letter keeping the value's own text, as it arrived. */
    private static DeadLetter valueDeadLetter(String reason, String origin, byte[] bytes, RecordScanner.Value value) {
        return deadLetter(reason, origin, bytes, value.start, value.end - value.start);
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
