package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private final ProgressBar bar = new ProgressBar(new PrintWriter(new StringWriter()), 1_000);

    @Test
    void aQuarterReadInTenSecondsLeavesThirtySeconds() {
        assertThat(bar.line(250, 50_000, 3, 10.0))
                .startsWith("[########----------------------]  25%")
                .contains("50,000 events", "3 findings", "5,000 events/s", "ETA 0m30s");
    }

    @Test
    void nothingReadYetHasNoEstimate() {
        assertThat(bar.line(0, 0, 0, 2.0)).contains("  0%").endsWith("ETA --");
    }

    @Test
    void longRemainingTimesAreInHours() {
        assertThat(bar.line(1, 10, 0, 36.0)).endsWith("ETA 9h59m");
    }
}
