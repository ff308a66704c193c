package io.trailwarden.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonSlicesTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean compact(String json) {
        byte[] bytes = utf8(json);
        return new JsonSlices(bytes).isCompactValue(0, bytes.length);
    }

    private static String slice(String json, int[] range) {
        byte[] bytes = utf8(json);
        return new String(bytes, range[0], range[1] - range[0], StandardCharsets.UTF_8);
    }

    @Test
    void compactMeansOneValueWithoutWhitespaceOutsideStrings() {
        assertThat(compact("{\"a\":\"x y\",\"b\":[1,2,{\"c\":null}]}")).isTrue();
        assertThat(compact("{\"a\": 1}")).isFalse();
        assertThat(compact("{\"a\":1}\n")).isFalse();
        assertThat(compact("{\"a\":1}{\"b\":2}")).isFalse();
        assertThat(compact("{\"a\":1")).isFalse();
        assertThat(compact("42")).isTrue();
        assertThat(compact("\"text\"")).isTrue();
    }

    @Test
    void aRawLineBreakOrControlCharacterInsideAStringIsNotCompact() {
        assertThat(compact("{\"a\":\"line\nbreak\"}")).isFalse();
        assertThat(compact("{\"a\":\"tab\there\"}")).isFalse();
        assertThat(compact("{\"a\":\"escaped\\nbreak\"}")).isTrue();
    }

    @Test
    void escapesAreFollowedAtEveryPositionOfTheEightByteSkip() {
        for (int prefix = 0; prefix < 20; prefix++) {
            String padding = "p".repeat(prefix);
            String quoteInside = "{\"k\":\"" + padding + "\\\"}{\\\\\",\"x\":\"" + padding + "\"}";
            String backslashLast = "{\"k\":\"" + padding + "\\\\\",\"x\":1}";
            String spaceAfter = "{\"k\":\"" + padding + "\\\\\", \"x\":1}";
            assertThat(compact(quoteInside)).as(quoteInside).isTrue();
            assertThat(compact(backslashLast)).as(backslashLast).isTrue();
            assertThat(compact(spaceAfter)).as(spaceAfter).isFalse();
            assertThat(EventJson.readTree(quoteInside).get("x").asText()).isEqualTo(padding);
        }
    }

    @Test
    void multiByteCharactersAreOrdinaryStringBytes() {
        assertThat(compact("{\"name\":\"Zoë Ωμέγα 日本語 😀\"}")).isTrue();
    }

    @Test
    void memberFindsTheTopLevelKeyNotOneNestedOrQuoted() {
        String json = "{\"version\":\"0\",\"note\":\"\\\"detail\\\": {}\",\"inner\":{\"detail\":1},"
                + "\"detail\":{\"eventID\":\"e\",\"list\":[\"}\",\"]\"]},\"tail\":true}";

        int[] range = new JsonSlices(utf8(json)).member(0, utf8(json).length, "detail");

        assertThat(slice(json, range)).isEqualTo("{\"eventID\":\"e\",\"list\":[\"}\",\"]\"]}");
        assertThat(new JsonSlices(utf8(json)).member(0, utf8(json).length, "absent")).isNull();
    }

    @Test
    void memberToleratesWhitespaceBetweenTokens() {
        String json = "{ \"a\" : [1, 2] ,\n  \"detail\" :\t{\"x\": \"y\"} }";

        int[] range = new JsonSlices(utf8(json)).member(0, utf8(json).length, "detail");

        assertThat(slice(json, range)).isEqualTo("{\"x\": \"y\"}");
    }

    @Test
    void elementsAreTheRangesOfEachArrayElement() {
        String json = "[{\"a\":\"]\"}, {\"b\":[1,2]} ,\"s\",3]";

        int[] ranges = new JsonSlices(utf8(json)).elements(0, utf8(json).length);

        assertThat(ranges).hasSize(8);
        assertThat(slice(json, new int[] {ranges[0], ranges[1]})).isEqualTo("{\"a\":\"]\"}");
        assertThat(slice(json, new int[] {ranges[2], ranges[3]})).isEqualTo("{\"b\":[1,2]}");
        assertThat(slice(json, new int[] {ranges[4], ranges[5]})).isEqualTo("\"s\"");
        assertThat(slice(json, new int[] {ranges[6], ranges[7]})).isEqualTo("3");
        assertThat(new JsonSlices(utf8("[]")).elements(0, 2)).isEmpty();
    }

    @Test
    void aRecordWithEscapesKeepsItsOwnCompactTextAndMeansTheSame() {
        String record = "{\"eventID\":\"e-1\",\"eventName\":\"CreateUser\",\"eventTime\":\"2024-07-30T21:31:10Z\","
                + "\"userAgent\":\"\\u003cscript\\u003e \\\"quoted\\\" back\\\\slash\",\"requestParameters\":"
                + "{\"userName\":\"Zoë\"}}";

        CloudTrailEvent event = new CloudTrailParser().parseAll(RawInput.of("k", record)).events.get(0);

        assertThat(event.rawJson).isEqualTo(record);
        assertThat(event.userAgent).isEqualTo("<script> \"quoted\" back\\slash");
        assertThat(EventJson.readTree(event.rawJson)).isEqualTo(event.tree());
    }
}
