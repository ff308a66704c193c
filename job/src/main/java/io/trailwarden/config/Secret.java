package io.trailwarden.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * A configuration value that must never reach a log, an error message or the terminal: its
 * {@link #toString()} is {@code ***}, so printing a config object cannot leak it by accident.
 */
public final class Secret implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String MASK = "***";

    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** The value itself, for the one client that needs it; never log the result. */
    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret && value.equals(((Secret) o).value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return MASK;
    }
}
