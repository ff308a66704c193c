package io.trailwarden.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Response, Alerts and Aws property groups: defaults, typed values, every error reported at once. */
class ResponseGroupsTest {
    @Test
    void defaultsAreTheSafeOnes() {
        TrailWardenConfig config = TrailWardenConfig.defaults();
        assertThat(config.response.dryRun).isTrue();
        assertThat(config.response.maxContainments).isEqualTo(10);
        assertThat(config.response.containmentWindow).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.response.maxInFlight).isEqualTo(32);
        assertThat(config.response.quarantinePolicyName).isEqualTo("TrailWardenQuarantine");
        assertThat(config.response.containableAccounts()).isEmpty();
        assertThat(config.alerts.topicArn).isNull();
        assertThat(config.aws.region).isEqualTo("us-east-1");
        assertThat(config.aws.endpointOverride).isNull();
    }

    @Test
    void valuesAreReadAndTyped() throws Exception {
        TrailWardenConfig config = TrailWardenConfig.from(PropertyGroups.of(Map.of(
                ResponseConfig.GROUP, Map.of("dryRun", "false", "ownAccountId", "111122223333",
                        "accounts", "111122223333, 444455556666", "maxContainments", "3", "containmentWindow", "1h",
                        "protectedPrincipals", "arn:aws:iam::*:role/Admin*"),
                AlertConfig.GROUP, Map.of("topicArn", "arn:aws:sns:eu-west-1:111122223333:trailwarden-alerts"),
                AwsConfig.GROUP, Map.of("region", "eu-west-1", "endpointOverride", "http://127.0.0.1:5000"))));
        assertThat(config.response.dryRun).isFalse();
        assertThat(config.response.containableAccounts()).containsExactly("111122223333", "444455556666");
        assertThat(config.response.containmentWindow).isEqualTo(Duration.ofHours(1));
        assertThat(config.response.asDryRun().dryRun).isTrue();
        assertThat(config.response.asDryRun().protectedPrincipals).containsExactly("arn:aws:iam::*:role/Admin*");
        assertThat(config.alerts.topicArn).isEqualTo("arn:aws:sns:eu-west-1:111122223333:trailwarden-alerts");
        assertThat(config.aws.endpointOverride).isEqualTo("http://127.0.0.1:5000");
    }

    @Test
    void everyMistakeIsReportedWithGroupAndKey() {
        assertThatThrownBy(() -> TrailWardenConfig.from(PropertyGroups.of(Map.of(
                ResponseConfig.GROUP, Map.of("dryRun", "false", "accounts", "12345", "maxInFlight", "0",
                        "backoffBase", "2s", "backoffMax", "1s", "protectedPrincipal", "typo"),
                AlertConfig.GROUP, Map.of("topicArn", "trailwarden-alerts"),
                AwsConfig.GROUP, Map.of("region", "Europe", "accessKeyId", "AKIA0000")))))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).containsExactlyInAnyOrder(
                        "TrailWarden.Response.accounts: '12345' is not a 12-digit account id",
                        "TrailWarden.Response.maxInFlight: must be between 1 and 1000, not 0",
                        "TrailWarden.Response.backoffMax: must not be shorter than backoffBase",
                        "TrailWarden.Response.protectedPrincipal: unknown key (known: accounts, actionTimeout,"
                                + " backoffBase, backoffMax, breakGlassRoleArn, containableRoles, containmentWindow,"
                                + " criticalReserve, dryRun, dryRunRules, maxAttempts, maxContainments, maxInFlight,"
                                + " ownAccountId, ownRoleArns, protectedPrincipals, quarantinePolicyName,"
                                + " responderRoleName, retryBackoffBase, retryBackoffMax, retryFor)",
                        "TrailWarden.Alerts.topicArn: is not an SNS topic ARN: 'trailwarden-alerts'",
                        "TrailWarden.Aws.region: is not an AWS region name: 'Europe'",
                        "TrailWarden.Aws.accessKeyId: unknown key (known: endpointOverride, region)"));
    }
}
