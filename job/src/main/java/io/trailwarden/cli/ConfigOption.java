package io.trailwarden.cli;

import io.trailwarden.config.ConfigException;
import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.TrailWardenConfig;
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

    public String source() {
        return file == null ? "built-in defaults" : file.toString();
    }
}
