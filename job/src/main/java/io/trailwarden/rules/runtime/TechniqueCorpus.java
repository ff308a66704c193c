package io.trailwarden.rules.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.event.EventJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Attack records labelled with the technique that produced them: JSON lines of
 * {@code {"technique": NAME, "event": RECORD, ...}}, the shape of the corpus's
 * {@code stratus_detonation_logs.jsonl}. A line that is not of that shape is reported with its line
 * number, never skipped silently.
 */
public final class TechniqueCorpus {
    /** Longer lines are refused: a CloudTrail record is at most a few hundred KiB. */
    static final int MAX_LINE_CHARS = 1 << 20;

    /** Technique name to its raw records, in file order. */
    public final Map<String, List<String>> recordsByTechnique;
    /** One line per refused input line: {@code LINE: REASON}. */
    public final List<String> problems;

    private TechniqueCorpus(Map<String, List<String>> recordsByTechnique, List<String> problems) {
        this.recordsByTechnique = recordsByTechnique;
        this.problems = problems;
    }

    public static TechniqueCorpus read(Path file) throws IOException {
        Map<String, List<String>> records = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String problem = add(line, records);
                if (problem != null) {
                    problems.add(number + ": " + problem);
                }
            }
        }
        return new TechniqueCorpus(records, problems);
    }

    private static String add(String line, Map<String, List<String>> records) {
        if (line.length() > MAX_LINE_CHARS) {
            return "longer than " + MAX_LINE_CHARS + " characters";
        }
        JsonNode node;
        try {
            node = EventJson.MAPPER.readTree(line);
        } catch (IOException e) {
            return "not JSON";
        }
        JsonNode technique = node.path("technique");
        JsonNode event = node.path("event");
        if (!technique.isTextual() || technique.asText().isBlank()) {
            return "no \"technique\" text";
        }
        if (!event.isObject()) {
            return "no \"event\" object";
        }
        records.computeIfAbsent(technique.asText(), name -> new ArrayList<>()).add(event.toString());
        return null;
    }
}
