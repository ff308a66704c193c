package io.trailwarden.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.source.RawInput;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What the streaming scanner must keep from the tree reader it replaced: the whole text is still
 * validated although most of it is skipped, and what it accepts always makes a tree later.
 */
class StreamingParseTest {
    private final CloudTrailParser parser = new CloudTrailParser();

    private static ObjectNode createUser() {
        return Corpus.first(r -> r.get("eventName").asText().equals("CreateUser"));
    }

    /** The compact text of a CreateUser record with {@code requestParameters} replaced by raw text. */
    private static String withRequestParameters(String requestParametersJson) {
        String record = createUser().toString();
        String original = "\"requestParameters\":" + createUser().get("requestParameters");
        assertThat(record).contains(original);
        return record.replace(original, "\"requestParameters\":" + requestParametersJson);
    }

    private static List<String> reasons(ParseResult result) {
        return result.deadLetters.stream().map(d -> d.reason).collect(Collectors.toList());
    }

    @Test
    void aDuplicateKeyInsideASkippedObjectIsRejected() {
        String record = withRequestParameters("{\"userName\":\"alice\",\"tags\":[],\"userName\":\"mallory\"}");

        ParseResult result = parser.parseAll(Records.unit("k", record));

        assertThat(result.events).isEmpty();
        assertThat(result.deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.reason).startsWith("malformed JSON at line 1 column ")
                    .endsWith("Duplicate field 'userName'");
            assertThat(letter.raw).isEqualTo(record);
        });
    }

    @Test
    void aDuplicateKeyIsRejectedInEveryShapeAndAtEveryDepth() {
        String nested = withRequestParameters("{\"a\":[{\"b\":{\"c\":1,\"c\":2}}]}");
        String envelope = Records.envelope("AWS API Call via CloudTrail", createUser()).toString()
                .replace("\"version\":\"0\"", "\"version\":\"0\",\"version\":\"1\"");
        String recordsFile = "{\"Records\":[" + createUser() + "," + nested + "]}";

        assertThat(reasons(parser.parseAll(Records.unit("k", nested)))).singleElement().asString()
                .endsWith("Duplicate field 'c'");
        assertThat(reasons(parser.parseAll(Records.unit("k", envelope)))).singleElement().asString()
                .endsWith("Duplicate field 'version'");
        ParseResult file = parser.parseAll(Records.unit("k", recordsFile));
        assertThat(file.events).as("one document: no record of it is used").isEmpty();
        assertThat(reasons(file)).singleElement().asString().endsWith("Duplicate field 'c'");
    }

    @Test
    void equalKeysInDifferentObjectsAreNoDuplicates() {
        String[] valid = {
            "{\"a\":{\"a\":1}}",
            "{\"list\":[{\"a\":1},{\"a\":2}],\"a\":3}",
            "{\"a\":{\"b\":1},\"b\":{\"b\":{\"b\":2}}}",
            "{\"d\":" + "{\"k\":".repeat(40) + "1" + "}".repeat(40) + ",\"k\":0}",
        };
        for (String requestParameters : valid) {
            String record = withRequestParameters(requestParameters);

            ParseResult result = parser.parseAll(Records.unit("k", record));

            assertThat(result.deadLetters).as(requestParameters).isEmpty();
            assertThat(result.events.get(0).tree()).isEqualTo(EventJson.readTree(record));
        }
    }

    @Test
    void duplicatesAreFoundInObjectsWithManyKeys() {
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 5000; i++) {
            many.append("\"k").append(i).append("\":{\"k").append(i).append("\":").append(i).append("},");
        }
        String distinct = many + "\"last\":0}";

        assertThat(parser.parseAll(Records.unit("k", withRequestParameters(distinct))).deadLetters).isEmpty();
        for (int duplicate : new int[] {0, 3, 31, 32, 33, 4999}) {
            String record = withRequestParameters(many + "\"k" + duplicate + "\":0}");

            assertThat(reasons(parser.parseAll(Records.unit("k", record)))).as("k%d", duplicate)
                    .singleElement().asString().endsWith("Duplicate field 'k" + duplicate + "'");
        }
    }

    @Test
    void aDuplicateKeyInALargeRecordsFileStopsItThere() {
        String nested = withRequestParameters("{\"a\":{\"c\":1,\"c\":2}}");
        String recordsFile = "{\"Records\":[" + createUser() + "," + nested + "," + createUser() + "]}";
        CloudTrailParser smallRecords = new CloudTrailParser(recordsFile.length() / 2);

        ParseResult result = smallRecords.parseAll(Records.unit("s3/file.json", recordsFile));

        assertThat(result.events).extracting(e -> e.eventName).containsExactly("CreateUser");
        assertThat(reasons(result)).singleElement().asString()
                .startsWith("Records file stops being valid JSON: malformed JSON at line 1 column ")
                .endsWith("Duplicate field 'c'");
    }

    @Test
    void tokensAfterTheRecordAreRejected() {
        String record = createUser().toString();

        for (String trailing : new String[] {"{}", "1", "]", "\"x\"", " {\"eventID\":\"e\"}"}) {
            ParseResult result = parser.parseAll(Records.unit("k", record + trailing));

            assertThat(result.events).as(trailing).isEmpty();
            assertThat(reasons(result)).as(trailing).singleElement().asString()
                    .startsWith("malformed JSON at line 1 column ");
        }
        assertThat(reasons(parser.parseAll(Records.unit("k", record + "{}")))).singleElement().asString()
                .contains("Trailing token (of type START_OBJECT)");
    }

    @Test
    void invalidJsonInsideASkippedValueIsRejected() {
        String[][] cases = {
            {"{\"userName\":tru}", "Unrecognized token 'tru'"},
            {"{\"userName\":\"a\u0001b\"}", "Illegal unquoted character ((CTRL-CHAR, code 1))"},
            {"{\"userName\":01}", "Invalid numeric value: Leading zeroes not allowed"},
            {"{\"userName\":\"\\q\"}", "Unrecognized character escape 'q'"},
            {"{\"userName\" \"x\"}", "Unexpected character ('\"'"},
            {"{\"list\":[1,]}", "Unexpected character (']'"},
        };
        for (String[] c : cases) {
            ParseResult result = parser.parseAll(Records.unit("k", withRequestParameters(c[0])));

            assertThat(result.events).as(c[0]).isEmpty();
            assertThat(reasons(result)).as(c[0]).singleElement().asString()
                    .startsWith("malformed JSON at line 1 column ").contains(c[1]);
        }
    }

    @Test
    void invalidUtf8InsideASkippedStringIsRejected() {
        byte[] record = withRequestParameters("{\"userName\":\"xx\"}").getBytes(StandardCharsets.UTF_8);
        String marker = "\"userName\":\"xx\"";
        int at = new String(record, StandardCharsets.ISO_8859_1).indexOf(marker) + marker.length() - 3;
        // A UTF-8 lead byte of a two-byte sequence followed by a byte that cannot continue it.
        record[at] = (byte) 0xC3;
        record[at + 1] = (byte) 0x28;

        ParseResult result = parser.parseAll(RawInput.of("k", record));

        assertThat(result.events).isEmpty();
        assertThat(reasons(result)).singleElement().asString().startsWith("malformed JSON at line 1 column ")
                .contains("Invalid UTF-8 middle byte 0x28");
    }

    @Test
    void valuesBeyondJacksonsLimitsInsideASkippedValueAreRejectedNotLeftForTheLazyTree() {
        String longNumber = "1".repeat(1001);
        String deep = "[".repeat(1001) + "]".repeat(1001);

        assertThat(reasons(parser.parseAll(Records.unit("k", withRequestParameters("{\"n\":" + longNumber + "}")))))
                .singleElement().asString().startsWith("malformed JSON").contains("Number value length (1001)");
        assertThat(reasons(parser.parseAll(Records.unit("k", withRequestParameters("{\"n\":" + deep + "}")))))
                .singleElement().asString().startsWith("malformed JSON").contains("nesting depth");
    }

    @Test
    void theLazyTreeOfAcceptedRecordsNearJacksonsLimitsIsTheRecord() {
        String nearLimits = withRequestParameters("{\"n\":" + "9".repeat(1000) + ",\"f\":1e400,\"deep\":"
                + "[".repeat(990) + "\"\\ud800\"" + "]".repeat(990) + ",\"s\":\"" + "x".repeat(200_000) + "\"}");

        ParseResult result = parser.parseAll(Records.unit("k", nearLimits));

        assertThat(result.deadLetters).isEmpty();
        CloudTrailEvent event = result.events.get(0);
        assertThat(event.rawJson()).isEqualTo(nearLimits);
        assertThat(event.tree()).isEqualTo(EventJson.readTree(nearLimits));
        assertThat(event.text("requestParameters.s")).hasSize(200_000);
    }

    @Test
    void theLazyTreeOfEveryCorpusRecordIsTheRecord() {
        ParseResult result = parser.parseAll(RawInput.of("s3/file.json", Corpus.bytes(Corpus.RECORDS_FILE)));
        JsonNode records = EventJson.readTree(new String(Corpus.bytes(Corpus.RECORDS_FILE), StandardCharsets.UTF_8))
                .get("Records");

        assertThat(result.deadLetters).isEmpty();
        assertThat(result.events).hasSize(records.size());
        for (int i = 0; i < records.size(); i++) {
            assertThat(result.events.get(i).tree()).isEqualTo(records.get(i));
            assertThat(result.events.get(i).eventId).isEqualTo(records.get(i).get("eventID").asText());
        }
    }

    @Test
    void aRecordWithSpacesButNoLineBreakIsKeptByteForByte() {
        String spaced = Records.pretty(createUser()).replace("\n", " ").replace("\r", " ");
        String envelope = "{ \"detail-type\" : \"AWS API Call via CloudTrail\", \"source\" : \"aws.iam\", \"account\" : \""
                + createUser().get("recipientAccountId").asText() + "\", \"detail\" : " + spaced + " }";

        CloudTrailEvent bare = parser.parseAll(Records.unit("k", spaced + "\n")).events.get(0);
        CloudTrailEvent wrapped = parser.parseAll(Records.unit("k", envelope)).events.get(0);

        assertThat(spaced).contains(" : ").doesNotContain("\n");
        assertThat(bare.rawJson()).isEqualTo(spaced.trim());
        assertThat(wrapped.rawJson()).isEqualTo(spaced.trim());
        assertThat(bare.tree()).isEqualTo(createUser());
    }

    @Test
    void aPrettyPrintedRecordIsSerializedOntoOneLine() {
        String pretty = Records.pretty(createUser());
        String crlfRecordsFile = "{\"Records\": [\r\n" + pretty.replace("\n", "\r\n") + "\r\n]}";
        String prettyEnvelope = Records.pretty(Records.envelope("AWS API Call via CloudTrail", createUser()));

        CloudTrailEvent fromPretty = parser.parseAll(Records.unit("k", pretty)).events.get(0);
        CloudTrailEvent fromCrlf = parser.parseAll(Records.unit("k", crlfRecordsFile)).events.get(0);
        CloudTrailEvent fromEnvelope = parser.parseAll(Records.unit("k", prettyEnvelope)).events.get(0);

        assertThat(pretty).contains("\n");
        assertThat(fromPretty.rawJson()).isEqualTo(createUser().toString());
        assertThat(fromCrlf.rawJson()).isEqualTo(createUser().toString());
        assertThat(fromEnvelope.rawJson()).isEqualTo(createUser().toString());
    }

    @Test
    void aTabBetweenTokensIsNoLineBreakAndIsKept() {
        String withTab = createUser().toString().replace(",\"eventName\":", ",\t\"eventName\":");

        CloudTrailEvent event = parser.parseAll(Records.unit("k", withTab)).events.get(0);

        assertThat(event.rawJson()).isEqualTo(withTab);
        assertThat(event.tree()).isEqualTo(createUser());
    }

    @Test
    void onlyTheRecordsOfAFileThatSpanLinesAreSerializedAgain() {
        String spaced = createUser().toString().replace(",\"eventName\":", ", \"eventName\":");
        String file = "{\"Records\": [\n" + spaced + ",\n" + Records.pretty(createUser()) + "\n]}";

        ParseResult result = parser.parseAll(Records.unit("k", file));

        assertThat(result.events).extracting(CloudTrailEvent::rawJson)
                .containsExactly(spaced, createUser().toString());
    }

    @Test
    void aRecordWithEscapesKeepsItsOwnTextAndMeansTheSame() {
        String record = "{\"eventID\":\"e-1\",\"eventName\":\"CreateUser\",\"eventTime\":\"2024-07-30T21:31:10Z\","
                + "\"userAgent\":\"\\u003cscript\\u003e \\\"quoted\\\" back\\\\slash\\nline\",\"requestParameters\":"
                + "{\"userName\":\"Zoë Ωμέγα 日本語 😀\"}}";

        CloudTrailEvent event = parser.parseAll(RawInput.of("k", record)).events.get(0);

        assertThat(event.rawJson()).isEqualTo(record);
        assertThat(event.userAgent).isEqualTo("<script> \"quoted\" back\\slash\nline");
        assertThat(event.text("requestParameters.userName")).isEqualTo("Zoë Ωμέγα 日本語 😀");
    }

    /**
     * JSON can escape half of a surrogate pair, and Jackson hands it on. Its UTF-8 would be {@code ?},
     * so the sending and receiving sides of a shuffle would key the event apart: every string of the
     * event holds U+FFFD instead, wherever the half stands, while the record's bytes stay as they came.
     * Pairs (emoji), escaped or written, are characters and stay.
     */
    @Test
    void aLoneSurrogateInAnyFieldIsTheReplacementCharacterAndPairsAndTheRecordAreKept() {
        String record = "{\"eventID\":\"e-\\udc00\",\"eventName\":\"List\\ud800Users\",\"eventTime\":\"2024-07-30T21:31:10Z\","
                + "\"sourceIPAddress\":\"\\ud800\",\"userAgent\":\"\\ude00\\ud83d\","
                + "\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::111122223333:user/x\\ud800\","
                + "\"userName\":\"\\udbffx\\udfff\",\"principalId\":\"\\ud800\\ud800\\udc00\","
                + "\"accessKeyId\":\"\\ud83d\\udd11 🔑\"},"
                + "\"requestParameters\":{\"userName\":\"y\\ud800\"}}";

        CloudTrailEvent event = parser.parseAll(RawInput.of("k", record)).events.get(0);

        assertThat(event.eventId).isEqualTo("e-\uFFFD");
        assertThat(event.eventName).isEqualTo("List\uFFFDUsers");
        assertThat(event.sourceIpAddress).isEqualTo("\uFFFD");
        assertThat(event.userAgent).as("a low half before a high half is no pair").isEqualTo("\uFFFD\uFFFD");
        assertThat(event.actor.arn).isEqualTo("arn:aws:iam::111122223333:user/x\uFFFD");
        assertThat(event.actor.userName).isEqualTo("\uFFFDx\uFFFD");
        assertThat(event.actor.principalId).as("only the unpaired first half").isEqualTo("\uFFFD\uD800\uDC00");
        assertThat(event.actor.accessKeyId).isEqualTo("🔑 🔑");
        assertThat(PrincipalKey.of(event)).isEqualTo("arn:aws:iam::111122223333:user/x\uFFFD");
        assertThat(event.rawJson()).isEqualTo(record);
    }

    /** The envelope's account is compared with the record's recipientAccountId: both are read alike. */
    @Test
    void anEnvelopeAccountWithALoneSurrogateMatchesTheSameRecordAccount() {
        String account = "2296545\\ud80061268";
        String envelope = "{\"detail-type\":\"AWS API Call via CloudTrail\",\"source\":\"aws.iam\",\"account\":\""
                + account + "\",\"detail\":" + createUser().toString().replace("229654561268", account) + "}";

        ParseResult result = parser.parseAll(Records.unit("k", envelope));

        assertThat(result.deadLetters).isEmpty();
        assertThat(result.events).extracting(event -> event.recipientAccountId).containsExactly("2296545\uFFFD61268");
    }

    /** A record spanning lines is written again; a lone half stays an escape there, not a question mark. */
    @Test
    void aPrettyPrintedRecordKeepsALoneSurrogateAsItsEscape() {
        ObjectNode record = createUser();
        ObjectNode requestParameters = (ObjectNode) record.get("requestParameters");
        requestParameters.put("userName", "lone-half");
        String pretty = Records.pretty(record).replace("\"lone-half\"", "\"y\\ud800\"");
        requestParameters.put("userName", "y\uD800");

        CloudTrailEvent event = parser.parseAll(Records.unit("k", pretty)).events.get(0);

        assertThat(event.rawJson()).contains("\"y\\uD800\"").doesNotContain("\"y?\"");
        assertThat(event.tree()).isEqualTo(record);
    }

    @Test
    void theVerdictOnARecordWithTwoProblemsDoesNotDependOnKeyOrder() {
        String problems = "\"eventName\":7,\"userIdentity\":\"me\"";
        String rest = "\"eventID\":\"e-1\",\"eventTime\":\"2024-07-30T21:31:10Z\"";

        assertThat(reasons(parser.parseAll(Records.unit("k", "{" + problems + "," + rest + "}"))))
                .containsExactly("field eventName is a number, expected a string");
        assertThat(reasons(parser.parseAll(Records.unit("k", "{" + rest + "," + problems + "}"))))
                .containsExactly("field eventName is a number, expected a string");
    }

    @Test
    void nonRecordElementsAreDeadLettersHoldingTheirOwnText() {
        String recordsFile = "{\"Records\":[\"junk\",12.5,[1,{\"a\":\"]\"}],null," + createUser() + "]}";
        CloudTrailParser smallRecords = new CloudTrailParser(recordsFile.length() - 1);

        for (CloudTrailParser each : new CloudTrailParser[] {parser, smallRecords}) {
            ParseResult result = each.parseAll(Records.unit("f", recordsFile));

            assertThat(result.events).extracting(e -> e.eventName).containsExactly("CreateUser");
            assertThat(result.deadLetters).extracting(d -> d.origin + " " + d.reason + " " + d.raw).containsExactly(
                    "f#Records[0] not a CloudTrail record: a JSON string \"junk\"",
                    "f#Records[1] not a CloudTrail record: a JSON number 12.5",
                    "f#Records[2] not a CloudTrail record: a JSON array [1,{\"a\":\"]\"}]",
                    "f#Records[3] not a CloudTrail record: a JSON null null");
        }
    }

    @Test
    void aLoneCarriageReturnBetweenTokensAlsoCountsAsALineBreak() {
        String record = createUser().toString().replace(",\"eventName\":", ",\r\"eventName\":");
        String recordsFile = "{\"Records\":[" + createUser() + ",\r" + record + "]}";

        CloudTrailEvent bare = parser.parseAll(Records.unit("k", record)).events.get(0);
        ParseResult file = parser.parseAll(Records.unit("k", recordsFile));

        assertThat(bare.rawJson()).isEqualTo(createUser().toString());
        assertThat(file.events).extracting(CloudTrailEvent::rawJson)
                .containsExactly(createUser().toString(), createUser().toString());
    }
}
