package io.trailwarden.testing;

import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.rules.model.InvalidRulesException;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.runtime.CompiledRules;
import io.trailwarden.rules.runtime.RuleCatalogue;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The catalogue packaged into the jar (the default rule location), compiled the way the job compiles
 * it, for tests that need real detection without depending on every rule the catalogue holds.
 */
public final class PackagedRules {
    private PackagedRules() {}

    /** The records of one embedded test case of a packaged rule, as the rule file holds them. */
    public static List<String> testRecords(String ruleId, int testCase) throws InvalidRulesException, IOException {
        Rule rule = RuleCatalogue.load(TrailWardenConfig.defaults()).stream()
                .filter(each -> each.id.equals(ruleId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not in the packaged catalogue: " + ruleId));
        return rule.tests.get(testCase).inputs;
    }

    /** Only the named rules of the packaged catalogue, with the default (empty) lists. */
    public static CompiledRules only(String... ruleIds) throws InvalidRulesException, IOException {
        return only(TrailWardenConfig.defaults(), ruleIds);
    }

    /** Only the named rules of the packaged catalogue, with the configuration's lists. */
    public static CompiledRules only(TrailWardenConfig config, String... ruleIds) throws InvalidRulesException, IOException {
        List<Rule> all = RuleCatalogue.load(config);
        Set<String> wanted = Set.of(ruleIds);
        List<Rule> chosen = all.stream().filter(rule -> wanted.contains(rule.id)).collect(Collectors.toList());
        if (chosen.size() != wanted.size()) {
            Set<String> missing = new TreeSet<>(wanted);
            chosen.forEach(rule -> missing.remove(rule.id));
            throw new IllegalArgumentException("not in the packaged catalogue: " + missing);
        }
        return CompiledRules.compile(chosen, config.lists.lists);
    }
}
