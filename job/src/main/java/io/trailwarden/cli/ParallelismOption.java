package io.trailwarden.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --parallelism N}, shared by every command that runs a job: mix it in with {@code @Mixin}.
 * Defaults to every core of this machine, so a local job uses what the machine has.
 */
public final class ParallelismOption {
    static final int MAX = 64;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private int parallelism = Math.min(MAX, Runtime.getRuntime().availableProcessors());

    @Option(names = "--parallelism", paramLabel = "N",
            description = "Parallel subtasks of the job, 1 to " + MAX + " (default: the number of cores).")
    void set(int value) {
        if (value < 1 || value > MAX) {
            throw new ParameterException(mixee.commandLine(), "--parallelism must be between 1 and " + MAX);
        }
        parallelism = value;
    }

    int get() {
        return parallelism;
    }
}
