package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code trailwarden rules validate}: the catalogue passes, a broken one fails with every error listed. */
class RulesValidateCommandTest {
    static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("scripts/install-test-tools.sh"))) {
            dir = dir.getParent();
        }
        return dir;
    }

    @Test
    void theCatalogueIsValid() {
        CliRun run = CliRun.of("rules", "validate", repoRoot().resolve("rules").toString());

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).contains("15 rules valid");
    }

    @Test
    void thePackagedCatalogueIsTheDefault() {
        CliRun run = CliRun.of("rules", "validate");

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).contains("rules valid in the configured catalogue (classpath)");
    }

    @Test
    void brokenRulesFailWithEveryErrorAtOnce() {
        Path broken = repoRoot().resolve("job/src/test/resources/broken-rules");
        CliRun run = CliRun.of("rules", "validate", broken.toString());

        assertThat(run.exitCode).as(run.toString()).isEqualTo(TrailWardenCli.FAILED);
        assertThat(run.err).contains(broken.resolve("bad-cidr.yaml") + ":15: bad CIDR '10.0.0.0/33'")
                .contains(broken.resolve("window-too-long.yaml") + ":13: window PT720H exceeds")
                .contains("15 errors in 13 rule file(s)");
        assertThat(run.out).isEmpty();
    }

    @Test
    void aMissingDirectoryIsAnError() {
        CliRun run = CliRun.of("rules", "validate", "/nonexistent/rules");

        assertThat(run.exitCode).isEqualTo(TrailWardenCli.FAILED);
        assertThat(run.err).contains("/nonexistent/rules is not a directory");
    }
}
