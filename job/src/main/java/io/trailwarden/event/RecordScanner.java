package io.trailwarden.event;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads one JSON text (a record, an EventBridge envelope or a {@code {"Records": [...]}} file) in a
 * single pass of Jackson's streaming parser, capturing only what the parser needs: the typed
 * {@link RecordFields} of every record in it and where each record lies in the bytes. Nothing else is
 * materialised. Building a tree of each record cost about a quarter of the parse stage's CPU, and the
 * tree was thrown away at the next network shuffle.
 *
 * <p>Skipped values are still read token by token, so the whole text is validated exactly as a tree
 * reader would: any malformed JSON, a duplicate key at any depth (two values for one key would let a
 * rule and an alert read different things) and anything after the value are rejected with an
 * {@link IOException}. What the scanner accepts is therefore also accepted by
 * {@link EventJson#readTree(byte[])}, which rules use to read untyped paths later.
 */
final class RecordScanner {
    private final JsonParser parser;
    /** Where the parser's byte offsets start in the array. */
    private final int base;
    private final ObjectKeys keys = new ObjectKeys();

    private RecordScanner(JsonParser parser, int base) {
        this.parser = parser;
        this.base = base;
    }

    /** A value of the text: its JSON kind, its byte range, and its record fields if it is an object. */
    static final class Value {
        final JsonToken kind;
        final int start;
        final int end;
        /** Non-null exactly when {@link #kind} is {@link JsonToken#START_OBJECT}. */
        final RecordFields fields;
        /**
         * Whether the value's text holds no line break. Jackson counts the lines it passes anyway, and a
         * JSON string cannot hold a raw LF or CR, so this costs no pass of its own. Only objects are
         * asked, and only once the parser has left them.
         */
        final boolean oneLine;

        Value(JsonToken kind, int start, int end, RecordFields fields, boolean oneLine) {
            this.kind = kind;
            this.start = start;
            this.end = end;
            this.fields = fields;
            this.oneLine = oneLine;
        }
    }

    /** What one text turned out to hold; which of it matters depends on the root's top-level keys. */
    static final class Document {
        Value root;
        /** The kind of the root's {@code Records} value, null when there is none. */
        JsonToken recordsKind;
        /** The elements of {@code Records} when it is an array. */
        final List<Value> records = new ArrayList<>();
        final Scalar detailType = new Scalar();
        Value detail;
        /** The envelope's {@code source} and {@code account}, which show who sent it. */
        final Scalar source = new Scalar();
        final Scalar account = new Scalar();
    }

    /** A top-level field read for its kind (null when absent) and, when it is a string, its text. */
    static final class Scalar {
        JsonToken kind;
        String text;
    }

    /** Scans {@code [start, end)}, which must hold exactly one JSON value. */
    static Document scan(byte[] bytes, int start, int end) throws IOException {
        try (JsonParser parser = parser(bytes, start, end)) {
            return new RecordScanner(parser, start).document(end);
        }
    }

    /**
     * A parser over {@code [start, end)}; offsets of its locations are relative to {@code start}. It
     * does not look for duplicate keys: Jackson's own detection allocates a set for every object with
     * more than two keys, which cost a quarter of the scan, so {@link ObjectKeys} does it here.
     */
    static JsonParser parser(byte[] bytes, int start, int end) throws IOException {
        return EventJson.MAPPER.getFactory().createParser(bytes, start, end - start);
    }

    private Document document(int end) throws IOException {
        Document document = new Document();
        JsonToken rootKind = parser.nextToken();
        int startLine = parser.currentTokenLocation().getLineNr();
        RecordFields fields = null;
        if (rootKind == JsonToken.START_OBJECT) {
            fields = new RecordFields();
            readRoot(fields, document);
        } else {
            skipValue();
        }
        boolean oneLine = parser.currentLocation().getLineNr() == startLine;
        document.root = new Value(rootKind, base, end, fields, oneLine);
        JsonToken trailing = parser.nextToken();
        if (trailing != null) {
            throw new JsonParseException(parser, "Trailing token (of type " + trailing + ") found after the value");
        }
        return document;
    }

    /** The root object: read as a record, and as an envelope or a Records file, until it is known which. */
    private void readRoot(RecordFields fields, Document document) throws IOException {
        int mark = keys.open();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            keys.add(mark, key, parser);
            JsonToken kind = parser.nextToken();
            switch (key) {
                case "Records":
                    document.recordsKind = kind;
                    if (kind == JsonToken.START_ARRAY) {
                        readElements(document.records);
                    } else {
                        skipValue();
                    }
                    break;
                case "detail-type":
                    readScalar(document.detailType, kind);
                    break;
                case "detail":
                    document.detail = readValue();
                    break;
                case "source":
                    readScalar(document.source, kind);
                    break;
                case "account":
                    readScalar(document.account, kind);
                    break;
                default:
                    readField(fields, RecordFields.Field.child(null, key), kind);
            }
        }
        keys.close(mark);
    }

    private void readScalar(Scalar scalar, JsonToken kind) throws IOException {
        scalar.kind = kind;
        scalar.text = kind == JsonToken.VALUE_STRING ? text() : null;
        skipValue();
    }

    private void readElements(List<Value> elements) throws IOException {
        while (next() != JsonToken.END_ARRAY) {
            elements.add(readValue());
        }
    }

    /** The value at the current token, read as a record if it is an object; leaves the parser on its end. */
    private Value readValue() throws IOException {
        JsonToken kind = parser.currentToken();
        JsonLocation startLocation = parser.currentTokenLocation();
        RecordFields fields = null;
        if (kind == JsonToken.START_OBJECT) {
            fields = new RecordFields();
            readObject(fields, null);
        } else {
            skipValue();
            // A string is only read up to its opening quote until asked for; its end is wanted here.
            parser.finishToken();
        }
        JsonLocation endLocation = parser.currentLocation();
        return new Value(
                kind,
                base + (int) startLocation.getByteOffset(),
                base + (int) endLocation.getByteOffset(),
                fields,
                endLocation.getLineNr() == startLocation.getLineNr());
    }

    /** The keys of the object just opened, whose own field is {@code parent} (null for a record). */
    private void readObject(RecordFields fields, RecordFields.Field parent) throws IOException {
        int mark = keys.open();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            keys.add(mark, key, parser);
            JsonToken kind = parser.nextToken();
            readField(fields, RecordFields.Field.child(parent, key), kind);
        }
        keys.close(mark);
    }

    private void readField(RecordFields fields, RecordFields.Field field, JsonToken kind) throws IOException {
        if (field == null) {
            skipValue();
            return;
        }
        fields.set(field, kind, kind == JsonToken.VALUE_STRING ? text() : null);
        if (kind == JsonToken.START_OBJECT && field.hasChildren()) {
            readObject(fields, field);
        } else {
            skipValue();
        }
    }

    /**
     * The current string as valid Unicode. JSON may escape half of a surrogate pair ({@code "\ud800"})
     * and Jackson keeps it, but it has no UTF-8: the JDK encodes it as {@code ?}, so the event's
     * serializer would hand the far side of a shuffle another arn than the near side keyed it by (a
     * key outside the subtask's key groups, which fails the job), and alerts another value than rules
     * matched. Replaced here by U+FFFD, as a UTF-8 decoder does, every string of the event means one
     * thing everywhere; the record's bytes keep the escape. The JDK has no call that does this without
     * copying every string, so strings are scanned, and copied only when they hold such a half.
     */
    private String text() throws IOException {
        String text = parser.getText();
        int lone = nextLoneSurrogate(text, 0);
        if (lone == text.length()) {
            return text;
        }
        char[] chars = text.toCharArray();
        for (; lone < chars.length; lone = nextLoneSurrogate(text, lone + 1)) {
            chars[lone] = '\uFFFD';
        }
        return new String(chars);
    }

    /** Where the first surrogate at or after {@code from} that is not half of a pair is; the length when none is. */
    private static int nextLoneSurrogate(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return text.length();
    }

    /**
     * Reads past the value at the current token without keeping it, checking its keys. Recursion is
     * bounded: Jackson rejects nesting deeper than its limit (1000) before we get there.
     */
    private void skipValue() throws IOException {
        JsonToken kind = parser.currentToken();
        if (kind == JsonToken.START_OBJECT) {
            int mark = keys.open();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                keys.add(mark, parser.currentName(), parser);
                parser.nextToken();
                skipValue();
            }
            keys.close(mark);
        } else if (kind == JsonToken.START_ARRAY) {
            while (next() != JsonToken.END_ARRAY) {
                skipValue();
            }
        }
    }

    /** The next token, where the text cannot end yet (Jackson reports that itself; this is a backstop). */
    private JsonToken next() throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            throw new JsonParseException(parser, "Unexpected end-of-input inside a value");
        }
        return token;
    }

    /**
     * The keys of the objects currently open, to reject a key an object already has. One stack of keys
     * for all nesting levels, reused for every object: CloudTrail objects are small, and a linear look
     * through a few keys costs less than the set Jackson would allocate for each. An object with more
     * keys than {@link #LINEAR_LIMIT} gets a set, so a hostile object with many keys stays linear.
     */
    private static final class ObjectKeys {
        private static final int LINEAR_LIMIT = 32;

        private String[] stack = new String[64];
        private int top;
        /** Per open object (by depth), its set once it outgrew the linear look; else null. */
        private Set<String>[] sets = newSets(16);
        private int depth;

        @SuppressWarnings("unchecked")
        private static Set<String>[] newSets(int size) {
            return new Set[size];
        }

        /** Opens an object; the mark returned identifies it in {@link #add} and {@link #close}. */
        int open() {
            depth++;
            if (depth == sets.length) {
                sets = Arrays.copyOf(sets, 2 * sets.length);
            }
            return top;
        }

        void close(int mark) {
            top = mark;
            sets[depth] = null;
            depth--;
        }

        /** Adds a key of the innermost open object, whose keys lie from {@code mark} to the top. */
        void add(int mark, String key, JsonParser parser) throws JsonParseException {
            Set<String> set = sets[depth];
            if (set != null) {
                if (!set.add(key)) {
                    throw duplicate(key, parser);
                }
                return;
            }
            // Jackson shares one String per name, so its hash is computed once and most unequal keys
            // differ in it; equals then only confirms.
            int hash = key.hashCode();
            for (int i = mark; i < top; i++) {
                if (stack[i].hashCode() == hash && stack[i].equals(key)) {
                    throw duplicate(key, parser);
                }
            }
            if (top - mark == LINEAR_LIMIT) {
                set = new HashSet<>(Arrays.asList(stack).subList(mark, top));
                set.add(key);
                sets[depth] = set;
                return;
            }
            if (top == stack.length) {
                stack = Arrays.copyOf(stack, 2 * stack.length);
            }
            stack[top++] = key;
        }

        private static JsonParseException duplicate(String key, JsonParser parser) {
            return new JsonParseException(parser, "Duplicate field '" + key + "'");
        }
    }
}
