package io.trailwarden.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Typed reads from one property group. Errors are collected (naming group and key), not thrown, so
 * start-up reports every mistake at once. Keys a group does not know are errors too: a misspelt
 * safety setting must not be silently ignored.
 */
public final class GroupReader {
    private final String groupId;
    private final Map<String, String> values;
    private final List<String> errors;
    private final Set<String> read = new HashSet<>();

    public GroupReader(PropertyGroups groups, String groupId, List<String> errors) {
        this.groupId = groupId;
        this.values = groups.group(groupId);
        this.errors = errors;
    }

    public String string(String key, String defaultValue) {
        read.add(key);
        String value = values.get(key);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    public boolean bool(String key, boolean defaultValue) {
        String value = string(key, null);
        if (value == null) {
            return defaultValue;
        }
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        error(key, "must be true or false, not '" + value + "'");
        return defaultValue;
    }

    public int integer(String key, int defaultValue, int min, int max) {
        String value = string(key, null);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                error(key, "must be between " + min + " and " + max + ", not " + parsed);
                return defaultValue;
            }
            return parsed;
        } catch (NumberFormatException e) {
            error(key, "must be a whole number, not '" + value + "'");
            return defaultValue;
        }
    }

    /** Durations as ISO-8601 ({@code PT5M}) or a number with a unit: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}. */
    public Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
        String value = string(key, null);
        if (value == null) {
            return defaultValue;
        }
        Duration parsed = Durations.parse(value);
        if (parsed == null) {
            error(key, "must be a duration such as 30s, 5m, 2h or PT5M, not '" + value + "'");
            return defaultValue;
        }
        if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
            error(key, "must be between " + min + " and " + max + ", not " + parsed);
            return defaultValue;
        }
        return parsed;
    }

    /** A comma-separated list; blanks are dropped. */
    public List<String> list(String key, List<String> defaultValue) {
        String value = string(key, null);
        if (value == null) {
            return defaultValue;
        }
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(item -> !item.isEmpty())
                .collect(Collectors.toList());
    }

    public void error(String key, String message) {
        errors.add(groupId + "." + key + ": " + message);
    }

    /** Call after the last read: reports keys nobody read, which are almost always typos. */
    public void rejectUnknownKeys() {
        List<String> unknown = new ArrayList<>(values.keySet());
        unknown.removeAll(read);
        unknown.sort(String::compareTo);
        for (String key : unknown) {
            error(key, "unknown key (known: " + read.stream().sorted().collect(Collectors.joining(", ")) + ")");
        }
    }

    public Map<String, String> values() {
        return values;
    }
}
