package io.trailwarden.rules.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TechniqueCorpusTest {
    @Test
    void recordsAreGroupedByTechniqueInFileOrder(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("corpus.jsonl");
        Files.writeString(file, "{\"technique\": \"b\", \"event\": {\"eventName\": \"One\"}}\n\n"
                + "{\"technique\": \"a\", \"event\": {\"eventName\": \"Two\"}}\n"
                + "{\"technique\": \"b\", \"event\": {\"eventName\": \"Three\"}}\n");

        TechniqueCorpus corpus = TechniqueCorpus.read(file);

        assertThat(corpus.recordsByTechnique.keySet()).containsExactly("b", "a");
        assertThat(corpus.recordsByTechnique.get("b")).containsExactly("{\"eventName\":\"One\"}", "{\"eventName\":\"Three\"}");
        assertThat(corpus.problems).isEmpty();
    }

    @Test
    void everyUnreadableLineIsReportedWithItsNumberAndTheRestIsKept(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("corpus.jsonl");
        Files.writeString(file, "not json\n"
                + "{\"event\": {\"eventName\": \"X\"}}\n"
                + "{\"technique\": \"t\", \"event\": \"a string\"}\n"
                + "{\"technique\": \"t\", \"event\": {\"eventName\": \"" + "x".repeat(TechniqueCorpus.MAX_LINE_CHARS) + "\"}}\n"
                + "{\"technique\": \"t\", \"event\": {\"eventName\": \"Kept\"}}\n");

        TechniqueCorpus corpus = TechniqueCorpus.read(file);

        assertThat(corpus.problems).containsExactly("1: not JSON", "2: no \"technique\" text", "3: no \"event\" object",
                "4: longer than " + TechniqueCorpus.MAX_LINE_CHARS + " characters");
        assertThat(corpus.recordsByTechnique.get("t")).containsExactly("{\"eventName\":\"Kept\"}");
    }
}
