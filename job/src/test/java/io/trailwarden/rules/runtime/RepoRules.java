package io.trailwarden.rules.runtime;

import io.trailwarden.config.DetectionConfig;
import io.trailwarden.config.ListsConfig;
import io.trailwarden.rules.load.RuleLoader;
import io.trailwarden.rules.model.InvalidRulesException;
import io.trailwarden.rules.model.Rule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The repository's rule catalogue (rules/ at the repo root), as tests read it. */
public final class RepoRules {
    private RepoRules() {}

    public static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("scripts/install-test-tools.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("run the tests inside the repository (no scripts/install-test-tools.sh above "
                    + Path.of("").toAbsolutePath() + ")");
        }
        return dir;
    }

    public static Path directory() {
        return repoRoot().resolve("rules");
    }

    public static List<RuleLoader.Source> sources() {
        try {
            return RuleLoader.readDirectory(directory());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Rule> load() throws InvalidRulesException {
        return RuleCatalogue.loader(ListsConfig.defaults().lists, DetectionConfig.defaults()).load(sources());
    }

    /** The catalogue's rule of this id; fails when there is none. */
    public static Rule rule(String id) throws InvalidRulesException {
        return load().stream().filter(rule -> rule.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no rule " + id + " in " + directory()));
    }
}
