package io.trailwarden.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.source.RawInput;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A record's top-level members read one at a time, as rules read them, against the whole parsed record. */
class RecordMembersTest {
    private static CloudTrailEvent parse(String record) {
        ParseResult result = new CloudTrailParser().parseAll(RawInput.of("test", record));
        assertThat(result.deadLetters).isEmpty();
        return result.events.get(0);
    }

    @Test
    void everyMemberOfEveryCorpusRecordIsWhatTheWholeRecordHolds() {
        ParseResult corpus = new CloudTrailParser().parseAll(RawInput.of("corpus", Corpus.bytes(Corpus.RECORDS_FILE)));
        assertThat(corpus.events).hasSize(Corpus.RECORD_COUNT);
        int members = 0;
        for (CloudTrailEvent event : corpus.events) {
            JsonNode whole = EventJson.readTree(event.rawJsonUtf8);
            List<String> names = new ArrayList<>();
            whole.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                assertThat(event.member(name)).as(event.eventId + " " + name).isEqualTo(whole.get(name));
                members++;
            }
            assertThat(event.member("noSuchMember").isMissingNode()).isTrue();
        }
        assertThat(members).isGreaterThan(Corpus.RECORD_COUNT * 10);
    }

    @Test
    void aNameInsideAnotherMemberOrInsideAStringIsNotTheMember() {
        CloudTrailEvent event = parse("{\"eventVersion\":\"1.08\",\"eventID\":\"e\",\"eventName\":\"GetObject\","
                + "\"eventTime\":\"2024-08-01T13:33:28Z\",\"eventSource\":\"s3.amazonaws.com\","
                + "\"userAgent\":\"\\\"requestParameters\\\":{\\\"bucketName\\\":\\\"decoy\\\"}\","
                + "\"userIdentity\":{\"type\":\"IAMUser\",\"requestParameters\":{\"bucketName\":\"nested\"}},"
                + "\"additionalEventData\":[{\"requestParameters\":{\"bucketName\":\"in-a-list\"}}],"
                + "\"requestParameters\":{\"bucketName\":\"real\"}}");

        assertThat(event.member("requestParameters").get("bucketName").asText()).isEqualTo("real");
        assertThat(event.member("userIdentity").get("requestParameters").get("bucketName").asText()).isEqualTo("nested");
    }

    @Test
    void aMemberWhoseNameIsWrittenWithEscapesIsFoundAsTheWholeRecordHasIt() {
        CloudTrailEvent event = parse("{\"eventVersion\":\"1.08\",\"eventID\":\"e\",\"eventName\":\"GetObject\","
                + "\"eventTime\":\"2024-08-01T13:33:28Z\",\"eventSource\":\"s3.amazonaws.com\","
                + "\"request\\u0050arameters\":{\"bucketName\":\"escaped\"}}");

        assertThat(event.member("requestParameters").get("bucketName").asText()).isEqualTo("escaped");
        assertThat(event.member("requestParameters"))
                .isEqualTo(EventJson.readTree(event.rawJsonUtf8).get("requestParameters"));
    }

    @Test
    void aMemberThatIsNullIsNullAndAMissingOneIsMissing() {
        CloudTrailEvent event = parse("{\"eventVersion\":\"1.08\",\"eventID\":\"e\",\"eventName\":\"ListBuckets\","
                + "\"eventTime\":\"2024-08-01T13:33:28Z\",\"eventSource\":\"s3.amazonaws.com\",\"requestParameters\":null}");

        assertThat(event.member("requestParameters").isNull()).isTrue();
        assertThat(event.member("responseElements").isMissingNode()).isTrue();
    }
}
