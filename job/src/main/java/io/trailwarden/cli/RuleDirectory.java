package io.trailwarden.cli;

import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.finding.SafeText;
import io.trailwarden.rules.load.RuleLoader;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.model.RuleError;
import io.trailwarden.rules.runtime.RuleCatalogue;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/** Loads the catalogue a command names (a directory, else the configured location) and reports its errors. */
final class RuleDirectory {
    private RuleDirectory() {}

    static String describe(Path directory, TrailWardenConfig config) {
        return directory != null ? directory.toString()
                : "the configured catalogue (" + config.rules.location + ")";
    }

    /** The loaded rules, or null after printing every error (or the reason nothing could be read). */
    static List<Rule> load(Path directory, TrailWardenConfig config, PrintWriter err) throws IOException {
        Loaded loaded = loadValid(directory, config, null, err);
        return loaded == null || !loaded.errors.isEmpty() ? null : loaded.rules;
    }

    /** What a directory held: the valid rules, and the errors (already printed) of the others. */
    static final class Loaded {
        final List<Rule> rules;
        final List<RuleError> errors;
        final int files;

        Loaded(List<Rule> rules, List<RuleError> errors, int files) {
            this.rules = rules;
            this.errors = errors;
            this.files = files;
        }
    }

    /**
     * Every valid rule (only the file of {@code ruleId} when given, so another author's broken draft
     * does not get in the way), after printing the errors of the invalid ones; null when nothing could
     * be read.
     */
    static Loaded loadValid(Path directory, TrailWardenConfig config, String ruleId, PrintWriter err)
            throws IOException {
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
        if (ruleId != null) {
            sources = sources.stream().filter(source -> ruleId.equals(RuleLoader.baseName(source.name)))
                    .collect(Collectors.toList());
        }
        List<RuleError> errors = new ArrayList<>();
        List<Rule> rules = RuleCatalogue.load(sources, config, errors);
        Collections.sort(errors);
        for (RuleError error : errors) {
            err.println(SafeText.safeSource(error.toString(), 1000));
        }
        if (!errors.isEmpty()) {
            err.println(errors.size() + (errors.size() == 1 ? " error" : " errors") + " in " + sources.size()
                    + " rule file(s)");
        }
        err.flush();
        return new Loaded(rules, errors, sources.size());
    }
}
