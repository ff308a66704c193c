package io.trailwarden.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.rules.model.ConditionSpec;
import io.trailwarden.rules.model.Transform;
import io.trailwarden.rules.runtime.RepoRules;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** rules/README.md lists exactly the operators, options and transforms the loader accepts, so it cannot drift. */
class RuleReadmeTest {
    private static final Pattern NAME = Pattern.compile("`([A-Za-z]+)`");

    /** The tables between the operator markers, as lists of the names in their first column. */
    private static List<List<String>> tables() throws Exception {
        String readme = Files.readString(RepoRules.directory().resolve("README.md"));
        int start = readme.indexOf("<!-- operators");
        int end = readme.indexOf("<!-- /operators -->");
        assertThat(start).as("operator markers in rules/README.md").isPositive().isLessThan(end);
        List<List<String>> tables = new ArrayList<>();
        List<String> current = null;
        for (String line : readme.substring(start, end).split("\n")) {
            if (line.startsWith("| ---")) {
                current = new ArrayList<>();
                tables.add(current);
            } else if (line.startsWith("| ") && current != null) {
                Matcher name = NAME.matcher(line.substring(0, line.indexOf(" |", 2)));
                while (name.find()) {
                    current.add(name.group(1));
                }
            } else if (!line.startsWith("|")) {
                current = null;
            }
        }
        return tables;
    }

    @Test
    void operatorsOptionsAndTransformsAreThoseOfTheLoader() throws Exception {
        List<List<String>> tables = tables();
        assertThat(tables).hasSize(3);
        assertThat(tables.get(0)).containsExactlyInAnyOrderElementsOf(Stream.of(ConditionSpec.Operator.values())
                .map(operator -> operator.yamlName).collect(Collectors.toList()));
        assertThat(tables.get(1)).containsExactlyInAnyOrderElementsOf(RuleLoader.CONDITION_OPTION_KEYS);
        assertThat(tables.get(2)).containsExactlyInAnyOrderElementsOf(Stream.of(Transform.values())
                .filter(transform -> transform != Transform.NONE).map(transform -> transform.yamlName)
                .collect(Collectors.toList()));
    }
}
