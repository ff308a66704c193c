package io.trailwarden.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrailWardenConfigTest {
    private static final String USER_ARN = "arn:aws:iam::229654561268:user/provisioner";
    private static final String ROLE_ARN = "arn:aws:iam::229654561268:role/iam-pipeline";

    @TempDir
    Path dir;

    @Test
    void defaultsAreSafe() {
        TrailWardenConfig config = TrailWardenConfig.defaults();

        assertThat(config.response.dryRun).isTrue();
        assertThat(config.lists.lists.get("allowedProvisioners")).isEmpty();
        assertThat(config.detection.outOfOrderness).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.detection.dedupTtl).isEqualTo(Duration.ofHours(1));
        assertThat(config.detection.allowedLateness).as("the EventBridge retry horizon").isEqualTo(Duration.ofHours(24));
    }

    @Test
    void aFileInMsfShapeIsReadIntoTypedSettings() throws Exception {
        Path file = write("["
                + "{\"PropertyGroupId\": \"TrailWarden.Detection\", \"PropertyMap\": {\"outOfOrderness\": \"2m\", \"dedupTtl\": \"PT6H\"}},"
                + "{\"PropertyGroupId\": \"TrailWarden.Response\", \"PropertyMap\": {\"dryRun\": \"false\","
                + " \"protectedPrincipals\": \"" + ROLE_ARN + "\"}},"
                + "{\"PropertyGroupId\": \"TrailWarden.Lists\", \"PropertyMap\": {"
                + " \"allowedProvisioners\": \"" + USER_ARN + ", " + ROLE_ARN + "\"}}]");

        TrailWardenConfig config = TrailWardenConfig.from(PropertyGroups.fromJsonFile(file));

        assertThat(config.detection.outOfOrderness).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.detection.dedupTtl).isEqualTo(Duration.ofHours(6));
        assertThat(config.response.dryRun).isFalse();
        assertThat(config.response.protectedPrincipals).containsExactly(ROLE_ARN);
        assertThat(config.response.asDryRun().dryRun).isTrue();
        assertThat(config.response.asDryRun().protectedPrincipals).containsExactly(ROLE_ARN);
        assertThat(config.lists.lists.get("allowedProvisioners")).containsExactly(USER_ARN, ROLE_ARN);
    }

    @Test
    void everyErrorOfEveryGroupIsReportedAtOnceNamingGroupAndKey() {
        PropertyGroups groups = PropertyGroups.of(Map.of(
                "TrailWarden.Detection", Map.of("outOfOrderness", "soon", "idleness", "0s", "dedupTTL", "1h"),
                // The allow-list lives in TrailWarden.Lists: one left in Response must stop the start, not be ignored.
                "TrailWarden.Response", Map.of("dryRun", "yes", "allowedProvisioners", "christophe, " + USER_ARN),
                "TrailWarden.Responses", Map.of("dryRun", "true"),
                "SomeoneElse.Group", Map.of("anything", "goes")));

        assertThatThrownBy(() -> TrailWardenConfig.from(groups))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).containsExactlyInAnyOrder(
                        "TrailWarden.Detection.outOfOrderness: must be a duration such as 30s, 5m, 2h or PT5M, not 'soon'",
                        "TrailWarden.Detection.idleness: must be between PT1S and PT1H, not PT0S",
                        "TrailWarden.Detection.dedupTTL: unknown key (known: allowedLateness, dedupTtl, expectedAccounts, idleness, maxClockSkew, maxRuleWindow, outOfOrderness)",
                        "TrailWarden.Response.dryRun: must be true or false, not 'yes'",
                        "TrailWarden.Response.allowedProvisioners: unknown key (known: accounts, actionTimeout,"
                                + " backoffBase, backoffMax, breakGlassRoleArn, containableRoles, containmentWindow,"
                                + " criticalReserve, dryRun, dryRunRules, maxAttempts, maxContainments, maxInFlight,"
                                + " ownAccountId, ownRoleArns, protectedPrincipals, quarantinePolicyName,"
                                + " responderRoleName, retryBackoffBase, retryBackoffMax, retryFor)",
                        "TrailWarden.Responses: unknown property group (known: "
                                + String.join(", ", TrailWardenConfig.knownGroups()) + ")"));
    }

    /** A trusted principal exempts its findings from containment: only exact user and role ARNs may be trusted. */
    @Test
    void trustedAutomationHoldsExactUserAndRoleArnsOnly() throws Exception {
        String role = "arn:aws:iam::111122223333:role/automation/key-rotator";
        String user = "arn:aws:iam::111122223333:user/ci/deployer";
        TrailWardenConfig config = TrailWardenConfig.from(PropertyGroups.of(Map.of(
                ListsConfig.GROUP, Map.of(ListsConfig.TRUSTED_AUTOMATION, role + ", " + user))));
        assertThat(config.lists.trustedAutomation()).containsExactly(role, user);
        assertThat(TrailWardenConfig.defaults().lists.trustedAutomation()).isEmpty();

        for (String refused : List.of("*", "arn:aws:iam::111122223333:role/*", "arn:aws:iam::*:role/automation/key-rotator",
                "arn:aws:iam::111122223333:role/automation/*", "arn:aws:sts::111122223333:assumed-role/key-rotator/session",
                "arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:role/automation/", "key-rotator",
                "arn:aws:iam::111122223333:group/admins")) {
            assertThatThrownBy(() -> TrailWardenConfig.from(PropertyGroups.of(Map.of(
                    ListsConfig.GROUP, Map.of(ListsConfig.TRUSTED_AUTOMATION, refused)))))
                    .as(refused).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                            .singleElement().asString().contains("trustedAutomation", "is not the exact ARN"));
        }
    }

    @Test
    void theTamperingListsDefaultToTheDeployedNamesAndMustKnowTheQuarantinePolicy() throws Exception {
        TrailWardenConfig defaults = TrailWardenConfig.defaults();
        assertThat(defaults.lists.lists.get("trailwardenApplications")).containsExactly("trailwarden");
        assertThat(defaults.lists.lists.get("quarantinePolicies")).containsExactly(defaults.response.quarantinePolicyName);
        assertThat(defaults.lists.lists.get("trailwardenOperators")).isEmpty();

        PropertyGroups renamed = PropertyGroups.of(Map.of("TrailWarden.Response", Map.of("quarantinePolicyName", "Quarantine2"),
                "TrailWarden.Lists", Map.of("trailwardenTopics", "tw-prod-alerts")));
        assertThatThrownBy(() -> TrailWardenConfig.from(renamed))
                .as("a quarantine the tampering rules would not recognise stops the start")
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).containsExactly(
                        "TrailWarden.Lists.quarantinePolicies: must include TrailWarden.Response.quarantinePolicyName \"Quarantine2\""));

        PropertyGroups consistent = PropertyGroups.of(Map.of("TrailWarden.Response", Map.of("quarantinePolicyName", "Quarantine2"),
                "TrailWarden.Lists", Map.of("quarantinePolicies", "quarantine2, TrailWardenQuarantine")));
        assertThat(TrailWardenConfig.from(consistent).lists.lists.get("quarantinePolicies"))
                .containsExactly("quarantine2", "TrailWardenQuarantine");
    }

    @Test
    void aFileOfTheWrongShapeIsReportedWithItsName() throws Exception {
        Path file = write("{\"TrailWarden.Response\": {\"dryRun\": false}}");

        assertThatThrownBy(() -> PropertyGroups.fromJsonFile(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .containsExactly(file + ": expected a JSON array of {\"PropertyGroupId\": ..., \"PropertyMap\": {...}}"));
    }

    @Test
    void describeListsEveryEffectiveSettingOfEveryGroup() {
        List<String> lines = TrailWardenConfig.defaults().describe();

        assertThat(lines).contains(
                "TrailWarden.Detection.outOfOrderness = PT30S",
                "TrailWarden.Detection.dedupTtl = PT1H",
                "TrailWarden.Detection.allowedLateness = PT24H",
                "TrailWarden.Response.dryRun = true",
                "TrailWarden.Response.protectedPrincipals = []");
        for (String group : TrailWardenConfig.knownGroups()) {
            assertThat(lines).anyMatch(line -> line.startsWith(group + "."));
        }
    }

    private Path write(String json) throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, json);
        return file;
    }
}
