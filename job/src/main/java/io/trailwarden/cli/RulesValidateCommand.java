package io.trailwarden.cli;

import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.finding.SafeText;
import io.trailwarden.rules.model.Rule;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = {
            "Validate every rule file and print every error at once, as FILE:LINE: MESSAGE.",
            "Checks keys, CloudTrail field paths, regexes, CIDRs, steps, captures, windows (against"
                    + " TrailWarden.Detection.maxRuleWindow), ids, named lists (TrailWarden.Lists) and tests."
                    + " Exit code 1 when any rule is invalid."
        })
final class RulesValidateCommand extends ConfiguredCommand {
    @Parameters(arity = "0..1", paramLabel = "DIR",
            description = "Directory of rule files (default: the configured catalogue, TrailWarden.Rules.location).")
    Path directory;

    @Override
    protected int run(TrailWardenConfig loaded, PrintWriter out, PrintWriter err) throws Exception {
        List<Rule> rules = RuleDirectory.load(directory, loaded, err);
        if (rules == null) {
            return TrailWardenCli.FAILED;
        }
        out.println(rules.size() + " rules valid in " + SafeText.safe(RuleDirectory.describe(directory, loaded)));
        for (Rule rule : rules) {
            if (rule.untested != null) {
                out.println("  untested: " + SafeText.safe(rule.id) + " (" + SafeText.safe(rule.untested, 300) + ")");
            }
        }
        out.flush();
        return TrailWardenCli.OK;
    }
}
