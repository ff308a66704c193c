package io.trailwarden.cli;

import io.trailwarden.config.ConfigException;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.finding.SafeText;
import io.trailwarden.pipeline.StreamingJob;
import io.trailwarden.source.CloudTrailInputs;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run the detection job.",
            "With --local: on an embedded Flink mini-cluster over the bundled sample of real CloudTrail records"
                    + " (or --input files), containment in dry-run, findings printed as they are found;"
                    + " ends when the input is done.",
            "Without --local: the production job (Kinesis stream of TrailWarden.Source -> detection -> IAM"
                    + " containment and SNS alerts) in this process, with checkpoints in --checkpoint-dir; runs"
                    + " until stopped. On AWS the same job runs on Amazon Managed Service for Apache Flink."
        })
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Option(names = "--local", description = "Run on an embedded Flink mini-cluster in this process.")
    boolean local;

    @Option(names = "--input", paramLabel = "PATH", arity = "1..*",
            description = "CloudTrail files or directories to read instead of the bundled sample: EventBridge"
                    + " envelopes, bare records or {\"Records\": [...]} files, JSON lines or one document, plain"
                    + " or gzip.")
    List<Path> inputs = new ArrayList<>();

    @Mixin
    ParallelismOption parallelism;

    @Option(names = "--web-ui-port", paramLabel = "PORT", defaultValue = "8081",
            description = "Port of the Flink web UI on localhost (default: ${DEFAULT-VALUE}; 0 or a busy port:"
                    + " any free one, printed at start).")
    int webUiPort;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", defaultValue = "trailwarden-checkpoints",
            description = "Without --local: where checkpoints are kept (default: ${DEFAULT-VALUE}).")
    Path checkpointDirectory;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!local && !inputs.isEmpty()) {
            throw new ParameterException(spec.commandLine(),
                    "--input needs --local: without it, run reads the Kinesis stream named in TrailWarden.Source");
        }
        if (webUiPort < 0 || webUiPort > 65535) {
            throw new ParameterException(spec.commandLine(), "--web-ui-port must be between 0 and 65535");
        }
        List<Path> files;
        try {
            files = inputs.isEmpty() ? List.of() : CloudTrailInputs.files(inputs);
        } catch (UncheckedIOException e) {
            throw new ParameterException(spec.commandLine(), "--input: " + e.getCause().getMessage());
        }
        if (!inputs.isEmpty() && files.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--input: no files under " + inputs);
        }
        TrailWardenConfig loaded = config.loadOrReport(err);
        if (loaded == null) {
            return TrailWardenCli.USAGE;
        }
        LOG.info("configuration from {}:\n  {}", config.source(), String.join("\n  ", loaded.describe()));
        if (!local) {
            return runProductionJob(loaded, err);
        }
        if (!loaded.response.dryRun) {
            err.println("note: --local never contains anything; TrailWarden.Response.dryRun=false is ignored here");
        }
        return new LocalRun(loaded, parallelism.get(), webUiPort, out, err).run(files);
    }

    private int runProductionJob(TrailWardenConfig loaded, PrintWriter err) throws Exception {
        if (!loaded.source.configured) {
            throw new ParameterException(spec.commandLine(), "run without --local reads the Kinesis stream of the"
                    + " TrailWarden.Source group, and " + config.source() + " has none; --local runs over the"
                    + " bundled sample");
        }
        try {
            StreamingJob.runSelfManaged(loaded, checkpointDirectory.toAbsolutePath(), parallelism.get());
            return TrailWardenCli.OK;
        } catch (ConfigException e) {
            err.println("configuration " + config.source() + " is invalid:");
            e.errors().forEach(error -> err.println("  " + SafeText.safe(error)));
            err.flush();
            return TrailWardenCli.USAGE;
        }
    }
}
