package io.trailwarden.cli;

import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.finding.SafeText;
import io.trailwarden.rules.model.Rule;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = {
            "Validate every rule file and print every error at once, as FILE:LINE: MESSAGE.",
            "Checks keys, CloudTrail field paths, regexes, CIDRs, steps, captures, windows (against"
                    + " TrailWarden.Detection.maxRuleWindow), ids, named lists (TrailWarden.Lists) and tests."
                    + " Exit code 1 when any rule is invalid."
        })
final class RulesValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Parameters(arity = "0..1", paramLabel = "DIR",
            description = "Directory of rule files (default: the configured catalogue, TrailWarden.Rules.location).")
    Path directory;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TrailWardenConfig loaded = config.loadOrReport(err);
        if (loaded == null) {
            return TrailWardenCli.USAGE;
        }
        List<Rule> rules = RuleDirectory.load(directory, loaded, err);
        if (rules == null) {
            return TrailWardenCli.FAILED;
        }
        out.println(rules.size() + " rules valid in " + SafeText.safe(RuleDirectory.describe(directory, loaded)));
        out.flush();
        return TrailWardenCli.OK;
    }
}
