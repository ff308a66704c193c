package io.trailwarden.rules.sigma;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Sigma {@code condition} expression: search identifiers combined with {@code and}, {@code or},
 * {@code not}, parentheses, and {@code 1 of PATTERN} / {@code all of PATTERN} / {@code ... of them}
 * (PATTERN may end in {@code *}). Precedence as in the Sigma specification: not, then and, then or.
 * The old aggregation syntax ({@code | count() ...}) is refused.
 */
abstract class SigmaCondition {
    private static final Pattern TOKEN = Pattern.compile("\\s*(\\(|\\)|[A-Za-z0-9_*\\-.]+)");

    /** Whether the expression holds when the identifiers have these truth values. */
    abstract boolean holds(Map<String, Boolean> identifiers);

    /** The expression with each identifier replaced by {@code leaf.apply(name)}, as TrailWarden condition maps. */
    abstract Object translate(Function<String, Object> leaf);

    /** Identifiers that appear under a {@code not} (the filters), for building records that must not fire. */
    abstract void negated(boolean underNot, List<String> into);

    static SigmaCondition parse(String text, List<String> identifiers) throws SigmaException {
        if (text.contains("|")) {
            throw new SigmaException("the aggregation syntax after '|' was removed from Sigma; use a correlation rule");
        }
        List<String> tokens = new ArrayList<>();
        Matcher matcher = TOKEN.matcher(text);
        int at = 0;
        while (at < text.length()) {
            if (!matcher.find(at) || matcher.start() != at) {
                if (text.substring(at).isBlank()) {
                    break;
                }
                throw new SigmaException("unexpected character in condition at position " + (at + 1) + ": '" + text + "'");
            }
            tokens.add(matcher.group(1));
            at = matcher.end();
        }
        Parser parser = new Parser(tokens, identifiers);
        SigmaCondition condition = parser.or();
        if (parser.position != tokens.size()) {
            throw new SigmaException("unexpected '" + tokens.get(parser.position) + "' in condition '" + text + "'");
        }
        return condition;
    }

    private static final class Parser {
        final List<String> tokens;
        final List<String> identifiers;
        int position;

        Parser(List<String> tokens, List<String> identifiers) {
            this.tokens = tokens;
            this.identifiers = identifiers;
        }

        String peek() {
            return position < tokens.size() ? tokens.get(position) : null;
        }

        boolean accept(String keyword) {
            if (keyword.equalsIgnoreCase(peek())) {
                position++;
                return true;
            }
            return false;
        }

        SigmaCondition or() throws SigmaException {
            List<SigmaCondition> parts = new ArrayList<>(List.of(and()));
            while (accept("or")) {
                parts.add(and());
            }
            return parts.size() == 1 ? parts.get(0) : new Junction(false, parts);
        }

        SigmaCondition and() throws SigmaException {
            List<SigmaCondition> parts = new ArrayList<>(List.of(unary()));
            while (accept("and")) {
                parts.add(unary());
            }
            return parts.size() == 1 ? parts.get(0) : new Junction(true, parts);
        }

        SigmaCondition unary() throws SigmaException {
            if (accept("not")) {
                return new Not(unary());
            }
            if (accept("(")) {
                SigmaCondition inner = or();
                if (!accept(")")) {
                    throw new SigmaException("missing ')' in condition");
                }
                return inner;
            }
            String token = peek();
            if (token == null) {
                throw new SigmaException("condition ends where an identifier was expected");
            }
            position++;
            if ("of".equalsIgnoreCase(peek()) && (token.equals("1") || token.equalsIgnoreCase("all")
                    || token.equalsIgnoreCase("any"))) {
                position++;
                String pattern = peek();
                if (pattern == null) {
                    throw new SigmaException("'" + token + " of' needs an identifier pattern or 'them'");
                }
                position++;
                List<String> matched = matching(pattern);
                List<SigmaCondition> parts = new ArrayList<>();
                matched.forEach(name -> parts.add(new Identifier(name)));
                return new Junction(token.equalsIgnoreCase("all"), parts);
            }
            if (!identifiers.contains(token)) {
                throw new SigmaException("condition names '" + token + "', which is not a search identifier of the detection");
            }
            return new Identifier(token);
        }

        List<String> matching(String pattern) throws SigmaException {
            List<String> matched = new ArrayList<>();
            for (String name : identifiers) {
                boolean hit = pattern.equals("them") ? !name.startsWith("_")
                        : pattern.endsWith("*") ? name.startsWith(pattern.substring(0, pattern.length() - 1))
                        : name.equals(pattern);
                if (hit) {
                    matched.add(name);
                }
            }
            if (matched.isEmpty()) {
                throw new SigmaException("no search identifier matches '" + pattern + "'");
            }
            return matched;
        }
    }

    private static final class Identifier extends SigmaCondition {
        final String name;

        Identifier(String name) {
            this.name = name;
        }

        @Override
        boolean holds(Map<String, Boolean> identifiers) {
            return identifiers.get(name);
        }

        @Override
        Object translate(Function<String, Object> leaf) {
            return leaf.apply(name);
        }

        @Override
        void negated(boolean underNot, List<String> into) {
            if (underNot && !into.contains(name)) {
                into.add(name);
            }
        }
    }

    private static final class Not extends SigmaCondition {
        final SigmaCondition inner;

        Not(SigmaCondition inner) {
            this.inner = inner;
        }

        @Override
        boolean holds(Map<String, Boolean> identifiers) {
            return !inner.holds(identifiers);
        }

        @Override
        Object translate(Function<String, Object> leaf) {
            return Map.of("not", inner.translate(leaf));
        }

        @Override
        void negated(boolean underNot, List<String> into) {
            inner.negated(!underNot, into);
        }
    }

    private static final class Junction extends SigmaCondition {
        final boolean all;
        final List<SigmaCondition> parts;

        Junction(boolean all, List<SigmaCondition> parts) {
            this.all = all;
            this.parts = parts;
        }

        @Override
        boolean holds(Map<String, Boolean> identifiers) {
            for (SigmaCondition part : parts) {
                if (part.holds(identifiers) != all) {
                    return !all;
                }
            }
            return all;
        }

        @Override
        Object translate(Function<String, Object> leaf) {
            if (parts.size() == 1) {
                return parts.get(0).translate(leaf);
            }
            List<Object> translated = new ArrayList<>();
            parts.forEach(part -> translated.add(part.translate(leaf)));
            return Map.of(all ? "all" : "any", translated);
        }

        @Override
        void negated(boolean underNot, List<String> into) {
            parts.forEach(part -> part.negated(underNot, into));
        }
    }
}
