package io.trailwarden.rules.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.EventJson;
import io.trailwarden.event.ParseResult;
import io.trailwarden.rules.model.RuleTestCase;
import io.trailwarden.source.RawInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Real CloudTrail records that rule tests may name by eventID instead of pasting them
 * ({@code {corpus: EVENT_ID, set: {PATH: VALUE}}}): files in any input shape the parser reads.
 */
public final class TestCorpus {
    /** The repository's copy of the Stratus Red Team detonation records, relative to the repository root. */
    public static final String REPOSITORY_CORPUS = "job/src/test/resources/corpus/stratus-detonations.cloudtrail.json";

    private final Map<String, String> recordsById = new HashMap<>();
    private final String description;

    private TestCorpus(String description) {
        this.description = description;
    }

    public static TestCorpus empty() {
        return new TestCorpus("no corpus file given");
    }

    public static TestCorpus load(List<Path> files) throws IOException {
        TestCorpus corpus = new TestCorpus(files.toString());
        CloudTrailParser parser = new CloudTrailParser();
        for (Path file : files) {
            ParseResult parsed = parser.parseAll(RawInput.of(file.toString(), Files.readAllBytes(file)));
            for (CloudTrailEvent event : parsed.events) {
                if (event.eventId != null) {
                    corpus.recordsById.putIfAbsent(event.eventId, event.rawJson());
                }
            }
        }
        return corpus;
    }

    public int size() {
        return recordsById.size();
    }

    /** The record with the overrides applied; throws when the corpus has no such record. */
    String record(RuleTestCase.CorpusRecord reference) {
        String raw = recordsById.get(reference.eventId);
        if (raw == null) {
            throw new IllegalArgumentException("no record with eventID " + reference.eventId + " in the corpus ("
                    + description + ")");
        }
        if (reference.set.isEmpty()) {
            return raw;
        }
        ObjectNode record = (ObjectNode) EventJson.readTree(raw);
        for (Map.Entry<String, String> override : reference.set.entrySet()) {
            set(record, override.getKey().split("\\."), EventJson.readTree(override.getValue()));
        }
        return record.toString();
    }

    private static void set(ObjectNode record, String[] path, JsonNode value) {
        ObjectNode node = record;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode child = node.get(path[i]);
            node = child instanceof ObjectNode ? (ObjectNode) child : node.putObject(path[i]);
        }
        node.set(path[path.length - 1], value);
    }
}
