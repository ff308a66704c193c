package io.trailwarden.testing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.config.ListsConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Benign CloudTrail traffic of one account's working day, for false-alarm measurements: what the
 * records of each activity look like follows AWS's documentation of CloudTrail record contents
 * (console calls carry {@code sessionCredentialFromConsole}, calls a service makes on a principal's
 * behalf carry {@code userIdentity.invokedBy}, instance-role sessions carry
 * {@code sessionContext.ec2RoleDelivery} and are named after the instance). Deterministic for a seed.
 *
 * <p>The mix: console sessions browsing EC2, S3, IAM, RDS, Lambda and CloudWatch pages (about 15
 * read calls a page); Terraform plans and applies from a CI role; CloudFormation stack updates; CI
 * users rotating their own access keys; SSO sign-ins; helpdesk password resets; and read-heavy
 * applications on instance roles (S3 objects, one secret, DynamoDB, SQS, KMS), through a VPC endpoint
 * and a NAT address.
 */
public final class BenignWorkload {
    public static final String ACCOUNT = "111122223333";
    public static final String TERRAFORM_ROLE = "arn:aws:iam::" + ACCOUNT + ":role/terraform-ci";
    public static final String HELPDESK_ROLE = "arn:aws:iam::" + ACCOUNT + ":role/helpdesk";
    private static final String CONSOLE_AGENT = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36"
            + " (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
    private static final String[][] CONSOLE_PAGES = {
        {"ec2", "DescribeInstances", "DescribeInstanceStatus", "DescribeSecurityGroups", "DescribeVpcs", "DescribeSubnets",
            "DescribeVolumes", "DescribeAddresses", "DescribeKeyPairs", "DescribeImages", "DescribeTags",
            "DescribeAvailabilityZones", "DescribeAccountAttributes", "DescribeNetworkInterfaces", "DescribeSnapshots",
            "DescribeLaunchTemplates"},
        {"iam", "ListUsers", "ListRoles", "ListPolicies", "GetAccountSummary", "ListGroups", "ListAccountAliases",
            "GetAccountPasswordPolicy", "ListMFADevices", "ListAccessKeys", "ListAttachedUserPolicies", "ListUserPolicies",
            "ListGroupsForUser", "GetLoginProfile", "ListSigningCertificates", "ListSSHPublicKeys"},
        {"s3", "ListBuckets", "GetBucketLocation", "GetBucketPolicyStatus", "GetBucketAcl", "GetBucketVersioning",
            "GetBucketEncryption", "GetBucketTagging", "GetBucketLogging", "GetBucketPublicAccessBlock",
            "GetAccountPublicAccessBlock", "ListObjectsV2", "GetBucketOwnershipControls", "GetBucketWebsite",
            "GetBucketCors", "GetBucketLifecycle"},
        {"rds", "DescribeDBInstances", "DescribeDBClusters", "DescribeDBSnapshots", "DescribeDBSubnetGroups",
            "DescribeDBParameterGroups", "DescribeEvents", "DescribeOrderableDBInstanceOptions", "DescribeAccountAttributes",
            "DescribeDBEngineVersions", "DescribePendingMaintenanceActions", "ListTagsForResource", "DescribeOptionGroups",
            "DescribeDBClusterSnapshots", "DescribeCertificates", "DescribeDBProxies"},
        {"lambda", "ListFunctions20150331", "GetAccountSettings20160819", "ListEventSourceMappings20150331",
            "GetFunction20150331v2", "GetPolicy20150331v2", "ListAliases20150331", "ListVersionsByFunction20150331",
            "GetFunctionConfiguration20150331v2", "ListTags20170331", "GetFunctionUrlConfig", "ListLayers20181031",
            "GetFunctionConcurrency", "ListProvisionedConcurrencyConfigs", "GetFunctionCodeSigningConfig",
            "ListFunctionUrlConfigs"},
        {"monitoring", "DescribeAlarms", "GetMetricData", "ListMetrics", "ListDashboards", "GetDashboard",
            "DescribeAlarmHistory", "DescribeInsightRules", "ListTagsForResource", "DescribeAnomalyDetectors",
            "GetMetricStatistics", "DescribeAlarmsForMetric", "ListMetricStreams", "GetInsightRuleReport",
            "ListServiceLevelObjectives", "ListManagedInsightRules"},
    };
    private static final String[] TERRAFORM_READS = {"DescribeVpcs", "DescribeSubnets", "DescribeSecurityGroups",
        "DescribeInstances", "DescribeRouteTables", "DescribeInternetGateways", "DescribeNatGateways",
        "DescribeVpcAttribute", "DescribeNetworkAcls", "DescribeInstanceAttribute", "DescribeVolumes", "DescribeTags"};

    private final Random random;
    private final List<String> records = new ArrayList<>();
    private Instant clock;
    private long serial;

    private BenignWorkload(long seed, Instant start) {
        this.random = new Random(seed);
        this.clock = start;
    }

    /**
     * The lists of the account this traffic comes from, as its operators document it: the Terraform
     * CI role is an allowed provisioner, the helpdesk role is trusted automation.
     */
    public static Map<String, List<String>> lists() {
        Map<String, List<String>> lists = new HashMap<>(ListsConfig.defaults().lists);
        lists.put("allowedProvisioners", List.of(TERRAFORM_ROLE));
        lists.put(ListsConfig.TRUSTED_AUTOMATION, List.of(HELPDESK_ROLE));
        return lists;
    }

    /** About {@code count} records (a whole last activity may run past it), starting at {@code start}. */
    public static List<String> generate(int count, long seed, Instant start) {
        BenignWorkload workload = new BenignWorkload(seed, start);
        while (workload.records.size() < count) {
            int pick = workload.random.nextInt(100);
            if (pick < 30) {
                workload.consoleSession();
            } else if (pick < 60) {
                workload.application();
            } else if (pick < 72) {
                workload.terraform();
            } else if (pick < 80) {
                workload.cloudFormation();
            } else if (pick < 88) {
                workload.ssoSignIn();
            } else if (pick < 94) {
                workload.keyRotation();
            } else {
                workload.helpdeskReset();
            }
            workload.clock = workload.clock.plus(Duration.ofSeconds(30 + workload.random.nextInt(600)));
        }
        return workload.records;
    }

    private ObjectNode record(String service, String eventName, ObjectNode identity, String ip, String agent) {
        ObjectNode record = JsonNodeFactory.instance.objectNode();
        record.put("eventVersion", "1.09");
        clock = clock.plusMillis(200 + random.nextInt(2000));
        record.put("eventTime", clock.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        record.put("eventID", String.format(Locale.ROOT, "b0000000-0000-4000-8000-%012d", ++serial));
        record.put("eventSource", service + ".amazonaws.com");
        record.put("eventName", eventName);
        record.put("awsRegion", "eu-west-1");
        record.put("sourceIPAddress", ip);
        record.put("userAgent", agent);
        record.put("eventType", "AwsApiCall");
        record.put("recipientAccountId", ACCOUNT);
        record.put("readOnly", eventName.startsWith("Describe") || eventName.startsWith("List") || eventName.startsWith("Get"));
        record.set("userIdentity", identity.deepCopy());
        return record;
    }

    private void add(ObjectNode record) {
        records.add(record.toString());
    }

    private static ObjectNode assumedRole(String role, String session, String principalId) {
        ObjectNode identity = JsonNodeFactory.instance.objectNode();
        identity.put("type", "AssumedRole");
        identity.put("principalId", principalId + ":" + session);
        identity.put("arn", "arn:aws:sts::" + ACCOUNT + ":assumed-role/" + role + "/" + session);
        identity.put("accountId", ACCOUNT);
        identity.put("accessKeyId", "ASIA" + principalId.substring(4));
        ObjectNode issuer = identity.putObject("sessionContext").putObject("sessionIssuer");
        issuer.put("type", "Role");
        issuer.put("principalId", principalId);
        issuer.put("arn", "arn:aws:iam::" + ACCOUNT + ":role/" + role);
        issuer.put("accountId", ACCOUNT);
        issuer.put("userName", role);
        ((ObjectNode) identity.get("sessionContext")).putObject("attributes").put("mfaAuthenticated", "false");
        return identity;
    }

    private static ObjectNode user(String name) {
        ObjectNode identity = JsonNodeFactory.instance.objectNode();
        identity.put("type", "IAMUser");
        identity.put("principalId", "AIDA" + name.toUpperCase(Locale.ROOT).replace("-", ""));
        identity.put("arn", "arn:aws:iam::" + ACCOUNT + ":user/" + name);
        identity.put("accountId", ACCOUNT);
        identity.put("accessKeyId", "AKIA" + name.toUpperCase(Locale.ROOT).replace("-", ""));
        identity.put("userName", name);
        return identity;
    }

    private String person() {
        return new String[] {"alice", "bob", "carol", "dave", "erin", "frank"}[random.nextInt(6)];
    }

    /** Console pages of one SSO user: each page load is about 15 reads of its service. */
    private void consoleSession() {
        String who = person();
        ObjectNode identity = assumedRole("AWSReservedSSO_Admin_0123456789abcdef", who + "@example.com", "AROACONSOLEADMIN0001");
        String ip = "203.0.113." + (10 + who.length());
        int pages = 2 + random.nextInt(5);
        for (int page = 0; page < pages; page++) {
            String[] calls = CONSOLE_PAGES[random.nextInt(CONSOLE_PAGES.length)];
            for (int i = 1; i < calls.length; i++) {
                ObjectNode record = record(calls[0], calls[i], identity, ip, CONSOLE_AGENT);
                record.put("sessionCredentialFromConsole", "true");
                add(record);
            }
        }
    }

    /** An application instance: S3 objects, its one secret, DynamoDB, SQS and KMS, via endpoint and NAT. */
    private void application() {
        int instance = random.nextInt(4);
        ObjectNode identity = assumedRole("orders-app", "i-0abc00000000000" + instance, "AROAORDERSAPP0000001");
        ((ObjectNode) identity.get("sessionContext")).put("ec2RoleDelivery", "2.0");
        String[][] calls = {{"s3", "GetObject"}, {"s3", "PutObject"}, {"secretsmanager", "GetSecretValue"},
            {"dynamodb", "GetItem"}, {"dynamodb", "Query"}, {"sqs", "ReceiveMessage"}, {"kms", "Decrypt"}};
        for (int i = 0; i < 20 + random.nextInt(40); i++) {
            String[] call = calls[random.nextInt(calls.length)];
            boolean endpoint = call[0].equals("s3") || call[0].equals("dynamodb");
            ObjectNode record = record(call[0], call[1], identity, endpoint ? "10.0.1." + (20 + instance) : "198.51.100.77",
                    "aws-sdk-java/2.25.0 Linux/6.1 OpenJDK_64-Bit_Server_VM/17");
            if (call[1].equals("GetSecretValue")) {
                record.putObject("requestParameters").put("secretId", "prod/orders/db");
            } else if (call[0].equals("s3")) {
                record.putObject("requestParameters").put("bucketName", "orders-data").put("key", "o/" + random.nextInt(100000));
            }
            add(record);
        }
    }

    /** terraform plan (reads of every resource in state) and apply (a few changes), from the CI role. */
    private void terraform() {
        ObjectNode identity = assumedRole("terraform-ci", "terraform-run-" + random.nextInt(10000), "AROATERRAFORMCI00001");
        String agent = "APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.60.0";
        for (String read : TERRAFORM_READS) {
            add(record("ec2", read, identity, "192.0.2.50", agent));
        }
        for (String read : new String[] {"GetRole", "GetRolePolicy", "ListAttachedRolePolicies", "GetPolicy", "GetPolicyVersion"}) {
            add(record("iam", read, identity, "192.0.2.50", agent));
        }
        ObjectNode ingress = record("ec2", "AuthorizeSecurityGroupIngress", identity, "192.0.2.50", agent);
        ingress.putObject("requestParameters").put("groupId", "sg-0123").put("ipProtocol", "tcp").put("fromPort", 443)
                .put("toPort", 443).put("cidrIp", "10.0.0.0/16");
        add(ingress);
        ObjectNode code = record("lambda", "UpdateFunctionCode20150331v2", identity, "192.0.2.50", agent);
        code.putObject("requestParameters").put("functionName", "orders-api");
        add(code);
        ObjectNode role = record("iam", "CreateRole", identity, "192.0.2.50", agent);
        role.putObject("requestParameters").put("roleName", "orders-worker-" + serial).put("assumeRolePolicyDocument",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}");
        add(role);
    }

    /** A stack update: CloudFormation calls the services on the caller's behalf (invokedBy). */
    private void cloudFormation() {
        ObjectNode caller = assumedRole("deployer", "stack-update", "AROADEPLOYER00000001");
        add(record("cloudformation", "UpdateStack", caller, "192.0.2.60", "aws-cli/2.15.0 Python/3.11"));
        caller.put("invokedBy", "cloudformation.amazonaws.com");
        for (String[] call : new String[][] {{"lambda", "UpdateFunctionCode20150331v2"}, {"lambda", "UpdateFunctionConfiguration20150331v2"},
            {"iam", "PutRolePolicy"}, {"ec2", "DescribeSecurityGroups"}, {"logs", "PutRetentionPolicy"}}) {
            ObjectNode record = record(call[0], call[1], caller, "cloudformation.amazonaws.com", "cloudformation.amazonaws.com");
            if (call[1].startsWith("UpdateFunctionConfiguration")) {
                record.putObject("requestParameters").put("functionName", "orders-api").putArray("layers")
                        .add("arn:aws:lambda:eu-west-1:" + ACCOUNT + ":layer:shared:3");
            }
            add(record);
        }
    }

    /** An IAM Identity Center sign-in: the portal, then the federated console login. */
    private void ssoSignIn() {
        String who = person();
        ObjectNode identity = assumedRole("AWSReservedSSO_Admin_0123456789abcdef", who + "@example.com", "AROACONSOLEADMIN0001");
        ObjectNode login = record("signin", "ConsoleLogin", identity, "203.0.113." + (10 + who.length()), CONSOLE_AGENT);
        login.putObject("responseElements").put("ConsoleLogin", "Success");
        login.putObject("additionalEventData").put("MFAUsed", "No").put("MobileVersion", "No");
        login.put("eventType", "AwsConsoleSignIn");
        add(login);
    }

    /** A CI user rotating its own key: create, switch, deactivate and delete the old one. */
    private void keyRotation() {
        String name = "ci-deployer-" + random.nextInt(3);
        ObjectNode identity = user(name);
        for (String call : new String[] {"ListAccessKeys", "CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey"}) {
            ObjectNode record = record("iam", call, identity, "192.0.2.70", "aws-cli/2.15.0 Python/3.11 Linux/6.1");
            record.putObject("requestParameters").put("userName", name);
            add(record);
        }
    }

    /** The helpdesk role resetting a user's console password. */
    private void helpdeskReset() {
        ObjectNode identity = assumedRole("helpdesk", "agent-" + random.nextInt(5), "AROAHELPDESK00000001");
        ObjectNode record = record("iam", "UpdateLoginProfile", identity, "203.0.113.99", CONSOLE_AGENT);
        record.put("sessionCredentialFromConsole", "true");
        record.putObject("requestParameters").put("userName", "contractor-" + random.nextInt(20)).put("passwordResetRequired", true);
        add(record);
    }
}
