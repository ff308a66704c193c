package io.trailwarden.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The real CloudTrail records of {@code src/test/resources/corpus} (see its README for provenance). */
public final class Corpus {
    public static final int RECORD_COUNT = 312;
    public static final String JSON_LINES = "/corpus/stratus_detonation_logs.jsonl";
    public static final String RECORDS_FILE = "/corpus/stratus-detonations.cloudtrail.json";

    private Corpus() {}

    public static byte[] bytes(String resource) {
        try (InputStream in = Corpus.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path path(String resource) {
        try {
            return Paths.get(Corpus.class.getResource(resource).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JSON-lines wrappers {@code {"technique", "seq", "event", "source"}}, in file order. */
    public static List<JsonNode> wrappers() {
        String text = new String(bytes(JSON_LINES), StandardCharsets.UTF_8);
        List<JsonNode> wrappers = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                wrappers.add(EventJson.readTree(line));
            }
        }
        return wrappers;
    }

    /** Each raw CloudTrail record (the wrapper's {@code event}), as its own JSON text. */
    public static List<String> records() {
        List<String> records = new ArrayList<>();
        for (JsonNode wrapper : wrappers()) {
            records.add(wrapper.get("event").toString());
        }
        return records;
    }

    /** A deep copy of the first real record that matches. */
    public static ObjectNode first(Predicate<JsonNode> matching) {
        for (JsonNode wrapper : wrappers()) {
            if (matching.test(wrapper.get("event"))) {
                return (ObjectNode) wrapper.get("event").deepCopy();
            }
        }
        throw new IllegalStateException("no corpus record matches");
    }
}
