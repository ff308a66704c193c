package io.trailwarden.respond;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.Target;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IamContainmentTest {
    private static final String ACCOUNT = "111122223333";

    @Test
    void theRespondersOwnIdentityIsRecognisedInEveryArnShape() {
        Target user = Target.of(Target.Kind.IAM_USER, "responder", null, ACCOUNT);
        Target role = Target.of(Target.Kind.IAM_ROLE, "TrailWardenJob", null, ACCOUNT);

        assertThat(IamContainment.isIdentity(user, "arn:aws:iam::111122223333:user/responder")).isTrue();
        assertThat(IamContainment.isIdentity(user, "arn:aws:iam::111122223333:user/ops/responder")).isTrue();
        assertThat(IamContainment.isIdentity(role, "arn:aws:sts::111122223333:assumed-role/TrailWardenJob/flink-1")).isTrue();

        assertThat(IamContainment.isIdentity(user, "arn:aws:iam::111122223333:user/not-responder")).isFalse();
        assertThat(IamContainment.isIdentity(user, "arn:aws:iam::999988887777:user/responder")).isFalse();
        assertThat(IamContainment.isIdentity(role, "arn:aws:sts::111122223333:assumed-role/TrailWardenJobX/s")).isFalse();
        assertThat(IamContainment.isIdentity(role, "arn:aws:iam::111122223333:user/TrailWardenJob")).isFalse();
    }

    @Test
    void theRoleQuarantinePolicyRevokesTokensIssuedBeforeTheCutOff() {
        IamContainment containment = new IamContainment(null, "TrailWardenQuarantine", java.util.List.of(), Instant::now,
                java.time.Duration.ofMinutes(1));
        String policy = containment.denyAll(Instant.parse("2024-08-01T13:33:29Z"));

        assertThat(policy).isEqualTo("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"TrailWardenQuarantine\","
                + "\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":"
                + "{\"aws:TokenIssueTime\":\"2024-08-01T13:33:29Z\"}}}]}");
        assertThat(IamContainment.tokenIssueCutoff(policy)).isEqualTo(Instant.parse("2024-08-01T13:33:29Z"));
        assertThat(IamContainment.tokenIssueCutoff(containment.denyAll(null))).isNull();
    }

    @Test
    void policyDocumentsCompareAsJsonWhetherIamReturnsThemEncodedOrNot() {
        String compact = "{\"Version\":\"2012-10-17\",\"Statement\":[]}";
        assertThat(IamContainment.normalise("%7B%22Version%22%3A%20%222012-10-17%22%2C%20%22Statement%22%3A%20%5B%5D%7D"))
                .isEqualTo(compact);
        assertThat(IamContainment.normalise("{ \"Version\": \"2012-10-17\",\n \"Statement\": [] }")).isEqualTo(compact);
    }

    @Test
    void onlyKeysTheFindingShowsAreTheTargetUsersOwnCanLeadToItUnderANewName() {
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        String creatorKey = "AKIAOZUDECYXYM4ONAN4";

        assertThat(IamContainment.userKeys(finding, finding.target)).containsExactly(CorpusFindings.RECORDED_KEY);
        assertThat(IamContainment.userKeys(finding, Target.of(Target.Kind.IAM_USER, "CHRISTOPHE", null, ACCOUNT)))
                .as("the key the creator called with is the creator's, whatever the case of its name").containsExactly(creatorKey);
        assertThat(IamContainment.userKeys(finding, Target.of(Target.Kind.IAM_USER, "backdoor", null, "999988887777")))
                .as("a user of that name in another account").isEmpty();
        assertThat(IamContainment.userKeys(finding, Target.of(Target.Kind.IAM_ROLE, "backdoor", null, ACCOUNT))).isEmpty();
        assertThat(IamContainment.userKeys(CorpusFindings.withCreatedKey(CorpusFindings.backdoorUser(ACCOUNT, "backdoor"),
                "ASIAXAFZN8JEPF6L682H"), finding.target)).as("a session key belongs to no user").isEmpty();
        assertThat(IamContainment.userKeys(CorpusFindings.withCreatedKey(CorpusFindings.backdoorUser(ACCOUNT, "backdoor"),
                "AKIA0000000000000010 OR *"), finding.target)).as("text that is no key").isEmpty();
    }

    @Test
    void aFindingFullOfKeysCostsAFewLookupsAtMost() {
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        CloudTrailEvent created = finding.events.get(finding.events.size() - 1);
        List<CloudTrailEvent> events = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            events.add(CorpusFindings.event(created.rawJson().replace(CorpusFindings.RECORDED_KEY, "AKIA00000000000000" + (10 + i))));
        }
        finding.events = events;

        assertThat(IamContainment.userKeys(finding, finding.target))
                .containsExactly("AKIA0000000000000010", "AKIA0000000000000011", "AKIA0000000000000012")
                .hasSize(IamContainment.MAX_USER_KEYS);
    }
}
