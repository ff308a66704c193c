package io.trailwarden.cli;

import io.trailwarden.config.TrailWardenConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that needs the job's configuration: {@code --config FILE} is read and validated before
 * {@link #run} starts, and an invalid one ends the command with every error listed and exit code
 * {@link TrailWardenCli#USAGE}.
 */
abstract class ConfiguredCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Override
    public final Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TrailWardenConfig loaded = config.loadOrReport(err);
        if (loaded == null) {
            return TrailWardenCli.USAGE;
        }
        return run(loaded, out, err);
    }

    protected abstract int run(TrailWardenConfig loaded, PrintWriter out, PrintWriter err) throws Exception;
}
