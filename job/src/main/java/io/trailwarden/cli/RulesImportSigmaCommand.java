package io.trailwarden.cli;

import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.finding.SafeText;
import io.trailwarden.rules.runtime.RuleCatalogue;
import io.trailwarden.rules.sigma.SigmaConversion;
import io.trailwarden.rules.sigma.SigmaConverter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "import-sigma",
        mixinStandardHelpOptions = true,
        description = {
            "Convert Sigma rules (product: aws, service: cloudtrail) into TrailWarden rule files, with tests"
                    + " generated from each rule's selections and filters.",
            "Every Sigma rule is listed: its TrailWarden id, or why it was not converted. Exit code 1 when any was not."
        })
final class RulesImportSigmaCommand implements Callable<Integer> {
    static final long MAX_FILE_BYTES = 1 << 20;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "Sigma files, or directories searched for *.yml and *.yaml.")
    List<Path> inputs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory the rule files are written to.")
    Path out;

    @Option(names = "--contain", paramLabel = "none|actor", defaultValue = "none",
            description = "Response of the converted rules (default: ${DEFAULT-VALUE}, alert only).")
    String contain;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!contain.equals("none") && !contain.equals("actor")) {
            err.println("--contain takes none or actor");
            err.flush();
            return TrailWardenCli.USAGE;
        }
        TrailWardenConfig loaded = config.loadOrReport(err);
        if (loaded == null) {
            return TrailWardenCli.USAGE;
        }
        SigmaConverter converter = new SigmaConverter(loaded.lists.lists,
                RuleCatalogue.loader(loaded.lists.lists, loaded.detection), contain);
        Files.createDirectories(out);
        List<SigmaConversion> results = new ArrayList<>();
        for (Path file : files(err)) {
            if (Files.size(file) > MAX_FILE_BYTES) {
                err.println(SafeText.safe(file.toString()) + ": larger than " + MAX_FILE_BYTES + " bytes, not read");
                continue;
            }
            results.addAll(converter.convert(file.toString(), Files.readString(file, StandardCharsets.UTF_8)));
        }
        Set<String> written = new HashSet<>();
        int converted = 0;
        for (SigmaConversion result : results) {
            String line;
            if (result.converted() && !written.add(result.ruleId)) {
                line = "NOT CONVERTED  a rule with id " + result.ruleId + " was already written by this import";
            } else if (result.converted()) {
                Files.writeString(out.resolve(result.ruleId + ".yaml"), result.ruleText, StandardCharsets.UTF_8);
                converted++;
                line = "converted      " + result.ruleId + (result.untested ? "  (untested: no test record could be built)" : "");
            } else {
                line = "NOT CONVERTED  " + result.reason;
            }
            stdout.println(SafeText.safe(result.source, 300) + "  " + SafeText.safe(line, 1000));
        }
        stdout.println();
        stdout.println(converted + " of " + results.size() + " Sigma rules converted into " + SafeText.safe(out.toString()));
        stdout.flush();
        err.flush();
        return converted == results.size() ? TrailWardenCli.OK : TrailWardenCli.FAILED;
    }

    private List<Path> files(PrintWriter err) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                try (Stream<Path> walk = Files.walk(input)) {
                    files.addAll(walk.filter(Files::isRegularFile)
                            .filter(path -> path.toString().endsWith(".yml") || path.toString().endsWith(".yaml"))
                            .sorted().collect(Collectors.toList()));
                }
            } else if (Files.isRegularFile(input)) {
                files.add(input);
            } else {
                err.println(SafeText.safe(input.toString()) + ": no such file or directory");
            }
        }
        return files;
    }
}
