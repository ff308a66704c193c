package io.trailwarden.event;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one JSON text (a record, an EventBridge envelope or a {@code {"Records": [...]}} file) in a
 * single pass of Jackson's streaming parser, capturing only what the parser needs: the typed
 * {@link RecordFields} of every record in it and where each record lies in the bytes. Nothing else is
 * materialised: every other value is skipped token by token. Building a tree of each record cost about
 * a quarter of the parse stage's CPU, and the tree was thrown away at the next network shuffle.
 *
 * <p>Skipping still tokenises, so the whole text is validated exactly as a tree reader would: any
 * malformed JSON, a duplicate key at any depth (two values for one key would let a rule and an alert
 * read different things) and anything after the value are rejected with an {@link IOException}. What
 * the scanner accepts is therefore also accepted by {@link EventJson#readTree(byte[])}, which rules use
 * to read untyped paths later.
 */
final class RecordScanner {
    private RecordScanner() {}

    /** A value of the text: its JSON kind, its byte range, and its record fields if it is an object. */
    static final class Value {
        final JsonToken kind;
        final int start;
        final int end;
        /** Non-null exactly when {@link #kind} is {@link JsonToken#START_OBJECT}. */
        final RecordFields fields;

        Value(JsonToken kind, int start, int end, RecordFields fields) {
            this.kind = kind;
            this.start = start;
            this.end = end;
            this.fields = fields;
        }
    }

    /** What one text turned out to hold; which of it matters depends on the root's top-level keys. */
    static final class Document {
        Value root;
        /** The kind of the root's {@code Records} value, null when there is none. */
        JsonToken recordsKind;
        /** The elements of {@code Records} when it is an array. */
        final List<Value> records = new ArrayList<>();
        JsonToken detailTypeKind;
        String detailType;
        Value detail;
    }

    /** Scans {@code [start, end)}, which must hold exactly one JSON value. */
    static Document scan(byte[] bytes, int start, int end) throws IOException {
        try (JsonParser parser = strictParser(bytes, start, end)) {
            Document document = new Document();
            JsonToken rootKind = parser.nextToken();
            if (rootKind == JsonToken.START_OBJECT) {
                RecordFields fields = new RecordFields();
                readRoot(parser, start, fields, document);
                document.root = new Value(rootKind, start, end, fields);
            } else {
                parser.skipChildren();
                document.root = new Value(rootKind, start, end, null);
            }
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw new JsonParseException(parser, "Trailing token (of type " + trailing + ") found after the value");
            }
            return document;
        }
    }

    /**
     * A parser over {@code [start, end)} that rejects duplicate keys, also inside skipped values;
     * offsets of its locations are relative to {@code start}.
     */
    static JsonParser strictParser(byte[] bytes, int start, int end) throws IOException {
        JsonParser parser = EventJson.MAPPER.getFactory().createParser(bytes, start, end - start);
        parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return parser;
    }

    /** The root object: read as a record, and as an envelope or a Records file, until it is known which. */
    private static void readRoot(JsonParser parser, int base, RecordFields fields, Document document)
            throws IOException {
        String key;
        while ((key = parser.nextFieldName()) != null) {
            JsonToken kind = parser.nextToken();
            switch (key) {
                case "Records":
                    document.recordsKind = kind;
                    if (kind == JsonToken.START_ARRAY) {
                        readElements(parser, base, document.records);
                    } else {
                        parser.skipChildren();
                    }
                    break;
                case "detail-type":
                    document.detailTypeKind = kind;
                    document.detailType = kind == JsonToken.VALUE_STRING ? parser.getText() : null;
                    parser.skipChildren();
                    break;
                case "detail":
                    document.detail = readValue(parser, base);
                    break;
                default:
                    readField(parser, fields, RecordFields.Field.child(null, key), kind);
            }
        }
    }

    private static void readElements(JsonParser parser, int base, List<Value> elements) throws IOException {
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            elements.add(readValue(parser, base));
        }
    }

    /** The value at the current token, read as a record if it is an object; leaves the parser on its end. */
    private static Value readValue(JsonParser parser, int base) throws IOException {
        JsonToken kind = parser.currentToken();
        int start = base + (int) parser.currentTokenLocation().getByteOffset();
        RecordFields fields = null;
        if (kind == JsonToken.START_OBJECT) {
            fields = new RecordFields();
            readObject(parser, fields, null);
        } else {
            parser.skipChildren();
            // A string is only read up to its opening quote until asked for; its end is wanted here.
            parser.finishToken();
        }
        return new Value(kind, start, base + (int) parser.currentLocation().getByteOffset(), fields);
    }

    /** The keys of the object just opened, whose own field is {@code parent} (null for a record). */
    private static void readObject(JsonParser parser, RecordFields fields, RecordFields.Field parent)
            throws IOException {
        String key;
        while ((key = parser.nextFieldName()) != null) {
            JsonToken kind = parser.nextToken();
            readField(parser, fields, RecordFields.Field.child(parent, key), kind);
        }
    }

    private static void readField(JsonParser parser, RecordFields fields, RecordFields.Field field, JsonToken kind)
            throws IOException {
        if (field == null) {
            parser.skipChildren();
            return;
        }
        fields.set(field, kind, kind == JsonToken.VALUE_STRING ? parser.getText() : null);
        if (kind == JsonToken.START_OBJECT && field.hasChildren()) {
            readObject(parser, fields, field);
        } else {
            parser.skipChildren();
        }
    }
}
