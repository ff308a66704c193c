package io.trailwarden.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.source.RawInput;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every real record of the corpus parses, in both of its published shapes. */
class CloudTrailParserCorpusTest {
    private final CloudTrailParser parser = new CloudTrailParser();

    @Test
    void everyRecordOfTheJsonLinesFileParsesAsABareRecord() {
        List<JsonNode> wrappers = Corpus.wrappers();
        assertThat(wrappers).hasSize(Corpus.RECORD_COUNT);
        List<CloudTrailEvent> events = new ArrayList<>();
        for (JsonNode wrapper : wrappers) {
            ParseResult result = parser.parseAll(RawInput.of(
                    "corpus:" + wrapper.get("seq"), wrapper.get("event").toString().getBytes(StandardCharsets.UTF_8)));
            assertThat(result.deadLetters).as(wrapper.get("technique").asText()).isEmpty();
            assertThat(result.events).hasSize(1);
            events.add(result.events.get(0));
        }
        for (int i = 0; i < wrappers.size(); i++) {
            JsonNode record = wrappers.get(i).get("event");
            CloudTrailEvent event = events.get(i);
            assertThat(event.eventId).isEqualTo(record.get("eventID").asText());
            assertThat(event.eventName).isEqualTo(record.get("eventName").asText());
            assertThat(event.sourceIpAddress).isEqualTo(record.get("sourceIPAddress").asText());
            assertThat(event.actor.arn).isEqualTo(record.at("/userIdentity/arn").asText());
            assertThat(EventJson.readTree(event.rawJson())).isEqualTo(record);
        }
    }

    @Test
    void theRecordsFileParsesToTheSameEventsInTheSameOrder() {
        ParseResult result = parser.parseAll(RawInput.of("records-file", Corpus.bytes(Corpus.RECORDS_FILE)));

        assertThat(result.deadLetters).isEmpty();
        assertThat(result.events).hasSize(Corpus.RECORD_COUNT);
        List<String> expectedIds = new ArrayList<>();
        for (JsonNode wrapper : Corpus.wrappers()) {
            expectedIds.add(wrapper.get("event").get("eventID").asText());
        }
        List<String> ids = new ArrayList<>();
        result.events.forEach(event -> ids.add(event.eventId));
        assertThat(ids).isEqualTo(expectedIds);
    }
}
