package io.trailwarden.rules.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.rules.load.RuleLoader;
import io.trailwarden.rules.model.ResponseSpec;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.model.RuleError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Sigma files placed beside the catalogue's rules are converted and loaded with them. */
class SigmaBesideRulesTest {
    private static final Path SIGMA = RepoRules.repoRoot().resolve("job/src/test/resources/sigma/cloudtrail");

    private static RuleLoader.Source sigma(String file) throws Exception {
        return new RuleLoader.Source("rules/" + file, Files.readString(SIGMA.resolve(file), StandardCharsets.UTF_8));
    }

    private static TrailWardenConfig config(String sigmaContain) throws Exception {
        return TrailWardenConfig.from(PropertyGroups.of(Map.of("TrailWarden.Rules", Map.of("sigmaContain", sigmaContain))));
    }

    @Test
    void everySigmaFileOfTheCorpusLoadsBesideTheCatalogueAlertOnlyByDefault() throws Exception {
        List<RuleLoader.Source> sources = new ArrayList<>(RepoRules.sources());
        List<String> sigmaFiles;
        try (Stream<Path> files = Files.list(SIGMA)) {
            sigmaFiles = files.map(file -> file.getFileName().toString()).sorted().collect(Collectors.toList());
        }
        for (String file : sigmaFiles) {
            sources.add(sigma(file));
        }
        List<RuleError> errors = new ArrayList<>();

        List<Rule> rules = RuleCatalogue.load(sources, config("none"), errors);

        List<Rule> fromSigma = rules.stream().filter(rule -> rule.references.stream().noneMatch(r -> r.contains("stratus"))
                && rule.description.contains("Sigma")).collect(Collectors.toList());
        assertThat(rules.size() + errors.size()).as("every rule file and Sigma rule is either loaded or an error")
                .isGreaterThanOrEqualTo(RepoRules.sources().size() + sigmaFiles.size());
        assertThat(rules).as("the hand-written catalogue is intact").filteredOn(rule -> rule.untested == null)
                .hasSizeGreaterThanOrEqualTo(RepoRules.sources().size());
        assertThat(fromSigma).isNotEmpty().allSatisfy(rule -> assertThat(rule.response.contain)
                .isEqualTo(ResponseSpec.Contain.NONE));
        assertThat(errors).allSatisfy(error -> assertThat(error.message).startsWith("Sigma rule '").contains(" not converted: "));
        System.out.printf("Sigma beside the rules: %d loaded (%d untested), %d not converted%n", fromSigma.size(),
                fromSigma.stream().filter(rule -> rule.untested != null).count(), errors.size());
    }

    @Test
    void sigmaRulesContainTheActorOnlyWhenConfigured() throws Exception {
        List<RuleError> errors = new ArrayList<>();

        List<Rule> rules = RuleCatalogue.load(List.of(sigma("aws_delete_identity.yml")), config("actor"), errors);

        assertThat(errors).isEmpty();
        assertThat(rules).hasSize(1);
        assertThat(rules.get(0).response.contain).isEqualTo(ResponseSpec.Contain.ACTOR);
        assertThat(rules.get(0).file).isEqualTo("rules/" + rules.get(0).id + ".yaml");
    }

    @Test
    void aSigmaFileThatCannotBeConvertedIsAnErrorNamingItsFile() throws Exception {
        String notCloudTrail = "title: Windows thing\nid: 5f1a6d7e-0000-4000-8000-000000000001\nlogsource: {product: windows,"
                + " service: security}\ndetection: {selection: {EventID: 4625}, condition: selection}\nlevel: high\n"
                + "tags: [attack.credential-access, attack.t1110]\n";
        List<RuleError> errors = new ArrayList<>();

        List<Rule> rules = RuleCatalogue.load(List.of(new RuleLoader.Source("rules/windows.yml", notCloudTrail)),
                config("none"), errors);

        assertThat(rules).isEmpty();
        assertThat(errors).extracting(RuleError::toString).singleElement().asString()
                .startsWith("rules/windows.yml")
                .contains("Sigma rule 'Windows thing' not converted: logsource is not product: aws, service: cloudtrail");
    }
}
