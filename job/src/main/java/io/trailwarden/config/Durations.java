package io.trailwarden.config;

import java.time.Duration;
import java.util.Locale;

/** The one duration syntax of configuration, rule windows and command options. */
public final class Durations {
    private Durations() {}

    /**
     * ISO-8601 ({@code PT5M}) or a whole number with a unit: {@code 500ms}, {@code 30s}, {@code 5m},
     * {@code 2h}, {@code 1d}. Null when the text is neither, so callers can report it their own way.
     */
    public static Duration parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (value.startsWith("p")) {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            }
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2).trim()));
            }
            if (value.length() < 2) {
                return null;
            }
            long amount = Long.parseLong(value.substring(0, value.length() - 1).trim());
            switch (value.charAt(value.length() - 1)) {
                case 's':
                    return Duration.ofSeconds(amount);
                case 'm':
                    return Duration.ofMinutes(amount);
                case 'h':
                    return Duration.ofHours(amount);
                case 'd':
                    return Duration.ofDays(amount);
                default:
                    return null;
            }
        } catch (RuntimeException e) {
            return null;
        }
    }
}
