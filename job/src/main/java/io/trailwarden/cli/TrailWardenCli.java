package io.trailwarden.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.runtime.util.EnvironmentInformation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The {@code trailwarden} command. Exit codes: 0 done, 1 the work failed (a job that failed, findings
 * or validation errors where a command checks something), 2 the command line or configuration is wrong.
 * A new subcommand is one more class in the list below.
 */
@Command(
        name = "trailwarden",
        mixinStandardHelpOptions = true,
        versionProvider = TrailWardenCli.Version.class,
        description = "Real-time detection and response for AWS CloudTrail, on Apache Flink.",
        subcommands = {
            RunCommand.class,
            RulesCommand.class,
            ReplayCommand.class,
            ReleaseCommand.class,
            ContainCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class TrailWardenCli implements Callable<Integer> {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        // picocli's own exit codes are ours: 2 for invalid input, 1 for an exception while running.
        return new CommandLine(new TrailWardenCli());
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    /** This build's version (from the Maven build) and the Flink it runs on. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = TrailWardenCli.class.getResourceAsStream("/io/trailwarden/version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {
                "trailwarden " + properties.getProperty("version", "(unknown version)"),
                "Apache Flink " + EnvironmentInformation.getVersion(),
                "Java " + System.getProperty("java.version")
            };
        }
    }
}
