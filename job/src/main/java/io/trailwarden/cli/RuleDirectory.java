package io.trailwarden.cli;

import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.finding.SafeText;
import io.trailwarden.rules.load.RuleLoader;
import io.trailwarden.rules.model.InvalidRulesException;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.model.RuleError;
import io.trailwarden.rules.runtime.RuleCatalogue;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Loads the catalogue a command names (a directory, else the configured location) and reports its errors. */
final class RuleDirectory {
    private RuleDirectory() {}

    static String describe(Path directory, TrailWardenConfig config) {
        return directory != null ? directory.toString()
                : "the configured catalogue (" + config.rules.location + ")";
    }

    /** The loaded rules, or null after printing every error (or the reason nothing could be read). */
    static List<Rule> load(Path directory, TrailWardenConfig config, PrintWriter err) throws IOException {
        List<RuleLoader.Source> sources;
        if (directory != null) {
            if (!Files.isDirectory(directory)) {
                err.println(SafeText.safe(directory.toString()) + " is not a directory");
                err.flush();
                return null;
            }
            sources = RuleLoader.readDirectory(directory);
        } else {
            try {
                sources = RuleCatalogue.sources(config.rules.location, config.aws);
            } catch (IOException e) {
                err.println(SafeText.safe(e.getMessage(), 1000));
                err.flush();
                return null;
            }
        }
        try {
            return RuleCatalogue.loader(config.lists.lists, config.detection).load(sources);
        } catch (InvalidRulesException e) {
            for (RuleError error : e.errors()) {
                err.println(SafeText.safe(error.toString(), 1000));
            }
            err.println(e.errors().size() + (e.errors().size() == 1 ? " error" : " errors") + " in "
                    + sources.size() + " rule file(s)");
            err.flush();
            return null;
        }
    }
}
