package io.trailwarden.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void unitsAndIso8601() {
        assertThat(Durations.parse("500ms")).hasMillis(500);
        assertThat(Durations.parse("90s")).hasSeconds(90);
        assertThat(Durations.parse(" 15m ")).hasMinutes(15);
        assertThat(Durations.parse("2H")).hasHours(2);
        assertThat(Durations.parse("1d")).hasDays(1);
        assertThat(Durations.parse("PT30M")).hasMinutes(30);
    }

    @Test
    void anythingElseIsNull() {
        assertThat(Durations.parse("soon")).isNull();
        assertThat(Durations.parse("5")).isNull();
        assertThat(Durations.parse("m")).isNull();
        assertThat(Durations.parse("5w")).isNull();
        assertThat(Durations.parse("P")).isNull();
        assertThat(Durations.parse("")).isNull();
    }
}
