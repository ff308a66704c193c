package io.trailwarden.rules.sigma;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Sigma string value split into literal text and wildcards ({@code *} any run, {@code ?} one
 * character; a backslash escapes {@code *}, {@code ?} and itself, and is literal before anything else).
 */
final class Wildcards {
    /** Literal parts; between part i and i+1 stands wildcards.get(i). */
    final List<String> literals;
    final List<Character> wildcards;

    private Wildcards(List<String> literals, List<Character> wildcards) {
        this.literals = literals;
        this.wildcards = wildcards;
    }

    static Wildcards of(String value) {
        List<String> literals = new ArrayList<>();
        List<Character> wildcards = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() && "*?\\".indexOf(value.charAt(i + 1)) >= 0) {
                current.append(value.charAt(++i));
            } else if (c == '*' || c == '?') {
                literals.add(current.toString());
                wildcards.add(c);
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        literals.add(current.toString());
        return new Wildcards(literals, wildcards);
    }

    /**
     * The condition for this value, with an implicit {@code *} before it ({@code leading}) and after it
     * ({@code trailing}) for contains/startswith/endswith. Plain forms are used where they say the same
     * (equals, prefix, suffix, contains), a regex only for inner wildcards.
     */
    Object condition(String field, boolean leading, boolean trailing, boolean ignoreCase) {
        List<String> parts = new ArrayList<>(literals);
        List<Character> cards = new ArrayList<>(wildcards);
        if (leading) {
            parts.add(0, "");
            cards.add(0, '*');
        }
        if (trailing) {
            parts.add("");
            cards.add('*');
        }
        if (cards.isEmpty()) {
            return spec(field, "equals", parts.get(0), ignoreCase);
        }
        if (!cards.contains('?') && cards.size() == 1 && parts.get(1).isEmpty() && !parts.get(0).isEmpty()) {
            return spec(field, "prefix", parts.get(0), ignoreCase);
        }
        if (!cards.contains('?') && cards.size() == 1 && parts.get(0).isEmpty() && !parts.get(1).isEmpty()) {
            return spec(field, "suffix", parts.get(1), ignoreCase);
        }
        if (!cards.contains('?') && cards.size() == 2 && parts.get(0).isEmpty() && parts.get(2).isEmpty()
                && !parts.get(1).isEmpty()) {
            return spec(field, "contains", parts.get(1), ignoreCase);
        }
        StringBuilder regex = new StringBuilder("^");
        for (int i = 0; i < parts.size(); i++) {
            regex.append(quote(parts.get(i)));
            if (i < cards.size()) {
                regex.append(cards.get(i) == '*' ? "(?s:.*)" : "(?s:.)");
            }
        }
        return spec(field, "regex", regex.append('$').toString(), ignoreCase);
    }

    /** A value that this pattern matches: wildcards become {@code filler}. */
    String example(String filler) {
        StringBuilder text = new StringBuilder(literals.get(0));
        for (int i = 0; i < wildcards.size(); i++) {
            text.append(filler).append(literals.get(i + 1));
        }
        return text.toString();
    }

    private static String quote(String literal) {
        StringBuilder quoted = new StringBuilder();
        for (char c : literal.toCharArray()) {
            if ("\\.[]{}()<>*+-=!?^$|&~#\"'/ ".indexOf(c) >= 0 || Character.isWhitespace(c)) {
                quoted.append('\\');
            }
            quoted.append(c);
        }
        return quoted.toString();
    }

    private static Map<String, Object> spec(String field, String operator, String operand, boolean ignoreCase) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put(operator, operand);
        if (ignoreCase) {
            spec.put("ignoreCase", true);
        }
        return Map.of(field, spec);
    }
}
