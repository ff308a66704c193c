package io.trailwarden.cli;

import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.finding.SafeText;
import io.trailwarden.pipeline.TrailWardenTopology;
import io.trailwarden.rules.model.InvalidRulesException;
import io.trailwarden.rules.runtime.CompiledRules;
import io.trailwarden.rules.runtime.RuleCatalogue;
import io.trailwarden.source.CloudTrailInputs;
import io.trailwarden.source.RawInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job on an embedded mini-cluster with its web UI, over the bundled sample or local files, with
 * findings printed as they arrive and dead letters summarised at the end.
 */
final class LocalRun {
    static final String SAMPLE = "samples/stratus-demo.jsonl";
    static final String SOURCE_UID = "source-local-input";

    private final TrailWardenConfig config;
    private final int parallelism;
    private final int preferredWebUiPort;
    private final PrintWriter out;
    private final PrintWriter err;

    LocalRun(TrailWardenConfig config, int parallelism, int preferredWebUiPort, PrintWriter out, PrintWriter err) {
        this.config = config;
        this.parallelism = parallelism;
        this.preferredWebUiPort = preferredWebUiPort;
        this.out = out;
        this.err = err;
    }

    int run(List<Path> files) throws Exception {
        CompiledRules rules;
        try {
            rules = RuleCatalogue.compile(config);
        } catch (InvalidRulesException e) {
            err.println("the rule catalogue (" + SafeText.safe(config.rules.location) + ") is invalid; not starting:");
            e.errors().forEach(error -> err.println("  " + SafeText.safe(error.toString(), 1000)));
            err.flush();
            return TrailWardenCli.FAILED;
        } catch (IOException e) {
            err.println("the rule catalogue (" + SafeText.safe(config.rules.location) + ") cannot be read; not starting: "
                    + SafeText.safe(e.getMessage(), 1000));
            err.flush();
            return TrailWardenCli.FAILED;
        }
        int port = webUiPort();
        Configuration flink = new Configuration();
        // The web UI can submit jobs: keep it off the network.
        flink.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        flink.set(RestOptions.ADDRESS, "localhost");
        flink.set(RestOptions.PORT, port);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
        env.setParallelism(parallelism);

        DataStream<RawInput> input = files.isEmpty() ? sample(env) : files(env, files);
        TrailWardenTopology.Outputs outputs = TrailWardenTopology.build(input, config.detection, rules);
        CollectedJob job = new CollectedJob(outputs, "run --local", FindingForm.TERMINAL_TEXT);

        out.println("TrailWarden local run over " + (files.isEmpty() ? "the bundled sample " + SAMPLE
                : files.size() + " file(s)") + ", parallelism " + parallelism + ", containment dry-run");
        out.flush();
        long[] findingCount = {0};
        boolean finished = job.run(env, "TrailWarden local run", client -> {
            out.println("Flink web UI: http://localhost:" + port + "  (job " + client.getJobID() + ", while it runs)");
            out.println();
            out.flush();
        }, finding -> {
            out.println(finding.text);
            out.flush();
            if (!finding.incidentUpdate) {
                findingCount[0]++;
            }
        }, err);
        if (!finished) {
            return TrailWardenCli.FAILED;
        }
        out.println(findingCount[0] + (findingCount[0] == 1 ? " finding" : " findings"));
        job.deadLetters().print(out);
        out.flush();
        return TrailWardenCli.OK;
    }

    private static DataStream<RawInput> sample(StreamExecutionEnvironment env) {
        byte[] bytes;
        try (InputStream in = LocalRun.class.getClassLoader().getResourceAsStream(SAMPLE)) {
            if (in == null) {
                throw new IllegalStateException("the bundled sample " + SAMPLE + " is missing from the build");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return env.fromData(List.of(RawInput.of(SAMPLE, bytes))).uid(SOURCE_UID).name("Bundled sample");
    }

    /** The files as the job's input, in CloudTrail delivery order. */
    static DataStream<RawInput> files(StreamExecutionEnvironment env, List<Path> files) {
        return env.fromSource(CloudTrailInputs.fileSource(files), WatermarkStrategy.noWatermarks(), "CloudTrail files")
                .uid(SOURCE_UID);
    }

    /** The preferred port when it is free, otherwise any free one: the URL printed is the one in use. */
    private int webUiPort() throws IOException {
        if (preferredWebUiPort > 0) {
            try (ServerSocket probe = new ServerSocket(preferredWebUiPort, 1, InetAddress.getLoopbackAddress())) {
                return probe.getLocalPort();
            } catch (IOException busy) {
                err.println("note: port " + preferredWebUiPort + " is in use; the web UI takes a free port");
            }
        }
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
