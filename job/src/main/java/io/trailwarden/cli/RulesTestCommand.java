package io.trailwarden.cli;

import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.finding.SafeText;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.runtime.RuleTestRunner;
import io.trailwarden.rules.runtime.TestCorpus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(
        name = "test",
        mixinStandardHelpOptions = true,
        description = {
            "Run every rule's embedded tests through the real parser and the real compiled rules on a"
                    + " local Flink mini-cluster, and print rule, case, expected and got.",
            "Exit code 1 when a rule is invalid or any case fails."
        })
final class RulesTestCommand extends ConfiguredCommand {
    @Parameters(arity = "0..1", paramLabel = "DIR",
            description = "Directory of rule files (default: the configured catalogue, TrailWarden.Rules.location).")
    Path directory;

    @Option(names = "--rule", paramLabel = "ID", description = "Test only this rule.")
    String ruleId;

    @Option(names = "--corpus", paramLabel = "FILE",
            description = "CloudTrail files whose records tests may name by eventID ({corpus: ID, set: {...}}); default:"
                    + " the repository's " + TestCorpus.REPOSITORY_CORPUS + ", found from DIR's parent or the working"
                    + " directory.")
    List<Path> corpusFiles;

    @Mixin
    ParallelismOption parallelism;

    @Override
    protected int run(TrailWardenConfig loaded, PrintWriter out, PrintWriter err) throws Exception {
        RuleDirectory.Loaded catalogue = RuleDirectory.loadValid(directory, loaded, ruleId, err);
        if (catalogue == null) {
            return TrailWardenCli.FAILED;
        }
        if (ruleId != null && catalogue.files == 0) {
            throw new ParameterException(spec.commandLine(), "--rule: no rule '" + ruleId + "' (no file " + ruleId + ".yaml) in "
                    + RuleDirectory.describe(directory, loaded));
        }
        List<Rule> rules = catalogue.rules;
        TestCorpus corpus = corpus(corpusFiles, directory, err);
        List<RuleTestRunner.CaseResult> results = rules.isEmpty() ? List.of()
                : new RuleTestRunner(corpus).run(rules, loaded.lists.lists,
                        StreamExecutionEnvironment.createLocalEnvironment(parallelism.get()));
        printTable(results, out);
        long failed = results.stream().filter(result -> !result.passed()).count();
        out.println();
        out.println((results.size() - failed) + " passed, " + failed + " failed (" + rules.size() + " rules"
                + (catalogue.errors.isEmpty() ? ")" : "; invalid rule files not tested, see the errors above)"));
        out.flush();
        return failed == 0 && catalogue.errors.isEmpty() ? TrailWardenCli.OK : TrailWardenCli.FAILED;
    }

    /** The given corpus files, else the repository's corpus when it can be found, else none. */
    static TestCorpus corpus(List<Path> files, Path rulesDirectory, PrintWriter err) throws java.io.IOException {
        if (files != null && !files.isEmpty()) {
            return TestCorpus.load(files);
        }
        for (Path root : new Path[] {rulesDirectory == null ? null : rulesDirectory.toAbsolutePath().getParent(),
                Path.of("").toAbsolutePath()}) {
            if (root != null && java.nio.file.Files.isRegularFile(root.resolve(TestCorpus.REPOSITORY_CORPUS))) {
                return TestCorpus.load(List.of(root.resolve(TestCorpus.REPOSITORY_CORPUS)));
            }
        }
        return TestCorpus.empty();
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
            out.printf(format, SafeText.safe(result.ruleId), SafeText.safe(result.testCase.name, 100),
                    result.testCase.expectAlert ? "alert" : "none", got,
                    result.passed() ? "pass" : "FAIL  " + safeLines(result.file + ":" + result.testCase.line + " "
                            + result.explanation()));
        }
    }

    /** Each line escaped on its own, so the explanation keeps its line breaks and nothing else gets through. */
    static String safeLines(String text) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (out.length() > 0) {
                out.append(System.lineSeparator());
            }
            out.append(SafeText.safeSource(line, 1000));
        }
        return out.toString();
    }
}
