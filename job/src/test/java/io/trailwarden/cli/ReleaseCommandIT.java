package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.testing.MotoClients;
import io.trailwarden.testing.MotoServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.iam.model.Tag;

/** {@code trailwarden release --user} against moto, on a user quarantined the way TrailWarden tags it. */
class ReleaseCommandIT {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    @Test
    void releaseRemovesThePolicyAndReactivatesTheRecordedKey(@TempDir Path dir) throws Exception {
        String keyId;
        try (IamClient iam = MotoClients.iam(MOTO, MotoServer.DEFAULT_ACCOUNT)) {
            iam.createUser(r -> r.userName("quarantined"));
            keyId = iam.createAccessKey(r -> r.userName("quarantined")).accessKey().accessKeyId();
            String key = keyId;
            iam.updateAccessKey(r -> r.userName("quarantined").accessKeyId(key).status(StatusType.INACTIVE));
            iam.putUserPolicy(r -> r.userName("quarantined").policyName("TrailWardenQuarantine").policyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}]}"));
            iam.tagUser(r -> r.userName("quarantined").tags(
                    Tag.builder().key("trailwarden:deactivated-keys").value(key).build()));
        }
        Path config = dir.resolve("config.json");
        Files.writeString(config, "[{\"PropertyGroupId\":\"TrailWarden.Aws\",\"PropertyMap\":{\"region\":\"us-east-1\","
                + "\"endpointOverride\":\"" + MOTO.endpoint() + "\"}},{\"PropertyGroupId\":\"TrailWarden.Response\","
                + "\"PropertyMap\":{\"ownAccountId\":\"" + MotoServer.DEFAULT_ACCOUNT + "\"}}]");
        StringWriter out = new StringWriter();
        CommandLine cli = TrailWardenCli.commandLine();
        cli.setOut(new PrintWriter(out));

        int exit = cli.execute("release", "--user", "quarantined", "--config", config.toString());

        assertThat(exit).as(out.toString()).isEqualTo(0);
        assertThat(out.toString()).contains("- removed inline policy TrailWardenQuarantine from user quarantined",
                "- reactivated access key " + keyId);
        try (IamClient iam = MotoClients.iam(MOTO, MotoServer.DEFAULT_ACCOUNT)) {
            assertThat(iam.listUserPolicies(r -> r.userName("quarantined")).policyNames()).isEmpty();
            assertThat(iam.listAccessKeys(r -> r.userName("quarantined")).accessKeyMetadata())
                    .singleElement().satisfies(k -> assertThat(k.status()).isEqualTo(StatusType.ACTIVE));
        }
    }
}
