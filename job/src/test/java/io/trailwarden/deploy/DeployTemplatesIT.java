package io.trailwarden.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.ListsConfig;
import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.SourceConfig;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.source.Kinesalite;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The CloudFormation templates in {@code deploy/}: linted by cfn-lint, and checked for what a review would check. */
class DeployTemplatesIT {
    private static final Path DEPLOY = Kinesalite.repositoryRoot().resolve("deploy");
    private static final String ACCOUNT = "123456789012";
    private static final Set<String> BOTH_DETAIL_TYPES =
            Set.of("AWS API Call via CloudTrail", "AWS Console Signin via CloudTrail");

    static Stream<Path> templates() throws IOException {
        try (Stream<Path> files = Files.list(DEPLOY)) {
            return files.filter(file -> file.toString().endsWith(".yaml")).sorted().collect(Collectors.toList()).stream();
        }
    }

    @Test
    void thereAreTheTemplatesTheReadmeWalksThrough() throws IOException {
        assertThat(templates().map(file -> file.getFileName().toString())).containsExactlyInAnyOrder(
                "artefacts.yaml", "trailwarden.yaml", "responder-role.yaml", "region-forwarder.yaml", "trail.yaml");
    }

    @ParameterizedTest
    @MethodSource("templates")
    void passesCfnLint(Path template) throws Exception {
        Path cfnLint = Kinesalite.repositoryRoot().resolve(".tools/venv/bin/cfn-lint");
        Process lint = new ProcessBuilder(cfnLint.toString(), template.toString()).redirectErrorStream(true).start();
        String output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(lint.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(output).as("cfn-lint output").isEmpty();
        assertThat(lint.exitValue()).isZero();
    }

    @ParameterizedTest
    @MethodSource("templates")
    void grantsNothingBroad(Path template) throws IOException {
        assertThat(broadGrants(CfnTemplate.load(template))).isEmpty();
    }

    @Test
    void theBroadGrantCheckCatchesWildcardsInEveryShape() {
        CfnTemplate bad = CfnTemplate.parse(Path.of("bad.yaml"), new StringReader(String.join("\n",
                "Resources:",
                "  Everything:",
                "    Type: AWS::IAM::Role",
                "    Properties:",
                "      Policies:",
                "        - PolicyDocument:",
                "            Statement:",
                "              - {Effect: Allow, Action: '*', Resource: '*'}",
                "              - {Effect: Allow, Action: [iam:*], Resource: !Sub 'arn:${AWS::Partition}:iam::1:user/*'}",
                "              - {Effect: Allow, NotAction: s3:GetObject, Resource: !GetAtt Bucket.Arn}",
                "              - {Effect: Deny, Action: '*', Resource: '*'}",
                "  Bus:",
                "    Type: AWS::Events::EventBusPolicy",
                "    Properties:",
                "      Statement: {Effect: Allow, Action: ['*'], Resource: ['*']}")));

        assertThat(broadGrants(bad)).hasSize(4);
    }

    @Test
    void everyEventBridgeRuleSendsOnlyAwsSourcedApiCallsIncludingReadsAndConsoleSignIns() throws IOException {
        Map<String, String> expectedStates = Map.of(
                "trailwarden.yaml/CloudTrailToKinesisRule", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
                // Forwarded events already include reads: the forwarders' rules are in that state.
                "trailwarden.yaml/ForwardedToKinesisRule", "ENABLED",
                "region-forwarder.yaml/ForwardCloudTrailEvents", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS");
        Map<String, String> states = new LinkedHashMap<>();
        for (String name : List.of("trailwarden.yaml", "region-forwarder.yaml")) {
            CfnTemplate.load(DEPLOY.resolve(name)).resourcesOfType("AWS::Events::Rule").forEach((id, resource) -> {
                Map<String, Object> rule = CfnTemplate.properties(resource);
                Map<String, Object> pattern = castMap(rule.get("EventPattern"));

                // The detail-type is the sender's choice; only AWS services may send a source starting with "aws.".
                assertThat(pattern).as(name + " " + id).containsOnlyKeys("source", "detail-type");
                assertThat(pattern.get("source")).as(name + " " + id).isEqualTo(List.of(Map.of("prefix", "aws.")));
                assertThat(new TreeSet<>(castList(pattern.get("detail-type")))).as(name).isEqualTo(new TreeSet<>(BOTH_DETAIL_TYPES));
                Map<String, Object> target = castMap(castList(rule.get("Targets")).get(0));
                assertThat(castMap(target.get("RetryPolicy"))).containsEntry("MaximumEventAgeInSeconds", 86400);
                states.put(name + "/" + id, (String) rule.get("State"));
            });
        }

        assertThat(states).isEqualTo(expectedStates);
    }

    @Test
    void onlyTheEventBridgeRoleMayPutRecordsIntoTheStream() throws IOException {
        CfnTemplate main = CfnTemplate.load(DEPLOY.resolve("trailwarden.yaml"));
        Map<String, Map<String, Object>> policies = main.resourcesOfType("AWS::Kinesis::ResourcePolicy");
        assertThat(policies).hasSize(1);
        Map<String, Object> policy = CfnTemplate.properties(policies.values().iterator().next());
        Object eventBridgeRole = Map.of("Fn::GetAtt", List.of("EventBridgeToKinesisRole", "Arn"));

        assertThat(policy.get("ResourceArn")).isEqualTo(Map.of("Fn::GetAtt", List.of("EventStream", "Arn")));
        // A Deny for every other principal: an Allow in a resource policy would not stop a principal of this
        // account whose own policy grants kinesis:PutRecord.
        assertThat(castList(castMap(policy.get("ResourcePolicy")).get("Statement"))).containsExactly(Map.of(
                "Sid", "OnlyTheEventBridgeRolePutsRecords",
                "Effect", "Deny",
                "Principal", "*",
                "Action", List.of("kinesis:PutRecord", "kinesis:PutRecords"),
                "Resource", Map.of("Fn::GetAtt", List.of("EventStream", "Arn")),
                "Condition", Map.of("ArnNotEquals", Map.of("aws:PrincipalArn", eventBridgeRole))));
        List<String> writers = new ArrayList<>();
        for (Path template : templates().collect(Collectors.toList())) {
            for (CfnTemplate.Statement statement : CfnTemplate.load(template).statements()) {
                if (statement.allows() && statement.actions().stream().anyMatch(a -> a.toString().startsWith("kinesis:Put"))) {
                    writers.add(template.getFileName() + " " + statement.where);
                }
            }
        }
        assertThat(writers).containsExactly("trailwarden.yaml EventBridgeToKinesisRole.Properties.Policies[0].PolicyDocument");
    }

    @Test
    void onlyTheForwardersMayPutEventsOnTheForwardedBusAndNoBusPolicyOpensTheDefaultBus() throws IOException {
        CfnTemplate main = CfnTemplate.load(DEPLOY.resolve("trailwarden.yaml"));
        CfnTemplate forwarder = CfnTemplate.load(DEPLOY.resolve("region-forwarder.yaml"));
        Map<String, Map<String, Object>> busPolicies = main.resourcesOfType("AWS::Events::EventBusPolicy");
        assertThat(busPolicies).hasSize(1);
        Map<String, Object> busPolicy = CfnTemplate.properties(busPolicies.values().iterator().next());
        assertThat(busPolicy.get("EventBusName")).isEqualTo(Map.of("Ref", "ForwardedEventBus"));

        String forwarderRole = "arn:aws:iam::*:role/TrailWardenForwarder-*";
        assertThat(new CfnEvaluation(main, ACCOUNT, "us-east-1", Map.of()).evaluate(busPolicy.get("Statement")))
                .isEqualTo(Map.of("Effect", "Allow", "Principal", "*", "Action", "events:PutEvents",
                        "Resource", "arn:aws:events:us-east-1:" + ACCOUNT + ":event-bus/trailwarden-forwarded",
                        "Condition", Map.of("ArnLike", Map.of("aws:PrincipalArn", forwarderRole),
                                "StringEquals", Map.of("aws:PrincipalAccount", List.of(ACCOUNT)))));
        assertThat(castMap(new CfnEvaluation(main, ACCOUNT, "us-east-1", Map.of("MemberAccountIds", "210987654321"))
                        .evaluate(busPolicy.get("Statement"))).get("Condition"))
                .isEqualTo(Map.of("ArnLike", Map.of("aws:PrincipalArn", forwarderRole),
                        "StringEquals", Map.of("aws:PrincipalAccount", List.of(ACCOUNT, "210987654321"))));
        assertThat(castMap(new CfnEvaluation(main, ACCOUNT, "us-east-1", Map.of("OrganizationId", "o-abcdefghij"))
                        .evaluate(busPolicy.get("Statement"))).get("Condition"))
                .isEqualTo(Map.of("ArnLike", Map.of("aws:PrincipalArn", forwarderRole),
                        "StringEquals", Map.of("aws:PrincipalOrgID", "o-abcdefghij")));

        // The forwarder's role has the name the bus admits, and its rule and role point at that bus.
        CfnEvaluation inMember = new CfnEvaluation(forwarder, "210987654321", "eu-west-1", Map.of("SecurityAccountId", ACCOUNT));
        Map<String, Object> role = CfnTemplate.properties(forwarder.resources().get("ForwardingRole"));
        assertThat(inMember.evaluate(role.get("RoleName"))).isEqualTo("TrailWardenForwarder-eu-west-1");
        String forwardedBus = "arn:aws:events:us-east-1:" + ACCOUNT + ":event-bus/trailwarden-forwarded";
        Map<String, Object> rule = CfnTemplate.properties(forwarder.resources().get("ForwardCloudTrailEvents"));
        assertThat(inMember.evaluate(castMap(castList(rule.get("Targets")).get(0)).get("Arn"))).isEqualTo(forwardedBus);
        assertThat(defaultOf(forwarder, "ForwarderRoleName")).isEqualTo(defaultOf(main, "ForwarderRoleName"));
        assertThat(defaultOf(forwarder, "CentralBusName")).isEqualTo(defaultOf(main, "ApplicationName") + "-forwarded");
    }

    @Test
    void theStreamIsKeyedByPrincipalEncryptedAndBackedByADeadLetterQueue() throws IOException {
        CfnTemplate main = CfnTemplate.load(DEPLOY.resolve("trailwarden.yaml"));
        Map<String, Object> rule = CfnTemplate.properties(main.resources().get("CloudTrailToKinesisRule"));
        Map<String, Object> target = castMap(castList(rule.get("Targets")).get(0));
        Map<String, Object> stream = CfnTemplate.properties(main.resources().get("EventStream"));

        assertThat(target.get("Arn")).isEqualTo(Map.of("Fn::GetAtt", List.of("EventStream", "Arn")));
        assertThat(castMap(target.get("KinesisParameters"))).containsEntry("PartitionKeyPath", "$.detail.userIdentity.arn");
        assertThat(castMap(target.get("DeadLetterConfig")).get("Arn"))
                .isEqualTo(Map.of("Fn::GetAtt", List.of("EventDeadLetterQueue", "Arn")));
        assertThat(castMap(stream.get("StreamEncryption"))).containsEntry("EncryptionType", "KMS");
        assertThat(CfnTemplate.properties(main.resources().get("AlertTopic"))).containsKey("KmsMasterKeyId");
    }

    @Test
    void theApplicationRoleMayOnlyReadPublishContainAndAssumeTheResponderRole() throws IOException {
        CfnTemplate main = CfnTemplate.load(DEPLOY.resolve("trailwarden.yaml"));
        List<CfnTemplate.Statement> statements = new ArrayList<>();
        for (CfnTemplate.Statement statement : main.statements()) {
            if (statement.where.startsWith("ApplicationRole.Properties.Policies") && statement.allows()) {
                statements.add(statement);
            }
        }
        Set<Object> actions = new TreeSet<>();
        statements.forEach(statement -> actions.addAll(statement.actions()));

        assertThat(actions).containsExactlyInAnyOrder(
                "s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:PutObject",
                "logs:DescribeLogStreams", "logs:PutLogEvents", "logs:DescribeLogGroups",
                "kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:ListShards",
                "kinesis:GetShardIterator", "kinesis:GetRecords",
                "kms:Decrypt", "kms:GenerateDataKey*", "sns:Publish",
                "iam:GetUser", "iam:PutUserPolicy", "iam:GetUserPolicy", "iam:ListAttachedUserPolicies", "iam:ListAccessKeys",
                "iam:UpdateAccessKey", "iam:GetLoginProfile", "iam:DeleteLoginProfile", "iam:TagUser", "iam:ListUserTags",
                "iam:GetRole", "iam:PutRolePolicy", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:TagRole",
                "iam:ListRoleTags", "iam:AttachUserPolicy", "iam:AttachRolePolicy", "sts:AssumeRole");
        for (CfnTemplate.Statement statement : statements) {
            if (statement.actions().contains("s3:GetObject")) {
                assertThat(statement.resources()).contains(
                        Map.of("Fn::Sub", "arn:${AWS::Partition}:s3:::${ArtefactBucketName}/rules/*"));
            }
            if (statement.actions().contains("s3:PutObject")) {
                // The audit store only: the job never writes its own code or rules.
                assertThat(statement.actions()).containsExactly("s3:PutObject");
                assertThat(statement.resources()).containsExactly(
                        Map.of("Fn::Sub", "arn:${AWS::Partition}:s3:::${ArtefactBucketName}/audit/*"));
            }
            if (statement.actions().contains("s3:ListBucket")) {
                // Rules from S3 are listed under rules/ only: the prefix RulesLocation allows and rules/README.md documents.
                assertThat(statement.resources()).containsExactly(
                        Map.of("Fn::Sub", "arn:${AWS::Partition}:s3:::${ArtefactBucketName}"));
                assertThat(statement.body.get("Condition"))
                        .isEqualTo(Map.of("StringLike", Map.of("s3:prefix", "rules/*")));
            }
            if (statement.actions().contains("sts:AssumeRole")) {
                assertThat(statement.resources()).containsExactly(
                        Map.of("Fn::Sub", "arn:${AWS::Partition}:iam::*:role/${ResponderRoleName}"));
            }
            if (statement.actions().contains("iam:AttachUserPolicy")) {
                // The fallback deny: AWSDenyAll and nothing else may be attached.
                assertThat(statement.body.get("Condition")).isEqualTo(Map.of("ArnEquals", Map.of("iam:PolicyARN",
                        Map.of("Fn::Sub", "arn:${AWS::Partition}:iam::aws:policy/AWSDenyAll"))));
            }
            if (statement.actions().stream().anyMatch(action -> action.toString().startsWith("iam:"))) {
                assertThat(statement.resources()).allSatisfy(resource -> assertThat(resource.toString())
                        .contains(":iam::${AWS::AccountId}:"));
            }
        }
    }

    @Test
    void passRoleIsOnlyForHandingTheApplicationRoleToMsf() throws IOException {
        List<CfnTemplate.Statement> passRole = new ArrayList<>();
        for (Path template : templates().collect(Collectors.toList())) {
            for (CfnTemplate.Statement statement : CfnTemplate.load(template).statements()) {
                if (statement.actions().contains("iam:PassRole")) {
                    passRole.add(statement);
                }
            }
        }

        assertThat(passRole).hasSize(1);
        assertThat(passRole.get(0).resources()).containsExactly(Map.of("Fn::GetAtt", List.of("ApplicationRole", "Arn")));
        assertThat(passRole.get(0).body.get("Condition"))
                .isEqualTo(Map.of("StringEquals", Map.of("iam:PassedToService", "kinesisanalytics.amazonaws.com")));
    }

    @Test
    void theResponderRoleTrustsOnlyTheApplicationRole() throws IOException {
        CfnTemplate responder = CfnTemplate.load(DEPLOY.resolve("responder-role.yaml"));
        Map<String, Object> role = CfnTemplate.properties(responder.resources().get("ResponderRole"));
        List<Object> trust = castList(castMap(role.get("AssumeRolePolicyDocument")).get("Statement"));

        assertThat(trust).containsExactly(Map.of(
                "Effect", "Allow",
                "Principal", Map.of("AWS", Map.of("Fn::Sub",
                        "arn:${AWS::Partition}:iam::${SecurityAccountId}:role/${ApplicationRoleName}")),
                "Action", "sts:AssumeRole"));
        CfnTemplate main = CfnTemplate.load(DEPLOY.resolve("trailwarden.yaml"));
        String applicationRoleName = ((String) castMap(CfnTemplate.properties(main.resources().get("ApplicationRole"))
                .get("RoleName")).get("Fn::Sub"))
                .replace("${ApplicationName}", defaultOf(main, "ApplicationName"));
        assertThat(defaultOf(responder, "ApplicationRoleName")).isEqualTo(applicationRoleName);
        assertThat(defaultOf(responder, "ResponderRoleName")).isEqualTo(defaultOf(main, "ResponderRoleName"));
    }

    private static String defaultOf(CfnTemplate template, String parameter) {
        return String.valueOf(castMap(castMap(template.root.get("Parameters")).get(parameter)).get("Default"));
    }

    @Test
    void theMsfApplicationRunsFlink120WithSnapshotsAndAValidConfiguration() throws Exception {
        CfnTemplate main = CfnTemplate.load(DEPLOY.resolve("trailwarden.yaml"));
        Map<String, Object> application = CfnTemplate.properties(main.resources().get("Application"));
        Map<String, Object> configuration = castMap(application.get("ApplicationConfiguration"));

        assertThat(application.get("RuntimeEnvironment")).isEqualTo("FLINK-1_20");
        assertThat(castMap(configuration.get("ApplicationSnapshotConfiguration"))).containsEntry("SnapshotsEnabled", true);
        Map<String, Object> run = castMap(application.get("RunConfiguration"));
        assertThat(castMap(run.get("ApplicationRestoreConfiguration")))
                .containsEntry("ApplicationRestoreType", "RESTORE_FROM_LATEST_SNAPSHOT");
        assertThat(castMap(run.get("FlinkRunConfiguration")))
                .as("a removed rule's state is dropped without a manual flag; CoreStateGuard protects the rest")
                .containsEntry("AllowNonRestoredState", true);
        assertThat(main.resourcesOfType("AWS::KinesisAnalyticsV2::ApplicationCloudWatchLoggingOption")).hasSize(1);

        TrailWardenConfig withDefaults = TrailWardenConfig.from(propertyGroups(main, Map.of()));
        assertThat(withDefaults.source.configured).isTrue();
        assertThat(withDefaults.source.streamName).isEqualTo("trailwarden-events");
        assertThat(withDefaults.source.endpoint).isNull();
        assertThat(withDefaults.source.credentialsProvider).isEqualTo(SourceConfig.CredentialsProvider.AUTO);
        assertThat(withDefaults.response.dryRun).isTrue();
        assertThat(withDefaults.response.ownAccountId).isEqualTo(ACCOUNT);
        assertThat(withDefaults.response.ownRoleArns).containsExactly("arn:aws:iam::" + ACCOUNT + ":role/trailwarden-application");
        assertThat(withDefaults.alerts.topicArn).isEqualTo("arn:aws:sns:us-east-1:" + ACCOUNT + ":trailwarden-alerts");
        assertThat(withDefaults.audit.location).matches("s3://[a-z0-9.-]+/audit/");

        TrailWardenConfig armed = TrailWardenConfig.from(propertyGroups(main, Map.of("DryRun", "false",
                "SensitiveBuckets", "payroll-exports,customer-data", "MemberAccountIds", "210987654321,109876543210",
                "BreakGlassRoleArn", "arn:aws:iam::" + ACCOUNT + ":role/BreakGlass",
                "RulesLocation", "s3://trailwarden-artefacts-" + ACCOUNT + "/rules/")));
        assertThat(armed.response.dryRun).isFalse();
        assertThat(armed.response.accounts).containsExactly("210987654321", "109876543210");
        assertThat(armed.lists.lists.get("sensitiveBuckets")).containsExactly("payroll-exports", "customer-data");
        assertThat(armed.rules.location).isEqualTo("s3://trailwarden-artefacts-" + ACCOUNT + "/rules/");
        assertThat(castMap(castMap(main.root.get("Parameters")).get("RulesLocation")).get("AllowedPattern").toString())
                .satisfies(pattern -> {
                    assertThat("classpath").matches(pattern);
                    assertThat(armed.rules.location).matches(pattern);
                    assertThat("s3://trailwarden-artefacts-" + ACCOUNT + "/other/").doesNotMatch(pattern);
                    assertThat("/opt/rules").doesNotMatch(pattern);
                });
    }

    @Test
    void theTamperingListsNameTheResourcesTheTemplatesCreateAndDefaultToThem() throws Exception {
        CfnTemplate main = CfnTemplate.load(DEPLOY.resolve("trailwarden.yaml"));
        CfnTemplate forwarder = CfnTemplate.load(DEPLOY.resolve("region-forwarder.yaml"));
        CfnTemplate responder = CfnTemplate.load(DEPLOY.resolve("responder-role.yaml"));
        CfnEvaluation central = new CfnEvaluation(main, ACCOUNT, "us-east-1", Map.of());
        CfnEvaluation member = new CfnEvaluation(forwarder, "210987654321", "eu-west-1", Map.of("SecurityAccountId", ACCOUNT));
        CfnEvaluation memberIam = new CfnEvaluation(responder, "210987654321", "us-east-1", Map.of("SecurityAccountId", ACCOUNT));
        Map<String, List<String>> deployed = TrailWardenConfig.from(propertyGroups(main, Map.of())).lists.lists;

        assertThat(deployed.get("trailwardenEventRules")).containsExactlyInAnyOrder(
                (String) central.evaluate(CfnTemplate.properties(main.resources().get("CloudTrailToKinesisRule")).get("Name")),
                (String) central.evaluate(CfnTemplate.properties(main.resources().get("ForwardedToKinesisRule")).get("Name")),
                (String) member.evaluate(CfnTemplate.properties(forwarder.resources().get("ForwardCloudTrailEvents")).get("Name")));
        assertThat(deployed.get("trailwardenEventBuses")).containsExactly(
                (String) central.evaluate(Map.of("Ref", "ForwardedEventBus")));
        assertThat(deployed.get("trailwardenStreams")).containsExactly((String) central.evaluate(Map.of("Ref", "EventStream")));
        assertThat(deployed.get("trailwardenTopics")).containsExactly((String) central.evaluate(
                CfnTemplate.properties(main.resources().get("AlertTopic")).get("TopicName")));
        assertThat(deployed.get("trailwardenApplications")).containsExactly((String) central.evaluate(
                CfnTemplate.properties(main.resources().get("Application")).get("ApplicationName")));
        assertThat(deployed.get("trailwardenRoles")).containsExactlyInAnyOrder(
                (String) central.evaluate(Map.of("Ref", "ApplicationRole")),
                (String) central.evaluate(Map.of("Ref", "EventBridgeToKinesisRole")),
                (String) memberIam.evaluate(Map.of("Ref", "ResponderRole")));
        assertThat(deployed.get("trailwardenOperators")).isEmpty();
        // Unconfigured (a local run, rules test), the lists hold the same names.
        ListsConfig.STANDARD_LISTS.forEach((name, values) -> assertThat(deployed.get(name)).as(name).containsExactlyElementsOf(values));

        TrailWardenConfig withOperators = TrailWardenConfig.from(propertyGroups(main,
                Map.of("TrailWardenOperators", "arn:aws:iam::" + ACCOUNT + ":role/trailwarden-deploy")));
        assertThat(withOperators.lists.lists.get("trailwardenOperators"))
                .containsExactly("arn:aws:iam::" + ACCOUNT + ":role/trailwarden-deploy");
        assertThat(defaultOf(forwarder, "RuleName")).isEqualTo(defaultOf(main, "ForwarderRuleName"));
    }

    /** The application's property groups as MSF would receive them for the given parameter values (others default). */
    private static PropertyGroups propertyGroups(CfnTemplate template, Map<String, String> parameters) {
        CfnEvaluation evaluation = new CfnEvaluation(template, ACCOUNT, "us-east-1", parameters);
        Map<String, Object> configuration = castMap(CfnTemplate.properties(template.resources().get("Application"))
                .get("ApplicationConfiguration"));
        Map<String, Map<String, String>> groups = new LinkedHashMap<>();
        for (Object group : castList(evaluation.evaluate(castMap(configuration.get("EnvironmentProperties")).get("PropertyGroups")))) {
            Map<String, String> values = new LinkedHashMap<>();
            castMap(castMap(group).get("PropertyMap")).forEach((key, value) -> values.put(key, (String) value));
            groups.put((String) castMap(group).get("PropertyGroupId"), values);
        }
        return PropertyGroups.of(groups);
    }

    private static List<String> broadGrants(CfnTemplate template) {
        List<String> broad = new ArrayList<>();
        for (CfnTemplate.Statement statement : template.statements()) {
            if (!statement.allows()) {
                continue;
            }
            boolean anyAction = statement.actions().contains("*");
            boolean anyResource = statement.resources().contains("*");
            boolean iamWildcard = statement.actions().stream()
                    .anyMatch(action -> action.toString().toLowerCase().startsWith("iam:") && action.toString().contains("*"));
            if ((anyAction && anyResource) || iamWildcard || statement.has("NotAction")) {
                broad.add(template.file.getFileName() + ": " + statement);
            }
        }
        return broad;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> castList(Object value) {
        return (List<Object>) value;
    }
}
