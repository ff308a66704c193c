package io.trailwarden.rules.model;

import java.util.List;

/** The catalogue did not load: every error found, in file and line order. */
public class InvalidRulesException extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<RuleError> errors;

    public InvalidRulesException(List<RuleError> errors) {
        super(errors.size() + " error(s) in the rule catalogue:\n  " + String.join("\n  ",
                errors.stream().map(RuleError::toString).toArray(String[]::new)));
        this.errors = List.copyOf(errors);
    }

    public List<RuleError> errors() {
        return errors;
    }
}
