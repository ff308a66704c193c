package io.trailwarden.cli;

import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.finding.SafeText;
import io.trailwarden.respond.AwsClients;
import io.trailwarden.respond.Release;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.exception.SdkException;

@Command(
        name = "release",
        mixinStandardHelpOptions = true,
        description = {
            "Undo a TrailWarden quarantine: remove its inline policy (and AWSDenyAll when it attached that),"
                    + " reactivate only the access keys it deactivated, and record the release in tags. A console password it deleted cannot be"
                    + " restored; the command prints how to set a new one.",
            "Credentials come from the AWS SDK's default chain (environment, profile, instance role)."
        })
final class ReleaseCommand extends ConfiguredCommand {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Identity identity;

    static final class Identity {
        @Option(names = "--user", paramLabel = "NAME", description = "The IAM user to release.")
        String user;

        @Option(names = "--role", paramLabel = "NAME", description = "The IAM role to release.")
        String role;
    }

    @Option(names = "--account", paramLabel = "ID",
            description = "The account the identity is in, when it is not the job's own"
                    + " (TrailWarden.Response.ownAccountId); reached through the responder role there.")
    String account;

    @Option(names = "--reactivate-keys", split = ",", paramLabel = "KEY_ID",
            description = "Access keys the containment deactivated, as its alert and audit record list them;"
                    + " needed when the user's tags could not hold that record. Only these (and those the tags"
                    + " name) are reactivated.")
    List<String> keys = new ArrayList<>();

    @Option(names = "--detach-deny-all",
            description = "Also detach the AWS-managed AWSDenyAll policy, which the containment attached when"
                    + " the inline deny could not be written (its alert says so).")
    boolean detachDenyAll;

    @Override
    protected int run(TrailWardenConfig loaded, PrintWriter out, PrintWriter err) throws Exception {
        try (AwsClients clients = AwsClients.withDefaultCredentials(loaded.aws, loaded.response)) {
            Release release = new Release(clients, loaded.response.quarantinePolicyName, Instant::now);
            List<String> report = identity.user != null
                    ? release.releaseUser(account, identity.user, keys, detachDenyAll)
                    : release.releaseRole(account, identity.role, detachDenyAll);
            report.forEach(line -> out.println("- " + SafeText.safe(line)));
            out.flush();
            return TrailWardenCli.OK;
        } catch (SdkException e) {
            err.println("release failed: " + SafeText.safe(e.getMessage()));
            err.flush();
            return TrailWardenCli.FAILED;
        }
    }
}
