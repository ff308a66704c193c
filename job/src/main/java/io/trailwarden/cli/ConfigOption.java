package io.trailwarden.cli;

import io.trailwarden.config.ConfigException;
import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.finding.SafeText;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config FILE}, shared by every command that builds the job: mix it in with {@code @Mixin}. */
public final class ConfigOption {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Job configuration: a JSON array of {\"PropertyGroupId\": ..., \"PropertyMap\": {...}},"
                    + " the shape of MSF runtime properties. Without it, the built-in defaults.")
    Path file;

    /** The validated configuration; every error of the file is in the exception. */
    public TrailWardenConfig load() throws ConfigException {
        return file == null ? TrailWardenConfig.defaults() : TrailWardenConfig.from(PropertyGroups.fromJsonFile(file));
    }

    /**
     * The validated configuration, or null after printing every error to {@code err}; the command then
     * exits with {@link TrailWardenCli#USAGE}.
     */
    public TrailWardenConfig loadOrReport(PrintWriter err) {
        try {
            return load();
        } catch (ConfigException e) {
            err.println("configuration " + source() + " is invalid:");
            e.errors().forEach(error -> err.println("  " + SafeText.safe(error)));
            err.flush();
            return null;
        }
    }

    public String source() {
        return file == null ? "built-in defaults" : file.toString();
    }
}
