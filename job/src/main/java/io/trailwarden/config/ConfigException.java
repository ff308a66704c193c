package io.trailwarden.config;

import java.util.List;

/** Every configuration error found at start-up, reported together. */
public class ConfigException extends Exception {
    private final List<String> errors;

    public ConfigException(List<String> errors) {
        super("invalid configuration:\n  " + String.join("\n  ", errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
