package io.trailwarden.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        name = "rules",
        mixinStandardHelpOptions = true,
        description = "Check the rule catalogue: validate every file, run every rule's embedded tests, explain a rule"
                + " on some events, measure attack coverage, import Sigma rules.",
        subcommands = {RulesValidateCommand.class, RulesTestCommand.class, RulesExplainCommand.class,
                RulesCoverageCommand.class, RulesImportSigmaCommand.class})
final class RulesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return TrailWardenCli.USAGE;
    }
}
