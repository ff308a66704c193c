package io.trailwarden.rules.compile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.config.ListsConfig;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.Corpus;
import io.trailwarden.event.EventJson;
import io.trailwarden.event.ParseResult;
import io.trailwarden.rules.load.RuleLoader;
import io.trailwarden.rules.model.ConditionSpec;
import io.trailwarden.rules.model.RuleError;
import io.trailwarden.source.RawInput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The condition language over real corpus records (DataDog/stratus-red-team detonation logs, Apache-2.0). */
class ConditionsTest {
    private static final Map<String, List<String>> LISTS = Map.of(
            "allowedProvisioners", List.of("arn:aws:iam::229654561268:user/christophe"),
            "sensitiveBuckets", List.of(),
            "adminGroups", List.of());

    private static CloudTrailEvent corpus(String eventId, String eventName) {
        for (String record : Corpus.records()) {
            if (record.contains("\"eventID\": \"" + eventId) || record.contains("\"eventID\":\"" + eventId)) {
                CloudTrailEvent event = parse(record);
                if (event.eventName.equals(eventName)) {
                    return event;
                }
            }
        }
        throw new IllegalArgumentException("no corpus record " + eventId + " " + eventName);
    }

    private static CloudTrailEvent parse(String json) {
        ParseResult result = new CloudTrailParser().parseAll(RawInput.of("test", json));
        assertThat(result.deadLetters).isEmpty();
        return result.events.get(0);
    }

    private static EventCondition compile(String yaml) {
        List<RuleError> errors = new ArrayList<>();
        ConditionSpec spec = new RuleLoader(LISTS.keySet(), Duration.ofDays(1)).condition(yaml, errors);
        assertThat(errors).isEmpty();
        return Conditions.compile(spec, LISTS);
    }

    private static final CloudTrailEvent CREATE_USER = corpus("3346344c", "CreateUser");
    private static final CloudTrailEvent PUT_EVENT_SELECTORS = corpus("c2a89408", "PutEventSelectors");
    private static final CloudTrailEvent DELETE_TRAIL = corpus("ee73c230", "DeleteTrail");
    private static final CloudTrailEvent BACKDOOR_KEY = corpus("c64c4ded", "CreateAccessKey");
    private static final CloudTrailEvent ROLE_CALL = corpus("394cf343", "DescribeInstances");

    /** IAM user, role and group names are unique without case; other fields keep theirs. */
    @Test
    void iamNameFieldsCompareWithoutCaseWhateverTheOperator() {
        assertThat(compile("{requestParameters.userName: MALICIOUS-IAM-USER}").test(CREATE_USER)).isTrue();
        assertThat(compile("{requestParameters.userName: [Malicious-Iam-User, other]}").test(CREATE_USER)).isTrue();
        assertThat(compile("{requestParameters.userName: {notEquals: MALICIOUS-iam-user}}").test(CREATE_USER)).isFalse();
        assertThat(compile("{requestParameters.userName: {prefix: MALICIOUS-}}").test(CREATE_USER)).isTrue();
        assertThat(compile("{userIdentity.userName: {equals: Christophe}}").test(CREATE_USER)).isTrue();
        assertThat(compile("{userIdentity.arn: {suffix: user/Christophe}}").test(CREATE_USER))
                .as("an ARN is no name field: as written").isFalse();
        assertThat(compile("{eventName: createuser}").test(CREATE_USER)).as("not a name field").isFalse();
        // Either side of a field comparison being a name field is enough.
        assertThat(compile("{responseElements.user.arn: {transform: nameOf, equalsField: requestParameters.userName}}")
                .test(withUserName(CREATE_USER, "MALICIOUS-IAM-USER"))).isTrue();
    }

    private static CloudTrailEvent withUserName(CloudTrailEvent event, String userName) {
        ObjectNode record = (ObjectNode) EventJson.readTree(event.rawJson());
        ((ObjectNode) record.get("requestParameters")).put("userName", userName);
        return parse(record.toString());
    }

    @Test
    void equalsAndOneOfOnTypedAndNestedFields() {
        assertThat(compile("{eventName: CreateUser}").test(CREATE_USER)).isTrue();
        assertThat(compile("{eventName: [DeleteUser, CreateUser]}").test(CREATE_USER)).isTrue();
        assertThat(compile("{eventName: createuser}").test(CREATE_USER)).isFalse();
        assertThat(compile("{eventName: {equals: createuser, ignoreCase: true}}").test(CREATE_USER)).isTrue();
        assertThat(compile("{requestParameters.userName: malicious-iam-user}").test(CREATE_USER)).isTrue();
        assertThat(compile("{responseElements.user.path: /}").test(CREATE_USER)).isTrue();
    }

    @Test
    void pathsThroughArraysMatchAnyElement() {
        assertThat(compile("{requestParameters.eventSelectors.includeManagementEvents: false}").test(PUT_EVENT_SELECTORS))
                .isTrue();
        assertThat(compile("{requestParameters.eventSelectors.dataResources.type: AWS::Lambda::Function}")
                .test(PUT_EVENT_SELECTORS)).isTrue();
        assertThat(compile("{requestParameters.eventSelectors.0.readWriteType: ReadOnly}").test(PUT_EVENT_SELECTORS))
                .isTrue();
        assertThat(compile("{requestParameters.tags.key: StratusRedTeam}").test(CREATE_USER)).isTrue();
    }

    @Test
    void prefixSuffixContainsRegex() {
        assertThat(compile("{userAgent: {prefix: stratus-red-team_}}").test(CREATE_USER)).isTrue();
        assertThat(compile("{userIdentity.arn: {suffix: [\":user/alice\", \":user/christophe\"]}}").test(CREATE_USER)).isTrue();
        assertThat(compile("{userIdentity.arn: {contains: \":root\"}}").test(CREATE_USER)).isFalse();
        assertThat(compile("{eventName: {regex: '^(List|Describe|Get)'}}").test(ROLE_CALL)).isTrue();
        assertThat(compile("{eventName: {regex: '^(List|Get)'}}").test(ROLE_CALL)).isFalse();
    }

    @Test
    void cidrHandlesLeadingZeroOctetsAndServiceNames() {
        // The real DeleteTrail record's sourceIPAddress is "08.1.250.216": decimal octets, not octal.
        assertThat(compile("{sourceIPAddress: {cidr: 8.1.250.0/24}}").test(DELETE_TRAIL)).isTrue();
        assertThat(compile("{sourceIPAddress: {cidr: [10.0.0.0/8, 2001:db8::/32]}}").test(DELETE_TRAIL)).isFalse();
        CloudTrailEvent serviceCall = parse(CREATE_USER.rawJson().replace("075.050.255.67", "AWS Internal"));
        assertThat(compile("{sourceIPAddress: {cidr: 0.0.0.0/0}}").test(serviceCall)).isFalse();
        CloudTrailEvent ipv6 = parse(CREATE_USER.rawJson().replace("075.050.255.67", "2001:db8:0:1::7"));
        assertThat(compile("{sourceIPAddress: {cidr: 2001:db8::/32}}").test(ipv6)).isTrue();
    }

    @Test
    void existsNumericAndNot() {
        assertThat(compile("{errorCode: {exists: false}}").test(CREATE_USER)).isTrue();
        assertThat(compile("{requestParameters.userName: {exists: true}}").test(CREATE_USER)).isTrue();
        assertThat(compile("{responseElements: {exists: true}}").test(DELETE_TRAIL)).isFalse();
        assertThat(compile("{eventVersion: {gte: 1.09}}").test(CREATE_USER)).isTrue();
        assertThat(compile("{eventVersion: {gt: 1.09}}").test(CREATE_USER)).isFalse();
        assertThat(compile("{eventVersion: {lt: 2}}").test(CREATE_USER)).isTrue();
        assertThat(compile("{not: {eventName: CreateUser}}").test(CREATE_USER)).isFalse();
    }

    @Test
    void fieldToFieldNeedsBothFields() {
        EventCondition otherUser = compile("{userIdentity.userName: {notEqualsField: requestParameters.userName}}");
        assertThat(otherUser.test(BACKDOOR_KEY)).isTrue();
        CloudTrailEvent ownKey = parse(BACKDOOR_KEY.rawJson().replace("\"userName\":\"stratus-red-team-backdoor-u-user\"",
                "\"userName\":\"christophe\""));
        assertThat(otherUser.test(ownKey)).isFalse();
        assertThat(compile("{userIdentity.userName: {equalsField: requestParameters.userName}}").test(ownKey)).isTrue();
        CloudTrailEvent noUserName = parse(BACKDOOR_KEY.rawJson().replace("\"requestParameters\":{\"userName\":\"stratus-red-team-backdoor-u-user\"}",
                "\"requestParameters\":null"));
        assertThat(otherUser.test(noUserName)).isFalse();
    }

    @Test
    void namedListsAndTheirEmptyBehaviour() {
        assertThat(compile("{userIdentity.arn: {inList: allowedProvisioners}}").test(CREATE_USER)).isTrue();
        assertThat(compile("{userIdentity.arn: {inList: sensitiveBuckets}}").test(CREATE_USER)).isFalse();
        assertThat(compile("{userIdentity.arn: {inList: sensitiveBuckets, matchWhenListEmpty: true}}").test(CREATE_USER))
                .isTrue();
    }

    @Test
    void allAnyCombine() {
        assertThat(compile("{any: [{eventName: DeleteUser}, {all: [{eventName: CreateUser}, {errorCode: {exists: false}}]}]}")
                .test(CREATE_USER)).isTrue();
        assertThat(compile("{eventName: CreateUser, errorCode: {exists: true}}").test(CREATE_USER)).isFalse();
    }

    @Test
    void theDefaultListsAreKnownToTheLoader() {
        assertThat(ListsConfig.defaults().lists).containsKeys("allowedProvisioners", "sensitiveBuckets", "adminGroups");
    }
}
