package io.trailwarden.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --parallelism N}, shared by every command that runs a job: mix it in with {@code @Mixin}.
 * Defaults to half the cores of this machine, which keeps every core busy: each subtask of the topology
 * is a pipeline of two threads that work at once, one parsing records and one running the rules behind
 * the shuffle. One subtask per core ran two such pipelines on each pair of cores, and a replay on two
 * cores took about a fifth more CPU than with one subtask (docs/replay.md, stop 14).
 */
public final class ParallelismOption {
    static final int MAX = 64;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private int parallelism = Math.min(MAX, Math.max(1, Runtime.getRuntime().availableProcessors() / 2));

    @Option(names = "--parallelism", paramLabel = "N",
            description = "Parallel subtasks of the job, 1 to " + MAX + " (default: half the number of cores;"
                    + " each subtask keeps two cores busy).")
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
