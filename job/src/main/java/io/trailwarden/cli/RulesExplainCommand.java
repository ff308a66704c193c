package io.trailwarden.cli;

import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.ParseResult;
import io.trailwarden.finding.ContextValue;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.SafeText;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.model.RuleTestCase;
import io.trailwarden.rules.runtime.RuleExplainer;
import io.trailwarden.rules.runtime.RuleTestRunner;
import io.trailwarden.rules.runtime.TestCorpus;
import io.trailwarden.source.RawInput;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "explain",
        mixinStandardHelpOptions = true,
        description = {
            "Run one rule over CloudTrail files on a local Flink mini-cluster and say what it made of them: the"
                    + " findings with their context, and for each step and event the first condition that failed,"
                    + " how far a sequence got, what a threshold counted.",
            "Exit code 0 when the rule fired, 1 when it did not (or is invalid)."
        })
final class RulesExplainCommand extends ConfiguredCommand {
    @Parameters(index = "0", paramLabel = "RULE", description = "The rule id.")
    String ruleId;

    @Option(names = "--rules", paramLabel = "DIR",
            description = "Directory of rule files (default: the configured catalogue, TrailWarden.Rules.location).")
    Path directory;

    @Option(names = "--input", paramLabel = "FILE", required = true, arity = "1..*",
            description = "CloudTrail files, any input shape (records, envelopes, {\"Records\": [...]}, JSON lines, gzip).")
    List<Path> inputs;

    @Override
    protected int run(TrailWardenConfig loaded, PrintWriter out, PrintWriter err) throws Exception {
        RuleDirectory.Loaded catalogue = RuleDirectory.loadValid(directory, loaded, ruleId, err);
        if (catalogue == null || catalogue.rules.isEmpty()) {
            if (catalogue != null && catalogue.files == 0) {
                err.println("no rule file '" + SafeText.safe(ruleId) + ".yaml' in "
                        + SafeText.safe(RuleDirectory.describe(directory, loaded)));
                err.flush();
            }
            return TrailWardenCli.FAILED;
        }
        Rule rule = catalogue.rules.get(0);
        List<CloudTrailEvent> events = new ArrayList<>();
        CloudTrailParser parser = new CloudTrailParser();
        RuleTestCase asCase = new RuleTestCase();
        asCase.name = "explain";
        asCase.expectAlert = true;
        for (Path input : inputs) {
            ParseResult parsed = parser.parseAll(RawInput.of(input.toString(), Files.readAllBytes(input)));
            parsed.deadLetters.forEach(dead -> err.println("not used: " + SafeText.safe(dead.reason, 300)));
            events.addAll(parsed.events);
            parsed.events.forEach(event -> asCase.inputs.add(event.rawJson()));
        }
        out.println(events.size() + " events, rule " + rule.id + " (" + rule.kind.name().toLowerCase(java.util.Locale.ROOT)
                + ")");
        rule.tests = List.of(asCase);
        List<RuleTestRunner.CaseResult> results = new RuleTestRunner(TestCorpus.empty()).run(List.of(rule),
                loaded.lists.lists, StreamExecutionEnvironment.createLocalEnvironment(2));
        List<Finding> findings = results.get(0).findings;
        for (Finding finding : findings) {
            out.println("FINDING " + SafeText.safe(finding.title, 300) + "  (" + finding.events.size() + " events)");
            for (ContextValue entry : finding.context) {
                out.println("  " + SafeText.safe(entry.label) + ": " + SafeText.safe(String.join(", ",
                        entry.values), 1000));
            }
        }
        if (findings.isEmpty()) {
            out.println("no finding");
        }
        for (String line : new RuleExplainer(loaded.lists.lists).explain(rule, events)) {
            out.println("  " + SafeText.safe(line, 1000));
        }
        out.flush();
        return findings.isEmpty() ? TrailWardenCli.FAILED : TrailWardenCli.OK;
    }
}
