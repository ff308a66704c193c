package io.trailwarden.cli;

import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.finding.SafeText;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.runtime.TechniqueCorpus;
import io.trailwarden.rules.runtime.TechniqueCoverage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "coverage",
        mixinStandardHelpOptions = true,
        description = {
            "Replay each attack technique of a labelled corpus through every rule (real parser, real compiled"
                    + " rules, local Flink) and print which rules find it.",
            "Exit code 1 when a technique is found by no rule or a corpus line is unreadable."
        })
final class RulesCoverageCommand extends ConfiguredCommand {
    @Parameters(arity = "0..1", paramLabel = "DIR",
            description = "Directory of rule files (default: the configured catalogue, TrailWarden.Rules.location).")
    Path directory;

    @Option(names = "--corpus", paramLabel = "FILE", defaultValue = "job/src/test/resources/corpus/stratus_detonation_logs.jsonl",
            description = "JSON lines of {\"technique\": NAME, \"event\": RECORD} (default: ${DEFAULT-VALUE}).")
    Path corpusFile;

    @Override
    protected int run(TrailWardenConfig loaded, PrintWriter out, PrintWriter err) throws Exception {
        if (!Files.isRegularFile(corpusFile)) {
            err.println(SafeText.safe(corpusFile.toString()) + " is not a file (give the corpus with --corpus FILE)");
            err.flush();
            return TrailWardenCli.USAGE;
        }
        List<Rule> rules = RuleDirectory.load(directory, loaded, err);
        if (rules == null) {
            return TrailWardenCli.FAILED;
        }
        TechniqueCorpus corpus = TechniqueCorpus.read(corpusFile);
        for (String problem : corpus.problems) {
            err.println(SafeText.safe(corpusFile + ":" + problem, 300));
        }
        Map<String, SortedSet<String>> coverage = TechniqueCoverage.of(rules, loaded.lists.lists, corpus,
                StreamExecutionEnvironment.createLocalEnvironment(2));
        int width = coverage.keySet().stream().mapToInt(String::length).max().orElse(0);
        width = Math.max(width, "TECHNIQUE".length());
        String format = "%-" + width + "s  %7s  %s%n";
        out.printf(format, "TECHNIQUE", "RECORDS", "RULES");
        long found = 0;
        for (Map.Entry<String, SortedSet<String>> row : coverage.entrySet()) {
            found += row.getValue().isEmpty() ? 0 : 1;
            out.printf(format, SafeText.safe(row.getKey(), 200), corpus.recordsByTechnique.get(row.getKey()).size(),
                    row.getValue().isEmpty() ? "NOT DETECTED" : SafeText.safe(String.join(", ", row.getValue()), 2000));
        }
        out.println();
        out.println(found + " of " + coverage.size() + " techniques detected by " + rules.size() + " rules");
        out.flush();
        err.flush();
        return found == coverage.size() && corpus.problems.isEmpty() ? TrailWardenCli.OK : TrailWardenCli.FAILED;
    }
}
