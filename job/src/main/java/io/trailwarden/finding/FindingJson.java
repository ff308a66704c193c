package io.trailwarden.finding;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Writes the documents of finding.schema.json ({@link FindingDocument}, {@link AuditRecord},
 * {@link DeadLetterRecord}) as JSON: one line each for JSON-lines outputs, indented for the alert.
 *
 * <p>Valid JSON may still carry U+202E, U+2028 or ESC raw, and a reader that shows the value (a log
 * console, a browser, a terminal running {@code jq}) would act on them; U+2028 also ends a line in
 * JavaScript. So every character {@link SafeText#isHidden} names, and {@code < > &} (so {@code </script>}
 * cannot close an HTML block a value is pasted into), is written as a {@code \\uXXXX} escape. Parsing
 * gives the original string back: the escape changes how a value is written, never what it is.
 */
public final class FindingJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

    static {
        MAPPER.getFactory().setCharacterEscapes(new HiddenCharacterEscapes());
    }

    private FindingJson() {}

    /** One line: a JSON-lines record. */
    public static String line(Object document) {
        try {
            return MAPPER.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a document is plain data and always serialises", e);
        }
    }

    /** Indented, for people reading an alert. */
    public static String indented(Object document) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a document is plain data and always serialises", e);
        }
    }

    private static final class HiddenCharacterEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii = standardAsciiEscapesForJSON();

        HiddenCharacterEscapes() {
            ascii['<'] = ESCAPE_STANDARD;
            ascii['>'] = ESCAPE_STANDARD;
            ascii['&'] = ESCAPE_STANDARD;
            ascii[0x7F] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        /** Called for each char above ASCII; surrogates arrive one half at a time and are escaped as such. */
        @Override
        public SerializableString getEscapeSequence(int ch) {
            return SafeText.isHidden(ch) ? new SerializedString(String.format("\\u%04X", ch)) : null;
        }
    }
}
