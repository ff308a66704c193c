package io.trailwarden.rules;

import io.trailwarden.config.DetectionConfig;
import io.trailwarden.config.ListsConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The repository's rule catalogue (rules/ at the repo root), as tests read it. */
final class RepoRules {
    private RepoRules() {}

    static Path repoRoot() {
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

    static Path directory() {
        return repoRoot().resolve("rules");
    }

    static List<RuleLoader.Source> sources() {
        try {
            return RuleLoader.readDirectory(directory());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Rule> load() throws InvalidRulesException {
        return RuleCatalogue.loader(ListsConfig.defaults().lists, DetectionConfig.defaults()).load(sources());
    }
}
