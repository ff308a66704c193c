package io.trailwarden.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventTimesTest {

    @ParameterizedTest
    @CsvSource({
        "2024-07-30T21:31:10Z, 2024-07-30T21:31:10Z",
        "2024-07-30T21:31:10.5Z, 2024-07-30T21:31:10.500Z",
        "2024-07-30T21:31:10.123456789Z, 2024-07-30T21:31:10.123Z",
        "2024-07-30t21:31:10z, 2024-07-30T21:31:10Z",
        "2024-07-30T23:31:10+02:00, 2024-07-30T21:31:10Z",
        "2024-07-30T16:01:10-0530, 2024-07-30T21:31:10Z",
        "2024-02-29T00:00:00Z, 2024-02-29T00:00:00Z",
        "1969-12-31T23:59:59Z, 1969-12-31T23:59:59Z",
        "2025-03-26 16:43:57.000000000, 2025-03-26T16:43:57Z",
        "2025-03-26 16:43:57, 2025-03-26T16:43:57Z",
        "2025-03-26T16:43:57, 2025-03-26T16:43:57Z"
    })
    void parsesTheFormsRealRecordsCarry(String eventTime, String expected) {
        assertThat(EventTimes.parseEpochMillis(eventTime)).isEqualTo(Instant.parse(expected).toEpochMilli());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2016-01-01T00:00:00Z", "2100-03-01T12:00:00Z", "2000-02-29T23:59:59Z", "1999-12-31T23:59:59Z"})
    void agreesWithJavaTimeAcrossLeapYearsAndCenturies(String eventTime) {
        assertThat(EventTimes.parseEpochMillis(eventTime))
                .isEqualTo(OffsetDateTime.parse(eventTime).toInstant().toEpochMilli());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "yesterday",
        "2024-07-30",
        "2024-07-30T21:31Z",
        "2024-13-01T00:00:00Z",
        "2023-02-29T00:00:00Z",
        "2024-07-30T24:00:00Z",
        "2024-07-30T21:60:00Z",
        "2024-07-30T21:31:10.Z",
        "2024-07-30T21:31:10.1234567891Z",
        "2024-07-30T21:31:10+2:00",
        "2024-07-30T21:31:10+19:00",
        "2024-07-30T21:31:10Zjunk",
        "2024-07-30X21:31:10Z",
        "+2024-07-30T21:31:10Z",
        "1722375070"
    })
    void rejectsWhatIsNotATimestamp(String eventTime) {
        assertThat(EventTimes.parseEpochMillis(eventTime)).isEqualTo(EventTimes.UNUSABLE);
    }
}
