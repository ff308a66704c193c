package io.trailwarden.cli;

import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.runtime.RuleTestRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "test",
        mixinStandardHelpOptions = true,
        description = {
            "Run every rule's embedded tests through the real parser and the real compiled rules on a"
                    + " local Flink mini-cluster, and print rule, case, expected and got.",
            "Exit code 1 when a rule is invalid or any case fails."
        })
final class RulesTestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Parameters(arity = "0..1", paramLabel = "DIR",
            description = "Directory of rule files (default: the configured catalogue, TrailWarden.Rules.location).")
    Path directory;

    @Option(names = "--rule", paramLabel = "ID", description = "Test only this rule.")
    String ruleId;

    @Mixin
    ParallelismOption parallelism;

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
        if (ruleId != null) {
            rules = rules.stream().filter(rule -> rule.id.equals(ruleId)).collect(Collectors.toList());
            if (rules.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--rule: no rule '" + ruleId + "' in "
                        + RuleDirectory.describe(directory, loaded));
            }
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism.get());
        List<RuleTestRunner.CaseResult> results = new RuleTestRunner().run(rules, loaded.lists.lists, env);
        printTable(results, out);
        long failed = results.stream().filter(result -> !result.passed()).count();
        out.println();
        out.println((results.size() - failed) + " passed, " + failed + " failed (" + rules.size() + " rules)");
        out.flush();
        return failed == 0 ? TrailWardenCli.OK : TrailWardenCli.FAILED;
    }

    private static void printTable(List<RuleTestRunner.CaseResult> results, PrintWriter out) {
        int ruleWidth = "RULE".length();
        int caseWidth = "CASE".length();
        for (RuleTestRunner.CaseResult result : results) {
            ruleWidth = Math.max(ruleWidth, result.ruleId.length());
            caseWidth = Math.max(caseWidth, Math.min(100, result.testCase.name.length()));
        }
        String format = "%-" + ruleWidth + "s  %-" + caseWidth + "s  %-8s  %-8s  %s%n";
        out.printf(format, "RULE", "CASE", "EXPECTED", "GOT", "RESULT");
        for (RuleTestRunner.CaseResult result : results) {
            String got = result.problem != null ? "error" : result.alerted() ? "alert" : "none";
            out.printf(format, TerminalText.safe(result.ruleId), TerminalText.safe(result.testCase.name, 100),
                    result.testCase.expectAlert ? "alert" : "none", got,
                    result.passed() ? "pass" : "FAIL  " + TerminalText.safe(result.file + ":" + result.testCase.line
                            + " " + result.explanation(), 300));
        }
    }
}
