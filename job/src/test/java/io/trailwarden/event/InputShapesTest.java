package io.trailwarden.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.source.RawInput;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every input shape of DESIGN.md, built around real corpus records. */
class InputShapesTest {
    private final CloudTrailParser parser = new CloudTrailParser();

    private static ObjectNode record(String eventName) {
        return Corpus.first(r -> r.get("eventName").asText().equals(eventName));
    }

    private static List<String> ids(ParseResult result) {
        return result.events.stream().map(e -> e.eventId).collect(Collectors.toList());
    }

    private static List<String> reasons(ParseResult result) {
        return result.deadLetters.stream().map(d -> d.reason).collect(Collectors.toList());
    }

    @Test
    void bareRecordKeepsItsTypedFieldsAndTheWholeRecord() {
        ObjectNode record = record("CreateUser");

        ParseResult result = parser.parseAll(Records.unit("k", record));

        assertThat(result.deadLetters).isEmpty();
        CloudTrailEvent event = result.events.get(0);
        assertThat(event.eventId).isEqualTo("3346344c-5a3e-429e-8405-420f98f75d6e");
        assertThat(event.eventName).isEqualTo("CreateUser");
        assertThat(event.eventSource).isEqualTo("iam.amazonaws.com");
        assertThat(event.eventType).isEqualTo("AwsApiCall");
        assertThat(event.eventTime()).isEqualTo(Instant.parse(record.get("eventTime").asText()));
        assertThat(event.awsRegion).isEqualTo(record.get("awsRegion").asText());
        assertThat(event.sourceIpAddress).isEqualTo(record.get("sourceIPAddress").asText());
        assertThat(event.userAgent).startsWith("stratus-red-team_");
        assertThat(event.recipientAccountId).isEqualTo("229654561268");
        assertThat(event.readOnly).isFalse();
        assertThat(event.errorCode).isNull();
        assertThat(event.text("requestParameters.userName")).isEqualTo(record.at("/requestParameters/userName").asText());
        assertThat(EventJson.readTree(event.rawJson())).isEqualTo(record);
        assertThat(event.tree()).isSameAs(event.tree());
    }

    @Test
    void failedCallsCarryTheirErrorCodeAndMessage() {
        ObjectNode failed = Corpus.first(r -> r.has("errorCode"));

        CloudTrailEvent event = parser.parseAll(Records.unit("k", failed)).events.get(0);

        assertThat(event.errorCode).isEqualTo(failed.get("errorCode").asText());
        assertThat(event.errorMessage).isEqualTo(failed.get("errorMessage").asText());
    }

    @Test
    void bedrockTimeWithSpaceAndNanosecondsIsUtc() {
        ObjectNode bedrock = Corpus.first(r -> r.get("eventTime").asText().equals("2025-03-26 16:43:57.000000000"));

        ParseResult result = parser.parseAll(Records.unit("k", bedrock));

        assertThat(result.deadLetters).isEmpty();
        assertThat(result.events.get(0).eventTime()).isEqualTo(Instant.parse("2025-03-26T16:43:57Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "AWS API Call via CloudTrail",
        "AWS Console Action via CloudTrail",
        "AWS Service Event via CloudTrail"
    })
    void eventBridgeEnvelopeOfAnApiCallYieldsTheRecordUnderDetail(String detailType) {
        ObjectNode record = record("CreateUser");

        ParseResult result = parser.parseAll(Records.unit("k", Records.envelope(detailType, record)));

        assertThat(result.deadLetters).isEmpty();
        assertThat(ids(result)).containsExactly("3346344c-5a3e-429e-8405-420f98f75d6e");
        assertThat(EventJson.readTree(result.events.get(0).rawJson())).isEqualTo(record);
    }

    @ParameterizedTest
    @ValueSource(strings = {"AWS Console Sign In via CloudTrail", "AWS Console Signin via CloudTrail"})
    void eventBridgeEnvelopeOfAConsoleSignInYieldsTheLogin(String detailType) {
        ObjectNode login = record("ConsoleLogin");

        ParseResult result = parser.parseAll(Records.unit("k", Records.envelope(detailType, login)));

        assertThat(result.deadLetters).isEmpty();
        CloudTrailEvent event = result.events.get(0);
        assertThat(event.eventName).isEqualTo("ConsoleLogin");
        assertThat(event.eventType).isEqualTo("AwsConsoleSignIn");
        assertThat(event.actor.mfaAuthenticated).isFalse();
        assertThat(event.text("responseElements.ConsoleLogin")).isEqualTo("Success");
    }

    @Test
    void prettyPrintedEnvelopeKeepsACompactRecord() {
        ObjectNode record = record("AttachUserPolicy");

        ParseResult result = parser.parseAll(Records.unit("k",
                Records.pretty(Records.envelope("AWS API Call via CloudTrail", record))));

        assertThat(result.deadLetters).isEmpty();
        String rawJson = result.events.get(0).rawJson();
        assertThat(rawJson).doesNotContain("\n").isEqualTo(record.toString());
    }

    @Test
    void otherEventBridgeDetailTypesAreDeadLettersNamingTheType() {
        ObjectNode envelope = Records.envelope("EC2 Instance State-change Notification", record("RunInstances"));

        ParseResult result = parser.parseAll(Records.unit("kinesis/shard-0/42", envelope));

        assertThat(result.events).isEmpty();
        assertThat(result.deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.reason).isEqualTo(
                    "EventBridge detail-type \"EC2 Instance State-change Notification\" is not a CloudTrail record");
            assertThat(letter.origin).isEqualTo("kinesis/shard-0/42");
            assertThat(letter.stage).isEqualTo("parse");
            assertThat(EventJson.readTree(letter.raw)).isEqualTo(envelope);
        });
    }

    @Test
    void envelopeWithoutAnObjectDetailIsADeadLetter() {
        ObjectNode envelope = Records.envelope("AWS API Call via CloudTrail", record("CreateUser"));
        envelope.put("detail", "CreateUser");
        ObjectNode noDetail = Records.envelope("AWS API Call via CloudTrail", record("CreateUser"));
        noDetail.remove("detail");

        assertThat(reasons(parser.parseAll(Records.unit("k", envelope))))
                .containsExactly("field detail is a string, expected an object");
        assertThat(reasons(parser.parseAll(Records.unit("k", noDetail))))
                .containsExactly("EventBridge envelope has no detail");
    }

    @Test
    void recordsFileYieldsEachElementAndOneBadElementIsOneDeadLetter() {
        ObjectNode broken = record("CreateAccessKey");
        broken.put("eventName", 7);
        JsonNode file = Records.recordsFile(record("CreateUser"), broken, EventJson.readTree("\"junk\""), record("AttachUserPolicy"));

        ParseResult result = parser.parseAll(Records.unit("s3/file.json", file));

        assertThat(ids(result)).containsExactly(
                record("CreateUser").get("eventID").asText(), record("AttachUserPolicy").get("eventID").asText());
        assertThat(result.deadLetters).extracting(d -> d.origin + " " + d.reason).containsExactly(
                "s3/file.json#Records[1] field eventName is a number, expected a string",
                "s3/file.json#Records[2] not a CloudTrail record: a JSON string");
    }

    @Test
    void recordsThatIsNotAnArrayIsADeadLetter() {
        ParseResult result = parser.parseAll(Records.unit("k", "{\"Records\": {\"eventID\": \"x\"}}"));

        assertThat(reasons(result)).containsExactly("field Records is an object, expected an array");
    }

    @Test
    void gzipRecordsFileIsDecompressed() {
        byte[] gzipped = Records.gzip(Corpus.bytes(Corpus.RECORDS_FILE));

        ParseResult result = parser.parseAll(RawInput.of("s3/file.json.gz", gzipped));

        assertThat(result.deadLetters).isEmpty();
        assertThat(result.events).hasSize(Corpus.RECORD_COUNT);
    }

    @Test
    void prettyPrintedRecordsFileIsOneDocument() {
        JsonNode corpus = EventJson.readTree(new String(Corpus.bytes(Corpus.RECORDS_FILE), StandardCharsets.UTF_8));

        ParseResult result = parser.parseAll(Records.unit("pretty.json", Records.pretty(corpus)));

        assertThat(result.deadLetters).isEmpty();
        assertThat(result.events).hasSize(Corpus.RECORD_COUNT);
        for (int i = 0; i < Corpus.RECORD_COUNT; i++) {
            assertThat(EventJson.readTree(result.events.get(i).rawJson())).isEqualTo(corpus.get("Records").get(i));
            assertThat(result.events.get(i).rawJson()).doesNotContain("\n  ");
        }
    }

    @Test
    void prettyPrintedBareRecordIsOneDocument() {
        ObjectNode record = record("StopLogging");

        ParseResult result = parser.parseAll(Records.unit("k", Records.pretty(record)));

        assertThat(result.deadLetters).isEmpty();
        assertThat(result.events.get(0).rawJson()).isEqualTo(record.toString());
    }

    @Test
    void jsonLinesInOneUnitParseLineByLineAndABlankLineBetweenIsOneDeadLetter() {
        ObjectNode first = record("CreateUser");
        ObjectNode second = record("AttachUserPolicy");
        ObjectNode third = record("CreateAccessKey");
        String text = first + "\n" + Records.envelope("AWS API Call via CloudTrail", second) + "\r\n\n" + third + "\n";

        ParseResult result = parser.parseAll(Records.unit("batch", text));

        assertThat(ids(result)).containsExactly(
                first.get("eventID").asText(), second.get("eventID").asText(), third.get("eventID").asText());
        assertThat(result.deadLetters).extracting(d -> d.origin + " " + d.reason).containsExactly("batch:3 empty record");
    }

    @Test
    void jsonLinesWhoseFirstLineIsBrokenStillYieldTheOtherLines() {
        ObjectNode second = record("CreateUser");
        String text = "{\"eventID\": \"cut-he\n" + second + "\n";

        ParseResult result = parser.parseAll(Records.unit("batch", text));

        assertThat(ids(result)).containsExactly(second.get("eventID").asText());
        assertThat(result.deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.origin).isEqualTo("batch:1");
            assertThat(letter.reason).startsWith("malformed JSON at line 1 column");
        });
    }

    @Test
    void aPrettyDocumentWhoseFirstLineIsNotABracketIsStillOneDocument() {
        ObjectNode record = record("CreateUser");
        String text = "{\"Records\": [\n" + record + ",\n" + record("DeleteTrail") + "\n]}\n";

        ParseResult result = parser.parseAll(Records.unit("odd.json", text));

        assertThat(result.deadLetters).isEmpty();
        assertThat(result.events).hasSize(2);
    }

    /** Past the size bound the text is not tried whole: the lines after the odd first line decide. */
    @Test
    void aPrettyDocumentLargerThanARecordWhoseFirstLineIsNotABracketIsStillOneDocument() {
        String text = "{\"Records\": [\n" + record("CreateUser") + ",\n" + record("DeleteTrail") + ",\n"
                + record("StopLogging") + ",\n" + record("CreateAccessKey") + "\n]}\n";

        ParseResult result = new CloudTrailParser(text.length() / 3).parseAll(Records.unit("odd.json", text));

        assertThat(result.deadLetters).isEmpty();
        assertThat(result.events).extracting(event -> event.eventName)
                .containsExactly("CreateUser", "DeleteTrail", "StopLogging", "CreateAccessKey");
    }

    @Test
    void jsonLinesLargerThanARecordWithACutFirstLineLoseOnlyThatLine() {
        String text = "{\"eventVersion\":\"1.0\n" + record("CreateUser") + "\n" + record("DeleteTrail") + "\n"
                + record("StopLogging") + "\n" + record("CreateAccessKey") + "\n";

        ParseResult result = new CloudTrailParser(text.length() / 3).parseAll(Records.unit("cut.jsonl", text));

        assertThat(result.events).extracting(event -> event.eventName)
                .containsExactly("CreateUser", "DeleteTrail", "StopLogging", "CreateAccessKey");
        assertThat(result.deadLetters).singleElement().satisfies(letter -> assertThat(letter.origin).isEqualTo("cut.jsonl:1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "  \n\t\n"})
    void emptyInputIsOneDeadLetter(String text) {
        ParseResult result = parser.parseAll(Records.unit("k", text));

        assertThat(result.events).isEmpty();
        assertThat(reasons(result)).containsExactly("empty record");
    }

    @Test
    void nullInputIsADeadLetterNotAnException() {
        assertThat(reasons(parser.parseAll(null))).containsExactly("empty record");
        assertThat(reasons(parser.parseAll(RawInput.of("k", (byte[]) null)))).containsExactly("empty record");
    }

    @Test
    void requiredFieldsMissingAreDeadLettersNeverNow() {
        for (String field : new String[] {"eventID", "eventName", "eventTime"}) {
            ObjectNode record = record("CreateUser");
            record.remove(field);
            assertThat(reasons(parser.parseAll(Records.unit("k", record)))).containsExactly("missing " + field);
            record.putNull(field);
            assertThat(reasons(parser.parseAll(Records.unit("k", record)))).containsExactly("missing " + field);
        }
    }

    @Test
    void wrongTypesAreDeadLettersNamingTheField() {
        String[][] cases = {
            {"eventSource", "[\"iam.amazonaws.com\"]", "field eventSource is an array, expected a string"},
            {"awsRegion", "true", "field awsRegion is a boolean, expected a string"},
            {"eventID", "123", "field eventID is a number, expected a string"},
            {"readOnly", "1", "field readOnly is a number, expected a boolean"},
            {"userIdentity", "[]", "field userIdentity is an array, expected an object"},
        };
        for (String[] c : cases) {
            ObjectNode record = record("CreateUser");
            record.set(c[0], EventJson.readTree(c[1]));
            assertThat(reasons(parser.parseAll(Records.unit("k", record)))).as(c[0]).containsExactly(c[2]);
        }
        ObjectNode record = record("CreateUser");
        ((ObjectNode) record.get("userIdentity")).put("arn", 5);
        assertThat(reasons(parser.parseAll(Records.unit("k", record))))
                .containsExactly("field userIdentity.arn is a number, expected a string");
    }

    @Test
    void readOnlyAsTextIsAccepted() {
        ObjectNode record = record("GetSecretValue");
        record.put("readOnly", "true");

        assertThat(parser.parseAll(Records.unit("k", record)).events.get(0).readOnly).isTrue();
    }
}
