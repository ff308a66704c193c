package io.trailwarden.respond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.config.AlertConfig;
import io.trailwarden.config.AwsConfig;
import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.ResponseConfig;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.event.EventJson;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.finding.Target;
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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.StatusType;

/** Containment, alerts, safety rails and release against a real moto server over HTTP. */
class ContainmentIT {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    private static final String ACCOUNT = MotoServer.DEFAULT_ACCOUNT;
    private static final String MEMBER_ACCOUNT = "111111111111";
    private static final Instant NOW = Instant.parse("2026-11-22T02:00:00Z");

    private IamClient iam;
    private final Map<String, String> settings = new HashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        MOTO.reset();
        iam = MotoClients.iam(MOTO, ACCOUNT);
        settings.put("dryRun", "false");
        settings.put("ownAccountId", ACCOUNT);
        settings.put("accounts", ACCOUNT + "," + MEMBER_ACCOUNT);
        settings.put("ownRoleArns", "arn:aws:iam::" + ACCOUNT + ":role/TrailWardenJob");
        settings.put("containableRoles", "arn:aws:iam::*:role/ci-*");
    }

    @AfterEach
    void tearDown() {
        iam.close();
    }

    private ResponseConfig responseConfig() throws Exception {
        return TrailWardenConfig.from(PropertyGroups.of(Map.of(ResponseConfig.GROUP, settings))).response;
    }

    private AwsClients clients(ResponseConfig response, StaticCredentialsProvider credentials) {
        return new AwsClients(new AwsConfig(MotoServer.REGION, MOTO.endpoint().toString()), response, credentials);
    }

    private ResponseReport respond(Finding finding, String topicArn) throws Exception {
        ResponseConfig response = responseConfig();
        try (AwsClients clients = clients(response, MotoServer.anyCredentials())) {
            ResponseExecutor executor = new ResponseExecutor(
                    new IamContainment(clients, response.quarantinePolicyName, ResponsePlanner.protectedPatterns(response), () -> NOW,
                    response.actionTimeout),
                    new AlertFormatter(new AlertConfig(topicArn, 50, 256)),
                    new AlertPublisher(clients.sns(), topicArn), () -> NOW);
            return executor.execute(new ResponsePlanner(response, List.of()).plan(finding));
        }
    }

    private static ActionResult containResult(ResponseReport report) {
        return report.results.stream().filter(r -> r.action == PlannedAction.Type.CONTAIN).findFirst().orElseThrow();
    }

    private Map<String, StatusType> keyStatuses(IamClient client, String user) {
        return client.listAccessKeys(r -> r.userName(user)).accessKeyMetadata().stream()
                .collect(Collectors.toMap(AccessKeyMetadata::accessKeyId, AccessKeyMetadata::status));
    }

    private static String decoded(String policyDocument) {
        return EventJson.readTree(URLDecoder.decode(policyDocument, StandardCharsets.UTF_8)).toString();
    }

    @Test
    void theCorpusBackdoorUserLosesPolicyKeysAndPasswordAndTheAlertArrives() throws Exception {
        AccessKey key = MotoFixture.backdoorUser(iam, "malicious-iam-user");
        MotoFixture.AlertInbox inbox = MotoFixture.inbox(MOTO, "alerts");
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "malicious-iam-user");

        ResponseReport report = respond(finding, inbox.topicArn);

        assertThat(containResult(report).outcome).isEqualTo(Outcome.DONE);
        assertThat(containResult(report).detail).contains("deactivated access key " + key.accessKeyId(),
                "deleted the console password");
        String policy = iam.getUserPolicy(r -> r.userName("malicious-iam-user").policyName("TrailWardenQuarantine")).policyDocument();
        JsonNode statement = EventJson.readTree(decoded(policy)).at("/Statement/0");
        assertThat(statement.get("Effect").asText()).isEqualTo("Deny");
        assertThat(statement.get("Action").asText()).isEqualTo("*");
        assertThat(statement.get("Resource").asText()).isEqualTo("*");
        assertThat(keyStatuses(iam, "malicious-iam-user")).containsExactly(Map.entry(key.accessKeyId(), StatusType.INACTIVE));
        assertThatThrownBy(() -> iam.getLoginProfile(r -> r.userName("malicious-iam-user")))
                .isInstanceOf(NoSuchEntityException.class);
        assertThat(MotoFixture.userTags(iam, "malicious-iam-user"))
                .containsEntry(QuarantineTags.FINDING_ID, finding.findingId)
                .containsEntry(QuarantineTags.CONTAINED_AT, "2026-11-22T02:00:00Z")
                .containsEntry(QuarantineTags.DEACTIVATED_KEYS, key.accessKeyId())
                .containsEntry(QuarantineTags.LOGIN_PROFILE_DELETED, "2026-11-22T02:00:00Z")
                .containsEntry(QuarantineTags.POLICY, "TrailWardenQuarantine");

        List<JsonNode> alerts = inbox.receive();
        assertThat(alerts).hasSize(1);
        JsonNode envelope = alerts.get(0);
        assertThat(envelope.get("Subject").asText())
                .isEqualTo("TrailWarden HIGH: IAM user created and given an access key [iam-backdoor-admin-user]");
        assertThat(envelope.at("/MessageAttributes/severity/Value").asText()).isEqualTo("HIGH");
        assertThat(envelope.at("/MessageAttributes/ruleId/Value").asText()).isEqualTo("iam-backdoor-admin-user");
        assertThat(envelope.at("/MessageAttributes/account/Value").asText()).isEqualTo(ACCOUNT);
        String message = envelope.get("Message").asText();
        assertThat(message).contains("CONTAIN arn:aws:iam::123456789012:user/malicious-iam-user: DONE",
                "deactivated access key " + key.accessKeyId(), "event id 3346344c-5a3e-429e-8405-420f98f75d6e",
                "trailwarden release --user malicious-iam-user --account 123456789012 --reactivate-keys " + key.accessKeyId());
        JsonNode document = AlertFormatterTest.jsonPart(message);
        assertThat(document.at("/results/0/outcome").asText()).isEqualTo("DONE");
        assertThat(document.at("/release/0").asText()).isEqualTo("trailwarden release --user malicious-iam-user --account 123456789012 --reactivate-keys " + key.accessKeyId());
        assertThat(report.results).extracting(r -> r.action, r -> r.outcome).contains(
                org.assertj.core.groups.Tuple.tuple(PlannedAction.Type.ALERT, Outcome.DONE));
        assertThat(report.deadLetters).isEmpty();
    }

    @Test
    void withAuthorisationOnTheQuarantinedUsersKeyIsDenied() throws Exception {
        AccessKey responderKey = MotoFixture.backdoorUser(iam, "trailwarden-responder");
        AccessKey attackerKey = MotoFixture.backdoorUser(iam, "malicious-iam-user");
        StaticCredentialsProvider attacker = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(attackerKey.accessKeyId(), attackerKey.secretAccessKey()));
        StaticCredentialsProvider responder = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(responderKey.accessKeyId(), responderKey.secretAccessKey()));
        MOTO.enableAuthorisation();
        try (IamClient asAttacker = MotoClients.iam(MOTO, attacker)) {
            assertThat(asAttacker.listUsers().users()).extracting(u -> u.userName()).contains("malicious-iam-user");

            ResponseConfig response = responseConfig();
            try (AwsClients clients = clients(response, responder)) {
                ContainmentResult result = new IamContainment(clients, response.quarantinePolicyName, ResponsePlanner.protectedPatterns(response), () -> NOW,
                    response.actionTimeout)
                        .contain(CorpusFindings.backdoorUser(ACCOUNT, "malicious-iam-user").target, "tw-test", NOW, List.of());
                assertThat(result.outcome).isEqualTo(Outcome.DONE);

                ContainmentResult self = new IamContainment(clients, response.quarantinePolicyName, ResponsePlanner.protectedPatterns(response), () -> NOW,
                    response.actionTimeout)
                        .contain(CorpusFindings.backdoorUser(ACCOUNT, "trailwarden-responder").target, "tw-test", NOW, List.of());
                assertThat(self.outcome).isEqualTo(Outcome.SKIPPED_PROTECTED);
                assertThat(self.detail).contains("the responder's own identity (arn:aws:iam::123456789012:user/trailwarden-responder)");
            }

            assertThatThrownBy(asAttacker::listUsers).isInstanceOf(IamException.class)
                    .satisfies(e -> {
                        assertThat(((IamException) e).statusCode()).isEqualTo(403);
                        // moto's error body is not in the shape the SDK parses an error code from; read it as sent.
                        assertThat(((IamException) e).awsErrorDetails().rawResponse().asUtf8String())
                                .contains("AccessDenied").contains("malicious-iam-user").contains("iam:ListUsers");
                    });
        } finally {
            MOTO.disableAuthorisation();
        }
    }

    @Test
    void aReplayedFindingChangesNothingAndSaysAlreadyContained() throws Exception {
        MotoFixture.backdoorUser(iam, "malicious-iam-user");
        MotoFixture.AlertInbox inbox = MotoFixture.inbox(MOTO, "alerts");
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "malicious-iam-user");
        respond(finding, inbox.topicArn);
        Map<String, String> tagsAfterFirst = MotoFixture.userTags(iam, "malicious-iam-user");
        Map<String, StatusType> keysAfterFirst = keyStatuses(iam, "malicious-iam-user");

        ResponseReport second = respond(finding, inbox.topicArn);

        assertThat(containResult(second).outcome).isEqualTo(Outcome.ALREADY_DONE);
        assertThat(containResult(second).detail).startsWith("already contained");
        assertThat(MotoFixture.userTags(iam, "malicious-iam-user")).isEqualTo(tagsAfterFirst);
        assertThat(keyStatuses(iam, "malicious-iam-user")).isEqualTo(keysAfterFirst);
        assertThat(inbox.receive()).hasSize(2).last()
                .satisfies(alert -> assertThat(alert.get("Message").asText()).contains(": ALREADY_DONE - already contained"));
    }

    @Test
    void releaseUndoesExactlyWhatTrailWardenDid() throws Exception {
        AccessKey activeKey = MotoFixture.backdoorUser(iam, "malicious-iam-user");
        AccessKey disabledByOwner = iam.createAccessKey(r -> r.userName("malicious-iam-user")).accessKey();
        iam.updateAccessKey(r -> r.userName("malicious-iam-user").accessKeyId(disabledByOwner.accessKeyId()).status(StatusType.INACTIVE));
        ResponseConfig response = responseConfig();
        try (AwsClients clients = clients(response, MotoServer.anyCredentials())) {
            new IamContainment(clients, response.quarantinePolicyName, ResponsePlanner.protectedPatterns(response), () -> NOW,
                    response.actionTimeout)
                    .contain(CorpusFindings.backdoorUser(ACCOUNT, "malicious-iam-user").target, "tw-test", NOW, List.of());

            List<String> report = new Release(clients, response.quarantinePolicyName, () -> NOW.plusSeconds(3600))
                    .releaseUser(ACCOUNT, "malicious-iam-user", List.of(), false);

            assertThat(report).contains("removed inline policy TrailWardenQuarantine from user malicious-iam-user",
                    "reactivated access key " + activeKey.accessKeyId());
            assertThat(report).anySatisfy(line -> assertThat(line).contains("cannot be restored",
                    "aws iam create-login-profile --user-name malicious-iam-user --password-reset-required"));
        }
        assertThat(keyStatuses(iam, "malicious-iam-user")).containsOnly(
                Map.entry(activeKey.accessKeyId(), StatusType.ACTIVE),
                Map.entry(disabledByOwner.accessKeyId(), StatusType.INACTIVE));
        assertThat(iam.listUserPolicies(r -> r.userName("malicious-iam-user")).policyNames()).containsExactly("admin");
        assertThat(MotoFixture.userTags(iam, "malicious-iam-user"))
                .containsEntry(QuarantineTags.RELEASED_AT, "2026-11-22T03:00:00Z")
                .containsEntry(QuarantineTags.REACTIVATED_KEYS, activeKey.accessKeyId())
                .doesNotContainKey(QuarantineTags.DEACTIVATED_KEYS);
    }

    @Test
    void aProtectedPrincipalIsLeftAloneAndTheAlertSaysSo() throws Exception {
        AccessKey key = MotoFixture.backdoorUser(iam, "malicious-iam-user");
        settings.put("protectedPrincipals", "arn:aws:iam::" + ACCOUNT + ":user/malicious-*");
        MotoFixture.AlertInbox inbox = MotoFixture.inbox(MOTO, "alerts");

        ResponseReport report = respond(CorpusFindings.backdoorUser(ACCOUNT, "malicious-iam-user"), inbox.topicArn);

        assertThat(containResult(report).outcome).isEqualTo(Outcome.SKIPPED_PROTECTED);
        assertUntouched(key);
        assertThat(inbox.receive()).singleElement().satisfies(alert -> assertThat(alert.get("Message").asText())
                .contains("SKIPPED_PROTECTED - protected principal (matches arn:aws:iam::123456789012:user/malicious-*)"));
    }

    @Test
    void dryRunChangesNothingAndTheAlertSaysWhatWouldHaveHappened() throws Exception {
        AccessKey key = MotoFixture.backdoorUser(iam, "malicious-iam-user");
        settings.put("dryRun", "true");
        MotoFixture.AlertInbox inbox = MotoFixture.inbox(MOTO, "alerts");

        ResponseReport report = respond(CorpusFindings.backdoorUser(ACCOUNT, "malicious-iam-user"), inbox.topicArn);

        assertThat(containResult(report).outcome).isEqualTo(Outcome.DRY_RUN);
        assertUntouched(key);
        assertThat(inbox.receive()).singleElement().satisfies(alert -> assertThat(alert.get("Message").asText())
                .contains("DRY_RUN - would quarantine arn:aws:iam::123456789012:user/malicious-iam-user"));
    }

    @Test
    void aTargetThatDoesNotExistIsNotFoundAndEscalated() throws Exception {
        MotoFixture.AlertInbox inbox = MotoFixture.inbox(MOTO, "alerts");

        ResponseReport report = respond(CorpusFindings.backdoorUser(ACCOUNT, "never-created"), inbox.topicArn);

        assertThat(containResult(report).outcome).isEqualTo(Outcome.FAILED);
        assertThat(containResult(report).detail).isEqualTo("IAM_USER never-created NOT FOUND under that name: renamed or deleted"
                + " since the finding, and no other user owns the access keys the finding shows are its own ("
                + CorpusFindings.RECORDED_KEY + "); nothing contained, a human has to find it");
        assertThat(report.deadLetters).singleElement().satisfies(letter -> assertThat(letter.reason).contains("NOT FOUND"));
        assertThat(inbox.receive()).singleElement().satisfies(alert -> {
            assertThat(alert.get("Subject").asText()).startsWith("TrailWarden ESCALATED: containment FAILED");
            assertThat(alert.at("/MessageAttributes/escalated/Value").asText()).isEqualTo("true");
            assertThat(alert.get("Message").asText()).contains("CONTAIN arn:aws:iam::123456789012:user/never-created: FAILED");
        });
    }

    @Test
    void aKeyTheFindingShowsIsAnotherUsersNeverLeadsToThatUser() throws Exception {
        // A finding on a user that does not exist, carrying the key CloudTrail recorded created for an innocent user.
        AccessKey innocent = MotoFixture.backdoorUser(iam, "malicious-iam-user");
        Finding finding = CorpusFindings.withCreatedKey(CorpusFindings.backdoorUser(ACCOUNT, "malicious-iam-user"),
                innocent.accessKeyId());
        Target missing = Target.of(Target.Kind.IAM_USER, "never-created", null, ACCOUNT);
        finding.target = missing;
        finding.response = List.of(PlannedAction.of(PlannedAction.Type.CONTAIN, missing, false, null));

        ResponseReport report = respond(finding, MotoFixture.inbox(MOTO, "alerts").topicArn);

        assertThat(containResult(report).outcome).isEqualTo(Outcome.FAILED);
        assertThat(containResult(report).detail).startsWith("IAM_USER never-created NOT FOUND under that name").doesNotContain(innocent.accessKeyId());
        assertUntouched(innocent);
    }

    @Test
    void aUserRenamedIntoAProtectedNameIsFoundButLeftAlone() throws Exception {
        settings.put("protectedPrincipals", "arn:aws:iam::" + ACCOUNT + ":user/malicious-*");
        // As AWS leaves a renamed user: under its new name, owning the key created for the old one.
        AccessKey key = MotoFixture.backdoorUser(iam, "malicious-iam-user");
        Finding finding = CorpusFindings.withCreatedKey(CorpusFindings.backdoorUser(ACCOUNT, "backdoor"), key.accessKeyId());

        ResponseReport report = respond(finding, MotoFixture.inbox(MOTO, "alerts").topicArn);

        assertThat(containResult(report).outcome).isEqualTo(Outcome.SKIPPED_PROTECTED);
        assertThat(containResult(report).detail).isEqualTo("user backdoor has been renamed malicious-iam-user since the finding"
                + " (it owns access key " + key.accessKeyId() + ", which the finding shows is backdoor's); protected principal"
                + " arn:aws:iam::123456789012:user/malicious-iam-user (matches arn:aws:iam::123456789012:user/malicious-*);"
                + " never contained, alert only");
        assertUntouched(key);
    }

    @Test
    void aFailedAlertIsADeadLetterAndDoesNotUndoTheContainment() throws Exception {
        MotoFixture.backdoorUser(iam, "malicious-iam-user");

        ResponseReport report = respond(CorpusFindings.backdoorUser(ACCOUNT, "malicious-iam-user"),
                "arn:aws:sns:us-east-1:" + ACCOUNT + ":no-such-topic");

        assertThat(containResult(report).outcome).isEqualTo(Outcome.DONE);
        assertThat(report.results).filteredOn(r -> r.action == PlannedAction.Type.ALERT).singleElement()
                .satisfies(alert -> {
                    assertThat(alert.outcome).isEqualTo(Outcome.FAILED);
                    assertThat(alert.detail).startsWith("FINDING alert failed: ");
                    assertThat(alert.undeliveredAlert).contains("malicious-iam-user");
                });
        assertThat(report.deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.reason).startsWith("ALERT arn:aws:sns:us-east-1:123456789012:no-such-topic: FINDING alert failed");
            assertThat(letter.raw).contains("\"findingId\"", "malicious-iam-user");
        });
    }

    @Test
    void aRoleDeniesSessionsIssuedBeforeItsContainment() throws Exception {
        iam.createRole(r -> r.roleName("ci-deployer").assumeRolePolicyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\"}]}"));
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "unused");
        Target role = Target.of(Target.Kind.IAM_ROLE, "ci-deployer",
                "arn:aws:sts::" + ACCOUNT + ":assumed-role/ci-deployer/session-7", ACCOUNT);
        finding.target = role;
        finding.response = List.of(PlannedAction.of(PlannedAction.Type.CONTAIN, role, false, null));
        MotoFixture.AlertInbox inbox = MotoFixture.inbox(MOTO, "alerts");

        ResponseReport first = respond(finding, inbox.topicArn);
        ResponseReport second = respond(finding, inbox.topicArn);

        assertThat(containResult(first).outcome).isEqualTo(Outcome.DONE);
        assertThat(containResult(second).outcome).isEqualTo(Outcome.ALREADY_DONE);
        JsonNode statement = EventJson.readTree(decoded(iam.getRolePolicy(r -> r.roleName("ci-deployer")
                .policyName("TrailWardenQuarantine")).policyDocument())).at("/Statement/0");
        assertThat(statement.get("Effect").asText()).isEqualTo("Deny");
        // The events are from 2024: sessions opened since, up to the containment (NOW), are revoked too.
        assertThat(statement.at("/Condition/DateLessThan/aws:TokenIssueTime").asText()).isEqualTo("2026-11-22T02:00:00Z");
        Map<String, String> tags = iam.listRoleTags(r -> r.roleName("ci-deployer")).tags().stream()
                .collect(Collectors.toMap(t -> t.key(), t -> t.value()));
        assertThat(tags).containsEntry(QuarantineTags.SESSIONS_REVOKED_BEFORE, "2026-11-22T02:00:00Z")
                .containsEntry(QuarantineTags.FINDING_ID, finding.findingId);
        assertThat(inbox.receive()).first().satisfies(alert -> assertThat(alert.get("Message").asText())
                .contains("trailwarden release --role ci-deployer --account 123456789012"));

        ResponseConfig response = responseConfig();
        try (AwsClients clients = clients(response, MotoServer.anyCredentials())) {
            assertThat(new Release(clients, response.quarantinePolicyName, () -> NOW).releaseRole(ACCOUNT, "ci-deployer", false))
                    .first().asString().startsWith("removed inline policy TrailWardenQuarantine from role ci-deployer");
        }
        assertThat(iam.listRolePolicies(r -> r.roleName("ci-deployer")).policyNames()).isEmpty();
        assertThat(iam.listRoleTags(r -> r.roleName("ci-deployer")).tags())
                .anySatisfy(tag -> assertThat(tag.key() + "=" + tag.value()).isEqualTo(QuarantineTags.RELEASED_AT + "=2026-11-22T02:00:00Z"));
    }

    @Test
    void anIdentityInAMemberAccountIsContainedThroughTheResponderRoleThere() throws Exception {
        try (IamClient member = MotoClients.iam(MOTO, MEMBER_ACCOUNT)) {
            member.createRole(r -> r.roleName("TrailWardenResponder").assumeRolePolicyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::"
                            + ACCOUNT + ":root\"},\"Action\":\"sts:AssumeRole\"}]}"));
            member.putRolePolicy(r -> r.roleName("TrailWardenResponder").policyName("respond").policyDocument(MotoFixture.ALLOW_ALL));
            AccessKey key = MotoFixture.backdoorUser(member, "malicious-iam-user");
            MotoFixture.backdoorUser(iam, "malicious-iam-user");
            MotoFixture.AlertInbox inbox = MotoFixture.inbox(MOTO, "alerts");

            ResponseReport report = respond(CorpusFindings.backdoorUser(MEMBER_ACCOUNT, "malicious-iam-user"), inbox.topicArn);

            assertThat(containResult(report).outcome).isEqualTo(Outcome.DONE);
            assertThat(member.listUserPolicies(r -> r.userName("malicious-iam-user")).policyNames()).contains("TrailWardenQuarantine");
            assertThat(keyStatuses(member, "malicious-iam-user")).containsExactly(Map.entry(key.accessKeyId(), StatusType.INACTIVE));
            assertThat(iam.listUserPolicies(r -> r.userName("malicious-iam-user")).policyNames())
                    .as("the same user name in the job's own account is not touched").containsExactly("admin");
        }
    }

    private void assertUntouched(AccessKey key) {
        assertThat(iam.listUserPolicies(r -> r.userName("malicious-iam-user")).policyNames()).containsExactly("admin");
        assertThat(keyStatuses(iam, "malicious-iam-user")).containsExactly(Map.entry(key.accessKeyId(), StatusType.ACTIVE));
        assertThat(iam.getLoginProfile(r -> r.userName("malicious-iam-user")).loginProfile().userName()).isEqualTo("malicious-iam-user");
        assertThat(MotoFixture.userTags(iam, "malicious-iam-user")).doesNotContainKey(QuarantineTags.FINDING_ID);
    }
}
