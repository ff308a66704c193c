package io.trailwarden.rules.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.trailwarden.config.DetectionConfig;
import io.trailwarden.config.ListsConfig;
import io.trailwarden.rules.model.InvalidRulesException;
import io.trailwarden.rules.model.RuleError;
import io.trailwarden.rules.runtime.RepoRules;
import io.trailwarden.rules.runtime.RuleCatalogue;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * src/test/resources/broken-rules holds one file per class of validation error; loading the directory
 * must report every one of them at once, each with its file and line.
 */
class BrokenRulesTest {
    private static final Path BROKEN = RepoRules.repoRoot().resolve("job/src/test/resources/broken-rules");

    private static List<String> errors() throws Exception {
        InvalidRulesException thrown = catchThrowableOfType(
                () -> RuleCatalogue.loader(ListsConfig.defaults().lists, DetectionConfig.defaults())
                        .load(RuleLoader.readDirectory(BROKEN)),
                InvalidRulesException.class);
        assertThat(thrown).as("the broken catalogue must not load").isNotNull();
        return thrown.errors().stream()
                .map(error -> Path.of(error.file).getFileName() + ":" + error.line + ": " + error.message)
                .collect(Collectors.toList());
    }

    @Test
    void everyErrorClassIsReportedAtOnceWithFileAndLine() throws Exception {
        List<String> errors = errors();
        assertThat(errors).hasSize(15);
        assertThat(errors).anyMatch(e -> e.startsWith("unknown-key.yaml:10: unknown key 'owner' in rule"));
        assertThat(errors).anyMatch(e -> e.startsWith("unknown-key.yaml:15: unknown key 'equal' in the condition on 'eventName'"));
        assertThat(errors).anyMatch(e -> e.startsWith("unknown-field.yaml:15: unknown CloudTrail field 'requestParameter'"));
        assertThat(errors).anyMatch(e -> e.startsWith("unknown-field.yaml:16: unknown CloudTrail field 'userIdentity.sessionContext.mfa'"));
        assertThat(errors).contains("bad-regex.yaml:15: bad regex aws-cli/([ : Unclosed character class at position 9"
                + " (counted from 0, in the pattern as YAML reads it)");
        assertThat(errors).contains("unknown-key.yaml:15: unknown key 'equal' in the condition on 'eventName' (did you mean"
                + " 'equals'?)");
        assertThat(errors).contains("unknown-field.yaml:15: unknown CloudTrail field 'requestParameter' (did you mean"
                + " 'requestParameters'?)");
        assertThat(errors).anyMatch(e -> e.startsWith("bad-cidr.yaml:15: bad CIDR '10.0.0.0/33'"));
        assertThat(errors).anyMatch(e -> e.startsWith("unreachable-step.yaml:22: step 'deleted' is unreachable"));
        assertThat(errors).anyMatch(e -> e.startsWith("duplicate-step.yaml:17: duplicate step name 'created' (first used on line 15)"));
        assertThat(errors).anyMatch(e -> e.startsWith("capture-before-defined.yaml:18: capture 'user' is used before it is defined"));
        assertThat(errors).anyMatch(e -> e.startsWith("window-too-long.yaml:13: window PT720H exceeds the configured maximum rule window PT24H"));
        assertThat(errors).anyMatch(e -> e.startsWith("duplicate-id-b.yaml:2: duplicate rule id 'duplicate-id-a' (also in "));
        assertThat(errors).anyMatch(e -> e.startsWith("duplicate-id-b.yaml:2: id 'duplicate-id-a' does not match the file name 'duplicate-id-b'"));
        assertThat(errors).anyMatch(e -> e.startsWith("id-mismatch.yaml:2: id 'something-else' does not match the file name 'id-mismatch'"));
        assertThat(errors).anyMatch(e -> e.startsWith("unknown-list.yaml:15: unknown named list 'vipUsers'"));
        assertThat(errors).anyMatch(e -> e.startsWith("missing-tests.yaml:18: rule needs at least 2 tests expecting an alert and 2 expecting none (has 1 and 1)"));
    }

    @Test
    void aLargerConfiguredMaximumWindowAcceptsTheLongWindow() throws Exception {
        DetectionConfig generous = new DetectionConfig(DetectionConfig.defaults().outOfOrderness,
                DetectionConfig.defaults().idleness, DetectionConfig.defaults().dedupTtl, java.time.Duration.ofDays(31));
        List<RuleError> errors = new java.util.ArrayList<>();
        RuleCatalogue.loader(ListsConfig.defaults().lists, generous)
                .load(List.of(new RuleLoader.Source("window-too-long.yaml",
                        java.nio.file.Files.readString(BROKEN.resolve("window-too-long.yaml")))), errors);
        assertThat(errors).isEmpty();
    }

    @Test
    void aConfiguredListIsKnown() throws Exception {
        List<RuleError> errors = new java.util.ArrayList<>();
        new RuleLoader(List.of("vipUsers"), DetectionConfig.defaults().maxRuleWindow)
                .load(List.of(new RuleLoader.Source("unknown-list.yaml",
                        java.nio.file.Files.readString(BROKEN.resolve("unknown-list.yaml")))), errors);
        assertThat(errors).isEmpty();
    }
}
