package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.finding.Finding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress record of a resumable replay, without a job: what a resumed replay reads again, which
 * findings it writes, and that a record it cannot trust is refused. The kill and the rerun against S3
 * are {@link ReplayResumeIT}.
 */
class ReplayResumeTest {
    private static final Duration MAX_DELAY = Duration.ofMinutes(30);
    private static final String REPLAY = "s3://archive/AWSLogs/ from 2026-11-01 to 2026-11-02, format jsonl";

    @TempDir
    Path dir;

    /** One delivery file every 5 minutes of 2026-11-01, from 00:00. */
    private static List<String> keys() {
        List<String> keys = new ArrayList<>();
        for (int minute = 0; minute < 24 * 60; minute += 5) {
            keys.add(String.format(Locale.ROOT, "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/01/"
                    + "111122223333_CloudTrail_us-east-1_20261101T%02d%02dZ_%04d.json.gz", minute / 60, minute % 60, minute));
        }
        return keys;
    }

    private static RenderedFinding finding(String id, String lastEventTime) {
        Finding finding = new Finding();
        finding.findingId = id;
        finding.ruleId = "rule";
        CloudTrailEvent event = new CloudTrailEvent();
        event.eventId = id + "-event";
        event.eventTimeMillis = Instant.parse(lastEventTime).toEpochMilli();
        finding.events.add(event);
        return RenderedFinding.of(finding, id);
    }

    @Test
    void aFreshReplayReadsEverythingAndWritesEveryFinding() throws IOException {
        ReplayResume resume = ReplayResume.open(dir.resolve("progress.json"), REPLAY, MAX_DELAY);

        assertThat(resume.resuming()).isFalse();
        assertThat(resume.firstKeyToRead(keys(), Duration.ofHours(8))).isZero();
        assertThat(resume.shouldWrite(finding("tw-old", "2000-01-01T00:00:00Z"))).isTrue();
    }

    @Test
    void aResumedReplayReadsAgainFromTheWindowBeforeTheLastFileReadAndWritesOnlyWhatIsNew() throws Exception {
        Path file = dir.resolve("progress.json");
        List<String> keys = keys();
        ReplayResume first = ReplayResume.open(file, REPLAY, MAX_DELAY);
        first.wrote(finding("tw-written-recent", "2026-11-01T11:50:00Z"));
        first.wrote(finding("tw-written-long-ago", "2026-11-01T02:00:00Z"));
        // Every file up to 12:00 read (index 144 is 12:00), and recorded once settled.
        first.save(keys.subList(0, 145), 145, 1234, false);
        Thread.sleep(ReplayResume.SETTLE.toMillis() + 100);
        first.save(keys.subList(0, 145), 145, 1234, false);
        assertThat(file).content().contains("\"lastObjectRead\":\"" + keys.get(144) + "\"")
                .contains("tw-written-recent").doesNotContain("tw-written-long-ago");

        ReplayResume resumed = ReplayResume.open(file, REPLAY, MAX_DELAY);
        int from = resumed.firstKeyToRead(keys, Duration.ofHours(8));

        assertThat(resumed.resuming()).isTrue();
        assertThat(resumed.outputBytes()).isEqualTo(1234);
        assertThat(keys.get(from)).as("the first file delivered 8 h before 12:00").contains("20261101T0400Z");
        assertThat(resumed.shouldWrite(finding("tw-written-recent", "2026-11-01T11:50:00Z"))).as("written before").isFalse();
        // The cut: 12:00 - 2 x 30 min - 15 min = 10:45.
        assertThat(resumed.shouldWrite(finding("tw-new-before-cut", "2026-11-01T10:44:59Z"))).isFalse();
        assertThat(resumed.shouldWrite(finding("tw-new-at-cut", "2026-11-01T10:45:00Z"))).isTrue();
        assertThat(resumed.shouldWrite(finding("tw-new-after", "2026-11-01T12:30:00Z"))).isTrue();
        assertThat(resumed.alreadyWritten()).isEqualTo(1);
        assertThat(resumed.beforeCut()).isEqualTo(1);
    }

    @Test
    void aRecordOfAnotherReplayOrNotARecordIsRefused() throws IOException {
        Path file = dir.resolve("progress.json");
        ReplayResume.open(file, REPLAY, MAX_DELAY).save(keys(), 0, 0, false);

        assertThatThrownBy(() -> ReplayResume.open(file, REPLAY.replace("jsonl", "table"), MAX_DELAY))
                .isInstanceOf(IOException.class).hasMessageContaining("records another replay");
        Files.writeString(file, "[]");
        assertThatThrownBy(() -> ReplayResume.open(file, REPLAY, MAX_DELAY))
                .isInstanceOf(IOException.class).hasMessageContaining("is not a replay progress record");
    }

    @Test
    void filesReadAreNotRecordedUntilTheirFindingsHaveHadTimeToArrive() throws IOException {
        Path file = dir.resolve("progress.json");
        ReplayResume resume = ReplayResume.open(file, REPLAY, MAX_DELAY);

        // Every key counts as read here (firstRead = all), as on a resumed replay's re-read files.
        resume.save(keys(), keys().size(), 0, false);

        assertThat(ReplayResume.open(file, REPLAY, MAX_DELAY).resuming()).as("not settled yet").isFalse();
    }
}
