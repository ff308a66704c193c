package io.trailwarden.respond;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.config.AwsConfig;
import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.ResponseConfig;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.event.EventJson;
import io.trailwarden.finding.Target;
import io.trailwarden.testing.FaultProxy;
import io.trailwarden.testing.MotoClients;
import io.trailwarden.testing.MotoServer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * Containment against an attacker who shapes the target: filled quotas (moto does not enforce IAM's
 * policy-size and tag quotas, so the fault proxy answers LimitExceeded as IAM would), a key created
 * mid-containment, a decoy quarantine policy, IAM paths and letter case around protected principals.
 */
class ContainmentUnderAttackIT {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    private static final String ACCOUNT = MotoServer.DEFAULT_ACCOUNT;
    private static final String USER = "backdoor";
    private static final Instant NOW = Instant.parse("2026-11-22T02:00:00Z");

    private IamClient iam;
    private FaultProxy proxy;
    private final Map<String, String> settings = new HashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        MOTO.reset();
        iam = MotoClients.iam(MOTO, ACCOUNT);
        proxy = new FaultProxy(MOTO.endpoint());
        settings.put("dryRun", "false");
        settings.put("ownAccountId", ACCOUNT);
        settings.put("maxAttempts", "1");
    }

    @AfterEach
    void tearDown() {
        proxy.close();
        iam.close();
    }

    private ResponseConfig config() throws Exception {
        return TrailWardenConfig.from(PropertyGroups.of(Map.of(ResponseConfig.GROUP, settings))).response;
    }

    private AwsClients clients(ResponseConfig response) {
        return new AwsClients(new AwsConfig(MotoServer.REGION, proxy.endpoint().toString()), response, MotoServer.anyCredentials());
    }

    private ContainmentResult contain(Target target) throws Exception {
        ResponseConfig response = config();
        try (AwsClients clients = clients(response)) {
            return new IamContainment(clients, response.quarantinePolicyName, ResponsePlanner.protectedPatterns(response), () -> NOW,
                    response.actionTimeout)
                    .contain(target, "tw-test", NOW, List.of());
        }
    }

    private static Target user(String name) {
        return Target.of(Target.Kind.IAM_USER, name, "arn:aws:iam::" + ACCOUNT + ":user/" + name, ACCOUNT);
    }

    private Map<String, StatusType> keys(String user) {
        return iam.listAccessKeys(r -> r.userName(user)).accessKeyMetadata().stream()
                .collect(Collectors.toMap(AccessKeyMetadata::accessKeyId, AccessKeyMetadata::status));
    }

    private boolean hasPassword(String user) {
        try {
            iam.getLoginProfile(r -> r.userName(user));
            return true;
        } catch (NoSuchEntityException e) {
            return false;
        }
    }

    private List<String> attached(String user) {
        return iam.listAttachedUserPolicies(r -> r.userName(user)).attachedPolicies().stream()
                .map(p -> p.policyArn()).collect(Collectors.toList());
    }

    /** Issue 10 item 2: a full inline-policy quota and 50 tags used to keep the key and password alive. */
    @Test
    void filledQuotasFallBackToAwsDenyAllAndKeysAndPasswordGoAnywayAndReleaseUndoesIt() throws Exception {
        AccessKey key = MotoFixture.backdoorUser(iam, USER);
        proxy.inject(FaultProxy.Kind.LIMIT_EXCEEDED, 100, "Action=PutUserPolicy&");
        proxy.inject(FaultProxy.Kind.LIMIT_EXCEEDED, 100, "Action=TagUser&");

        ContainmentResult result = contain(user(USER));

        assertThat(result.outcome).as(result.detail).isEqualTo(Outcome.DONE);
        assertThat(result.detail).contains("attached the AWS-managed arn:aws:iam::aws:policy/AWSDenyAll instead",
                "could not tag the user with the release record");
        assertThat(attached(USER)).containsExactly("arn:aws:iam::aws:policy/AWSDenyAll");
        assertThat(keys(USER)).containsOnly(Map.entry(key.accessKeyId(), StatusType.INACTIVE));
        assertThat(hasPassword(USER)).isFalse();
        assertThat(MotoFixture.userTags(iam, USER)).isEmpty();
        String release = ResponseExecutor.releaseCommand(user(USER), result);
        assertThat(release).isEqualTo("trailwarden release --user backdoor --account " + ACCOUNT
                + " --reactivate-keys " + key.accessKeyId() + " --detach-deny-all");

        proxy.clear();
        ResponseConfig response = config();
        try (AwsClients clients = clients(response)) {
            new Release(clients, response.quarantinePolicyName, () -> NOW).releaseUser(ACCOUNT, USER,
                    result.deactivatedKeys, result.managedDenyAttached);
        }
        assertThat(attached(USER)).isEmpty();
        assertThat(keys(USER)).containsOnly(Map.entry(key.accessKeyId(), StatusType.ACTIVE));
        assertThat(iam.listUserPolicies(r -> r.userName(USER)).policyNames()).containsExactly("admin");
    }

    @Test
    void whenNoDenyCanBeWrittenTheContainmentIsPartialAndKeysAndPasswordStillGo() throws Exception {
        AccessKey key = MotoFixture.backdoorUser(iam, USER);
        proxy.inject(FaultProxy.Kind.LIMIT_EXCEEDED, 100, "Action=PutUserPolicy&");
        proxy.inject(FaultProxy.Kind.LIMIT_EXCEEDED, 100, "Action=AttachUserPolicy&");

        ContainmentResult result = contain(user(USER));

        assertThat(result.outcome).isEqualTo(Outcome.PARTIAL);
        assertThat(result.detail).contains("DOES NOT HOLD: ", "no deny policy holds (inline: Cannot exceed quota",
                "holds: ", "deactivated access key " + key.accessKeyId(), "deleted the console password");
        assertThat(keys(USER)).containsOnly(Map.entry(key.accessKeyId(), StatusType.INACTIVE));
        assertThat(hasPassword(USER)).isFalse();
    }

    /** Issue 10 item 2: a key created while containment runs used to stay active behind a DONE. */
    @Test
    void aKeyCreatedDuringContainmentIsDeactivatedToo() throws Exception {
        AccessKey first = MotoFixture.backdoorUser(iam, USER);
        String[] second = new String[1];
        proxy.before(() -> second[0] = iam.createAccessKey(r -> r.userName(USER)).accessKey().accessKeyId(),
                "Action=UpdateAccessKey&");

        ContainmentResult result = contain(user(USER));

        assertThat(result.outcome).isEqualTo(Outcome.DONE);
        assertThat(keys(USER)).containsOnly(Map.entry(first.accessKeyId(), StatusType.INACTIVE),
                Map.entry(second[0], StatusType.INACTIVE));
        assertThat(result.deactivatedKeys).containsExactlyInAnyOrder(first.accessKeyId(), second[0]);
    }

    /**
     * Issue 10 items 6 and 8: IAM starts hanging in the middle of a containment. The attempt stops calling
     * IAM at its deadline ({@code actionTimeout}) instead of waiting out one call timeout per remaining step
     * (about ten of them). Such an attempt used to outlive the responder's timeout by minutes, holding a
     * responder thread and the target's next attempt: the interrupt that should stop it is cleared by the
     * SDK whenever the SDK's own call timeout fired as well.
     */
    @Test
    void anAttemptThatRunsOutOfTimeMakesNoFurtherCalls() throws Exception {
        MotoFixture.backdoorUser(iam, USER);
        // One attempt may take 30 s; each call (one HTTP attempt, maxAttempts 1) gets a third of it.
        settings.put("actionTimeout", "30s");
        proxy.before(() -> proxy.inject(FaultProxy.Kind.HANG, Integer.MAX_VALUE, "Version=2010-05-08"),
                "Action=PutUserPolicy&");
        ResponseConfig response = config();
        ContainmentResult result;
        long started;
        try (AwsClients clients = clients(response)) {
            // Who the responder is, asked of STS once per client: not part of what is measured.
            clients.callerArn();
            started = System.nanoTime();
            result = new IamContainment(clients, response.quarantinePolicyName, ResponsePlanner.protectedPatterns(response),
                    Instant::now, response.actionTimeout).contain(user(USER), "tw-test", NOW, List.of());
        }
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(result.outcome).isEqualTo(Outcome.PARTIAL);
        assertThat(result.detail).contains("not attempted: the attempt ran out of time");
        // The deadline plus at most the one call under way then (10 s); each of the remaining steps would add 10 s.
        assertThat(tookMillis).isLessThan(50_000);
    }

    /** Issue 10 item 3: a look-alike policy that allows, with a far-future cut-off, used to pass for a quarantine. */
    @Test
    void aDecoyQuarantinePolicyOnARoleIsReplacedByTheRealDeny() throws Exception {
        iam.createRole(r -> r.roleName("ci-deployer").assumeRolePolicyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\"}]}"));
        iam.putRolePolicy(r -> r.roleName("ci-deployer").policyName("TrailWardenQuarantine").policyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:GetCallerIdentity\","
                        + "\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":{\"aws:TokenIssueTime\":\"2099-01-01T00:00:00Z\"}}}]}"));

        ContainmentResult result = contain(Target.of(Target.Kind.IAM_ROLE, "ci-deployer", null, ACCOUNT));

        assertThat(result.outcome).isEqualTo(Outcome.DONE);
        JsonNode statement = EventJson.readTree(URLDecoder.decode(iam.getRolePolicy(r -> r.roleName("ci-deployer")
                .policyName("TrailWardenQuarantine")).policyDocument(), StandardCharsets.UTF_8)).at("/Statement/0");
        assertThat(statement.get("Effect").asText()).isEqualTo("Deny");
        assertThat(statement.get("Action").asText()).isEqualTo("*");
        assertThat(statement.at("/Condition/DateLessThan/aws:TokenIssueTime").asText()).isEqualTo("2026-11-22T02:00:00Z");
    }

    /** Issue 10 item 5: the finding's ARN has no IAM path, and IAM names ignore case. */
    @Test
    void protectionIsJudgedOnTheRealArnWithItsPathAndIgnoresCase() throws Exception {
        settings.put("protectedPrincipals", "arn:aws:iam::" + ACCOUNT + ":user/admins/*, arn:aws:iam::" + ACCOUNT + ":user/Break-Glass");
        iam.createUser(r -> r.userName("security-admin").path("/admins/"));
        AccessKey adminKey = iam.createAccessKey(r -> r.userName("security-admin")).accessKey();
        iam.createUser(r -> r.userName("break-glass"));

        ContainmentResult admin = contain(user("security-admin"));
        ContainmentResult breakGlass = contain(user("break-glass"));

        assertThat(admin.outcome).isEqualTo(Outcome.SKIPPED_PROTECTED);
        assertThat(admin.detail).contains("arn:aws:iam::" + ACCOUNT + ":user/admins/security-admin");
        assertThat(breakGlass.outcome).isEqualTo(Outcome.SKIPPED_PROTECTED);
        assertThat(keys("security-admin")).containsOnly(Map.entry(adminKey.accessKeyId(), StatusType.ACTIVE));
        assertThat(iam.listUserPolicies(r -> r.userName("security-admin")).policyNames()).isEmpty();
    }
}
