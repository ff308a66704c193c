package io.trailwarden.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.source.RawInput;
import org.junit.jupiter.api.Test;

/**
 * The corpus holds IAMUser, AssumedRole and FederatedUser records; those are read as recorded. Root,
 * AWSService and IdentityCenterUser do not occur in it, so those tests put a userIdentity of the shape
 * the CloudTrail user guide documents for each into a real record.
 */
class ActorNormalisationTest {
    private final CloudTrailParser parser = new CloudTrailParser();

    private CloudTrailEvent parse(JsonNode record) {
        ParseResult result = parser.parseAll(Records.unit("test", record));
        assertThat(result.deadLetters).isEmpty();
        assertThat(result.events).hasSize(1);
        return result.events.get(0);
    }

    @Test
    void iamUserIsReadAsRecorded() {
        CloudTrailEvent event = parse(Corpus.first(r -> r.get("eventName").asText().equals("CreateUser")));

        Actor actor = event.actor;
        assertThat(actor.type).isEqualTo(IdentityType.IAM_USER);
        assertThat(actor.arn).isEqualTo("arn:aws:iam::229654561268:user/christophe");
        assertThat(actor.accountId).isEqualTo("229654561268");
        assertThat(actor.userName).isEqualTo("christophe");
        assertThat(actor.principalId).isEqualTo("AIDAZ49AHUAJ9OEK73O5");
        assertThat(actor.accessKeyId).isEqualTo("AKIAOZUDECYXYM4ONAN4");
        assertThat(actor.sessionIssuerArn).isNull();
        assertThat(actor.mfaAuthenticated).isNull();
        assertThat(actor.principalKey()).isEqualTo(actor.arn);
    }

    @Test
    void assumedRoleIsNamedAfterItsRoleAndKeepsItsSessionIssuer() {
        CloudTrailEvent event = parse(Corpus.first(r -> r.at("/userIdentity/type").asText().equals("AssumedRole")));

        Actor actor = event.actor;
        assertThat(actor.type).isEqualTo(IdentityType.ASSUMED_ROLE);
        assertThat(actor.arn).isEqualTo("arn:aws:sts::457448411975:assumed-role/"
                + "stratus-red-team-ec2-get-password-data-role/aws-go-sdk-1722375070115152000");
        assertThat(actor.userName).isEqualTo("stratus-red-team-ec2-get-password-data-role");
        assertThat(actor.sessionIssuerArn)
                .isEqualTo("arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role");
        assertThat(actor.sessionIssuerName).isEqualTo("stratus-red-team-ec2-get-password-data-role");
        assertThat(actor.accessKeyId).isEqualTo("ASIANQQHHS551LWULIWD");
        assertThat(actor.mfaAuthenticated).isFalse();
        assertThat(actor.principalKey()).isEqualTo(actor.arn);
    }

    @Test
    void assumedRoleWithoutSessionIssuerTakesTheRoleNameFromItsArn() {
        ObjectNode record = Corpus.first(r -> r.at("/userIdentity/type").asText().equals("AssumedRole"));
        ((ObjectNode) record.get("userIdentity")).remove("sessionContext");

        Actor actor = parse(record).actor;

        assertThat(actor.userName).isEqualTo("stratus-red-team-ec2-get-password-data-role");
        assertThat(actor.sessionIssuerArn).isNull();
        assertThat(actor.mfaAuthenticated).isNull();
    }

    @Test
    void federatedUserIsNamedAfterItsFederatedNameAndKeepsTheIssuingUser() {
        Actor actor = parse(Corpus.first(r -> r.at("/userIdentity/type").asText().equals("FederatedUser"))).actor;

        assertThat(actor.type).isEqualTo(IdentityType.FEDERATED_USER);
        assertThat(actor.userName).isEqualTo("stratus_red_team");
        assertThat(actor.sessionIssuerArn).isEqualTo("arn:aws:iam::742491224508:user/stratus-red-team-user-federation-user");
        assertThat(actor.sessionIssuerName).isEqualTo("stratus-red-team-user-federation-user");
        assertThat(actor.mfaAuthenticated).isFalse();
    }

    @Test
    void consoleLoginWithoutSessionContextTakesMfaFromMfaUsed() {
        ObjectNode login = Corpus.first(r -> r.get("eventName").asText().equals("ConsoleLogin"));
        assertThat(login.at("/additionalEventData/MFAUsed").asText()).isEqualTo("No");

        assertThat(parse(login).actor.mfaAuthenticated).isFalse();

        ((ObjectNode) login.get("additionalEventData")).put("MFAUsed", "Yes");
        assertThat(parse(login).actor.mfaAuthenticated).isTrue();
    }

    @Test
    void mfaUsedCountsOnlyForConsoleLogin() {
        ObjectNode record = Corpus.first(r -> r.get("eventName").asText().equals("CreateUser"));
        record.putObject("additionalEventData").put("MFAUsed", "Yes");

        assertThat(parse(record).actor.mfaAuthenticated).isNull();
    }

    @Test
    void rootIsCalledRootWhateverTheRecordSays() {
        ObjectNode record = Corpus.first(r -> r.get("eventName").asText().equals("StopLogging"));
        ObjectNode identity = record.putObject("userIdentity");
        identity.put("type", "Root");
        identity.put("principalId", "123456789012");
        identity.put("arn", "arn:aws:iam::123456789012:root");
        identity.put("accountId", "123456789012");
        identity.put("accessKeyId", "ASIAEXAMPLEROOTKEY01");
        identity.putObject("sessionContext").putObject("attributes")
                .put("creationDate", "2024-08-01T10:00:00Z").put("mfaAuthenticated", "true");

        Actor actor = parse(record).actor;

        assertThat(actor.type).isEqualTo(IdentityType.ROOT);
        assertThat(actor.userName).isEqualTo("root");
        assertThat(actor.arn).isEqualTo("arn:aws:iam::123456789012:root");
        assertThat(actor.mfaAuthenticated).isTrue();
    }

    @Test
    void awsServiceKeepsTheServiceThatActed() {
        ObjectNode record = Corpus.first(r -> r.get("eventName").asText().equals("AssumeRole"));
        ObjectNode identity = record.putObject("userIdentity");
        identity.put("type", "AWSService");
        identity.put("invokedBy", "ec2.amazonaws.com");
        record.put("sourceIPAddress", "ec2.amazonaws.com");

        CloudTrailEvent event = parse(record);

        assertThat(event.actor.type).isEqualTo(IdentityType.AWS_SERVICE);
        assertThat(event.actor.invokedBy).isEqualTo("ec2.amazonaws.com");
        assertThat(event.actor.arn).isNull();
        assertThat(event.sourceIpAddress).isEqualTo("ec2.amazonaws.com");
    }

    @Test
    void identityCenterUserIsNamedFromOnBehalfOf() {
        ObjectNode record = Corpus.first(r -> r.get("eventName").asText().equals("GetSecretValue"));
        ObjectNode identity = record.putObject("userIdentity");
        identity.put("type", "IdentityCenterUser");
        identity.put("accountId", "123456789012");
        identity.putObject("onBehalfOf")
                .put("userId", "544894e8-80c1-707f-60e3-3ba6510dfac1")
                .put("identityStoreArn", "arn:aws:identitystore::123456789012:identitystore/d-9067642ac7");
        identity.put("credentialId", "EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE");

        Actor actor = parse(record).actor;
        assertThat(actor.type).isEqualTo(IdentityType.IDENTITY_CENTER_USER);
        assertThat(actor.userName).isEqualTo("544894e8-80c1-707f-60e3-3ba6510dfac1");

        ((ObjectNode) identity.get("onBehalfOf")).put("userName", "alice@example.com");
        assertThat(parse(record).actor.userName).isEqualTo("alice@example.com");
    }

    @Test
    void anUnknownIdentityTypeStillParses() {
        ObjectNode record = Corpus.first(r -> r.get("eventName").asText().equals("CreateUser"));
        ((ObjectNode) record.get("userIdentity")).put("type", "SomethingNew");

        Actor actor = parse(record).actor;

        assertThat(actor.type).isEqualTo(IdentityType.UNKNOWN);
        assertThat(actor.arn).isEqualTo("arn:aws:iam::229654561268:user/christophe");
    }

    @Test
    void aRecordWithoutUserIdentityHasAnUnknownActor() {
        ObjectNode record = Corpus.first(r -> r.get("eventName").asText().equals("CreateUser"));
        record.remove("userIdentity");

        Actor actor = parse(record).actor;

        assertThat(actor.type).isEqualTo(IdentityType.UNKNOWN);
        assertThat(actor.arn).isNull();
    }

    @Test
    void everyCorpusRecordHasTheIdentityTypeItDeclares() {
        for (String raw : Corpus.records()) {
            JsonNode record = EventJson.readTree(raw);
            Actor actor = parse(record).actor;
            assertThat(actor.type.cloudTrailName()).isEqualTo(record.at("/userIdentity/type").asText());
            assertThat(actor.userName).as(raw).isNotBlank();
        }
    }

    /** sessionCredentialFromConsole and ec2RoleDelivery were never refused for a non-string; rules then read the record. */
    @Test
    void theParserVouchesForItsIdentityFieldsUnlessTheRecordHoldsANonStringThere() {
        String record = Corpus.records().get(0);
        assertThat(parser.parseAll(RawInput.of("t", record)).events.get(0).identityAsWritten).isTrue();
        String numberAtConsole = record.replaceFirst("^\\{", "{\"sessionCredentialFromConsole\":1,");
        CloudTrailEvent event = parser.parseAll(RawInput.of("t", numberAtConsole)).events.get(0);
        assertThat(event.identityAsWritten).isFalse();
        assertThat(event.sessionCredentialFromConsole).isNull();
    }

    @Test
    void instanceRoleDeliveryAndConsoleCredentialsAreKeptAsWritten() {
        ObjectNode record = Corpus.first(r -> r.toString().contains("ec2RoleDelivery"));
        record.put("sessionCredentialFromConsole", "TRUE");
        CloudTrailEvent event = parse(record);
        assertThat(event.actor.ec2RoleDelivery).isEqualTo("1.0");
        assertThat(event.sessionCredentialFromConsole).isEqualTo("TRUE");
        assertThat(event.identityAsWritten).isTrue();
    }
}
