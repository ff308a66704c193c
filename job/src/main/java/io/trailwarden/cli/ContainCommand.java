package io.trailwarden.cli;

import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.finding.SafeText;
import io.trailwarden.finding.Target;
import io.trailwarden.respond.ActionResult;
import io.trailwarden.respond.AlertFormatter;
import io.trailwarden.respond.AlertPublisher;
import io.trailwarden.respond.AwsClients;
import io.trailwarden.respond.IamContainment;
import io.trailwarden.respond.Outcome;
import io.trailwarden.respond.ResponseExecutor;
import io.trailwarden.respond.ResponsePlanner;
import io.trailwarden.respond.ResponseReport;
import java.io.PrintWriter;
import java.time.Instant;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "contain",
        mixinStandardHelpOptions = true,
        description = {
            "Carry out a containment the blast-radius cap held back: the capped alert prints this command"
                    + " for each target. Every other safety rail still applies (protected principals, accounts,"
                    + " dry-run); the outcome is alerted and printed.",
            "Credentials come from the AWS SDK's default chain (environment, profile, instance role)."
        })
final class ContainCommand extends ConfiguredCommand {
    @Option(names = "--finding", required = true, paramLabel = "ID", description = "The finding whose containment was held back.")
    String findingId;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Identity identity;

    static final class Identity {
        @Option(names = "--user", paramLabel = "NAME", description = "The IAM user to contain.")
        String user;

        @Option(names = "--role", paramLabel = "NAME", description = "The IAM role to contain.")
        String role;
    }

    @Option(names = "--account", required = true, paramLabel = "ID", description = "The account the identity is in.")
    String account;

    @Override
    protected int run(TrailWardenConfig loaded, PrintWriter out, PrintWriter err) throws Exception {
        Target target = identity.user != null
                ? Target.of(Target.Kind.IAM_USER, identity.user, null, account)
                : Target.of(Target.Kind.IAM_ROLE, identity.role, null, account);
        try (AwsClients clients = AwsClients.withDefaultCredentials(loaded.aws, loaded.response)) {
            ResponseExecutor executor = new ResponseExecutor(
                    new IamContainment(clients, loaded.response.quarantinePolicyName,
                            ResponsePlanner.protectedPatterns(loaded.response), Instant::now,
                            loaded.response.actionTimeout),
                    new AlertFormatter(loaded.alerts),
                    loaded.alerts.topicArn == null ? null : new AlertPublisher(clients.sns(), loaded.alerts.topicArn),
                    Instant::now);
            ResponsePlanner planner = new ResponsePlanner(loaded.response, loaded.lists.trustedAutomation());
            ResponseReport report = executor.execute(planner.approve(findingId, target));
            boolean failed = false;
            for (ActionResult result : report.results) {
                out.println("- " + result.action + " " + SafeText.safe(result.target) + ": " + result.outcome
                        + " - " + SafeText.safe(result.detail));
                if (result.releaseCommand != null) {
                    out.println("  undo with: " + SafeText.safe(result.releaseCommand));
                }
                failed |= result.outcome == Outcome.FAILED || result.outcome == Outcome.PARTIAL;
            }
            out.flush();
            return failed ? TrailWardenCli.FAILED : TrailWardenCli.OK;
        }
    }
}
