package io.trailwarden.rules.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.DetectionConfig;
import io.trailwarden.config.ListsConfig;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleCompiler;
import io.trailwarden.rules.load.RuleLoader;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.source.RawInput;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sigma semantics, each checked on hand-written records through the real loader, compiler and parser:
 * the converted rule must agree with what the Sigma specification says the rule matches.
 */
class SigmaConverterTest {
    private static final RuleLoader LOADER = new RuleLoader(ListsConfig.defaults().lists.keySet(),
            DetectionConfig.defaults().maxRuleWindow);
    private static final SigmaConverter CONVERTER = new SigmaConverter(ListsConfig.defaults().lists, LOADER, "none");

    private static String sigma(String detection) {
        return "title: Test rule\nid: 11111111-2222-3333-4444-555555555555\nauthor: Someone\nlevel: high\n"
                + "tags: [attack.persistence, attack.t1098.001]\nfalsepositives: [Admins]\n"
                + "references: [https://example.com/r]\nlogsource: {product: aws, service: cloudtrail}\n"
                + "detection:\n" + detection;
    }

    private static SigmaConversion convert(String detection) {
        List<SigmaConversion> results = CONVERTER.convert("aws_test_rule.yml", sigma(detection));
        assertThat(results).hasSize(1);
        return results.get(0);
    }

    private static CompiledRule compiled(SigmaConversion conversion) throws Exception {
        assertThat(conversion.reason).isNull();
        Rule rule = LOADER.load(List.of(new RuleLoader.Source(conversion.ruleId + ".yaml", conversion.ruleText))).get(0);
        return new RuleCompiler(ListsConfig.defaults().lists).compile(rule);
    }

    /** A record of the given fields, completed with the ones a record needs where the fields do not set them. */
    private static boolean fires(CompiledRule rule, String fields) {
        String record = "{\"eventVersion\": \"1.09\", \"eventTime\": \"2026-01-01T00:00:00Z\", \"eventID\": \"e1\","
                + " \"awsRegion\": \"us-east-1\", "
                + (fields.contains("\"userIdentity\"") ? "" : "\"userIdentity\": {\"type\": \"IAMUser\", \"userName\": \"u\","
                        + " \"arn\": \"arn:aws:iam::111122223333:user/u\"}, ")
                + (fields.contains("\"eventName\"") ? "" : "\"eventName\": \"Unrelated\", ")
                + (fields.contains("\"eventSource\"") ? "" : "\"eventSource\": \"unrelated.amazonaws.com\", ")
                + fields + "}";
        List<CloudTrailEvent> events = new CloudTrailParser().parseAll(RawInput.of("t", record)).events;
        assertThat(events).hasSize(1);
        return rule.matchesSingle(events.get(0));
    }

    @Test
    void metadataAndAttributionAreKept() {
        SigmaConversion conversion = convert("  selection: {eventName: CreateUser}\n  condition: selection\n");

        assertThat(conversion.ruleId).isEqualTo("sigma-aws-test-rule");
        assertThat(conversion.ruleText).contains("# sigma id: 11111111-2222-3333-4444-555555555555",
                "# sigma author: Someone", "Detection Rule License (DRL) 1.1", "severity: high", "- T1098.001",
                "- https://example.com/r", "- Admins", "tactics:\n- persistence", "contain: none",
                "reason: 'Alert only: converted Sigma rules are alert-only");
    }

    @Test
    void matchingIsCaseInsensitiveByDefaultAndCasedOnRequest() throws Exception {
        CompiledRule plain = compiled(convert("  selection: {eventName: CreateUser}\n  condition: selection\n"));
        CompiledRule cased = compiled(convert("  selection: {eventName|cased: CreateUser}\n  condition: selection\n"));

        assertThat(fires(plain, "\"eventName\": \"CREATEUSER\"")).isTrue();
        assertThat(fires(cased, "\"eventName\": \"CREATEUSER\"")).isFalse();
        assertThat(fires(cased, "\"eventName\": \"CreateUser\"")).isTrue();
    }

    @Test
    void wildcardsAreWildcardsAndEverythingElseIsLiteral() throws Exception {
        CompiledRule rule = compiled(convert("  selection: {eventSource: 'ec2.*.com', eventName: 'Get?assword\\*'}\n"
                + "  condition: selection\n"));

        assertThat(fires(rule, "\"eventSource\": \"ec2.amazonaws.com\", \"eventName\": \"GetPassword*\"")).isTrue();
        assertThat(fires(rule, "\"eventSource\": \"ec2xamazonaws.com\", \"eventName\": \"GetPassword*\"")).as("'.' is literal").isFalse();
        assertThat(fires(rule, "\"eventSource\": \"ec2.amazonaws.com\", \"eventName\": \"GetPasswordData\"")).as("\\* is literal").isFalse();
    }

    @Test
    void containsStartsEndsAllAndLists() throws Exception {
        CompiledRule rule = compiled(convert("  selection:\n    userAgent|contains|all: [boto, Linux]\n"
                + "    eventName|startswith: [Put, Delete]\n    eventSource|endswith: .amazonaws.com\n  condition: selection\n"));

        assertThat(fires(rule, "\"userAgent\": \"Boto3/1.0 linux\", \"eventName\": \"deleteBucket\", \"eventSource\": \"s3.amazonaws.com\"")).isTrue();
        assertThat(fires(rule, "\"userAgent\": \"Boto3/1.0 windows\", \"eventName\": \"deleteBucket\", \"eventSource\": \"s3.amazonaws.com\"")).isFalse();
        assertThat(fires(rule, "\"userAgent\": \"boto linux\", \"eventName\": \"GetBucket\", \"eventSource\": \"s3.amazonaws.com\"")).isFalse();
    }

    @Test
    void nullMeansAbsentAndExistsChecksPresence() throws Exception {
        CompiledRule rule = compiled(convert("  selection:\n    errorCode: null\n    requestParameters.userName|exists: true\n"
                + "  condition: selection\n"));

        assertThat(fires(rule, "\"requestParameters\": {\"userName\": \"x\"}")).isTrue();
        assertThat(fires(rule, "\"errorCode\": \"AccessDenied\", \"requestParameters\": {\"userName\": \"x\"}")).isFalse();
        assertThat(fires(rule, "\"requestParameters\": {}")).isFalse();
    }

    @Test
    void regexIsCaseSensitiveUnlessFlagged() throws Exception {
        CompiledRule sensitive = compiled(convert("  selection: {userIdentity.arn|re: ':assumed-role/aws:'}\n  condition: selection\n"));
        CompiledRule insensitive = compiled(convert("  selection: {userIdentity.arn|re|i: ':assumed-role/aws:'}\n  condition: selection\n"));

        String upper = "\"eventName\": \"X\", \"userIdentity\": {\"type\": \"AssumedRole\", \"arn\": \"arn:aws:sts::1:ASSUMED-ROLE/aws:x\"}";
        assertThat(fires(sensitive, upper)).isFalse();
        assertThat(fires(insensitive, upper)).isTrue();
    }

    @Test
    void cidrNumbersAndFieldReferences() throws Exception {
        CompiledRule rule = compiled(convert("  selection:\n    sourceIPAddress|cidr: 203.0.113.0/24\n"
                + "    requestParameters.durationSeconds|gte: 3600\n    requestParameters.userName|fieldref: userIdentity.userName\n"
                + "  condition: selection\n"));

        assertThat(fires(rule, "\"sourceIPAddress\": \"203.0.113.9\", \"requestParameters\": {\"durationSeconds\": 3600, \"userName\": \"U\"}")).isTrue();
        assertThat(fires(rule, "\"sourceIPAddress\": \"203.0.114.9\", \"requestParameters\": {\"durationSeconds\": 3600, \"userName\": \"u\"}")).isFalse();
        assertThat(fires(rule, "\"sourceIPAddress\": \"203.0.113.9\", \"requestParameters\": {\"durationSeconds\": 3599, \"userName\": \"u\"}")).isFalse();
        assertThat(fires(rule, "\"sourceIPAddress\": \"203.0.113.9\", \"requestParameters\": {\"durationSeconds\": 3600, \"userName\": \"v\"}")).isFalse();
    }

    @Test
    void conditionsFollowSigmaPrecedenceAndQuantifiers() throws Exception {
        CompiledRule rule = compiled(convert("  selection_a: {eventName: A}\n  selection_b: {eventName: B}\n"
                + "  filter: {userIdentity.type: AWSService}\n  condition: 1 of selection_* and not filter or eventSource_c\n"
                + "  eventSource_c: {eventSource: c.amazonaws.com}\n"));

        assertThat(fires(rule, "\"eventName\": \"B\"")).isTrue();
        assertThat(fires(rule, "\"eventName\": \"B\", \"userIdentity\": {\"type\": \"AWSService\"}")).isFalse();
        assertThat(fires(rule, "\"eventName\": \"Z\", \"eventSource\": \"c.amazonaws.com\", \"userIdentity\": {\"type\": \"AWSService\"}"))
                .as("or binds weaker than and").isTrue();

        CompiledRule all = compiled(convert("  one: {eventName: A}\n  two: {eventSource: s.amazonaws.com}\n  condition: all of them\n"));
        assertThat(fires(all, "\"eventName\": \"A\", \"eventSource\": \"s.amazonaws.com\"")).isTrue();
        assertThat(fires(all, "\"eventName\": \"A\", \"eventSource\": \"t.amazonaws.com\"")).isFalse();
    }

    @Test
    void aListOfMappingsIsAnyOfThem() throws Exception {
        CompiledRule rule = compiled(convert("  selection: {eventName: X}\n  filter:\n    - {eventSource: ssm.amazonaws.com}\n"
                + "    - {sourceIPAddress: AWS Internal}\n  condition: selection and not filter\n"));

        assertThat(fires(rule, "\"eventName\": \"X\", \"sourceIPAddress\": \"198.51.100.1\"")).isTrue();
        assertThat(fires(rule, "\"eventName\": \"X\", \"sourceIPAddress\": \"aws internal\"")).isFalse();
        assertThat(fires(rule, "\"eventName\": \"X\", \"eventSource\": \"ssm.amazonaws.com\"")).isFalse();
    }

    @Test
    void generatedTestsComeFromTheSelectionAndTheFilter() {
        SigmaConversion conversion = convert("  selection: {eventName: X}\n  filter: {userIdentity.type: AWSService}\n"
                + "  condition: selection and not filter\n");

        assertThat(conversion.ruleText).contains("selection selection (generated)", "values upper-cased (generated)",
                "caught by filter filter (generated)", "with selection not met (generated)");
    }

    @Test
    void aRuleNoRecordCanBeGeneratedForIsConvertedMarkedUntested() throws Exception {
        SigmaConversion conversion = convert("  selection: {eventName|re: '^Create[A-Z]{2}User$'}\n  condition: selection\n");

        assertThat(conversion.converted()).isTrue();
        assertThat(conversion.untested).isTrue();
        assertThat(conversion.ruleText).contains("untested: ").doesNotContain("tests:");
        CompiledRule rule = compiled(conversion);
        assertThat(fires(rule, "\"eventName\": \"CreateXYUser\"")).isTrue();
        assertThat(fires(rule, "\"eventName\": \"CreateXUser\"")).isFalse();
    }

    @Test
    void whatCannotBeConvertedSaysWhy() {
        assertThat(convert("  keywords: [mimikatz]\n  condition: keywords\n").reason).contains("keyword");
        assertThat(convert("  selection: {eventName|base64: X}\n  condition: selection\n").reason).contains("|base64");
        assertThat(convert("  selection: {eventName: X}\n  condition: selection | count() > 5\n").reason).contains("correlation rule");
        assertThat(convert("  selection: {eventName: X}\n  condition: selection and filter\n").reason).contains("'filter'");
        assertThat(convert("  selection: {eventName: X}\n  condition: (selection\n").reason).contains("')'");
        assertThat(CONVERTER.convert("w.yml", sigma("  s: {EventID: 1}\n  condition: s\n").replace("aws, service: cloudtrail",
                "windows, service: security")).get(0).reason).contains("logsource");
        assertThat(convert("  selection: {eventNam: X}\n  condition: selection\n").reason).contains("eventNam");
    }

    /** Every catalogue rule names its ATT&CK tactic: Sigma's tactic tags, in either spelling, or no conversion. */
    @Test
    void tacticsComeFromTheTagsOrTheRuleIsNotConverted() {
        String noTactic = sigma("  selection: {eventName: X}\n  condition: selection\n")
                .replace("tags: [attack.persistence, attack.t1098.001]", "tags: [attack.defense-evasion, attack.t1098.001]");
        assertThat(CONVERTER.convert("n.yml", noTactic).get(0).reason).contains("no ATT&CK tactic tag", "v19");
        String oldSpelling = sigma("  selection: {eventName: X}\n  condition: selection\n")
                .replace("tags: [attack.persistence, attack.t1098.001]", "tags: [attack.Privilege_Escalation, attack.t1098.001]");
        assertThat(CONVERTER.convert("p.yml", oldSpelling).get(0).ruleText).contains("tactics:\n- privilege-escalation\n");
    }

    @Test
    void hostileTextStaysData() {
        SigmaConversion conversion = CONVERTER.convert("../../etc/aws evil.yml", sigma("  selection: {eventName: X}\n  condition: selection\n")
                .replace("title: Test rule", "title: \"x\\nresponse: {contain: actor}\"")).get(0);

        assertThat(conversion.ruleId).isEqualTo("sigma-aws-evil");
        assertThat(conversion.ruleText).contains("contain: none").doesNotContain("\nresponse: {contain: actor}");
    }

    @Test
    void correlationsBecomeThresholdsAndSequences() {
        String base = "title: Base\nname: base\nid: 1\nlogsource: {product: aws, service: cloudtrail}\n"
                + "detection: {selection: {eventName: GetSecretValue}, condition: selection}\n---\n"
                + "title: Other\nname: other\nlogsource: {product: aws, service: cloudtrail}\n"
                + "detection: {selection: {eventName: DeleteSecret}, condition: selection}\n---\n";
        SigmaConversion count = CONVERTER.convert("c.yml", base + "title: Many secrets\ntags: [attack.credential-access, attack.t1555]\ncorrelation: {type: value_count,"
                + " rules: [base], group-by: [userIdentity.arn], timespan: 10m, condition: {gte: 5, field: requestParameters.secretId}}\n"
                + "level: high\n").stream().filter(c -> "Many secrets".equals(c.sigmaTitle)).findFirst().orElseThrow();
        SigmaConversion ordered = CONVERTER.convert("o.yml", base + "title: Read then delete\ntags: [attack.credential-access, attack.t1555]\ncorrelation: {type: temporal_ordered,"
                + " rules: [base, other], group-by: [userIdentity.arn], timespan: 1h}\n").stream()
                .filter(c -> "Read then delete".equals(c.sigmaTitle)).findFirst().orElseThrow();
        SigmaConversion unordered = CONVERTER.convert("u.yml", base + "title: U\ntags: [attack.credential-access, attack.t1555]\ncorrelation: {type: temporal,"
                + " rules: [base, other], group-by: [userIdentity.arn], timespan: 1h}\n").stream()
                .filter(c -> "U".equals(c.sigmaTitle)).findFirst().orElseThrow();

        assertThat(count.ruleText).contains("threshold:", "atLeast: 5", "distinct: requestParameters.secretId", "within: 10m");
        assertThat(ordered.ruleText).contains("sequence:", "step-1-base", "step-2-other", "within: 1h");
        assertThat(unordered.reason).contains("temporal");
    }
}
