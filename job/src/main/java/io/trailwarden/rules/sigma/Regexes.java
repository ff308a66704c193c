package io.trailwarden.rules.sigma;

/**
 * A best-effort example string for a regex: anchors dropped, {@code .} and classes become one
 * character, escapes become the escaped character, optional parts are dropped and alternatives take
 * the first branch. The converter verifies the result, so a regex this cannot satisfy only costs the
 * generated test, never a wrong one.
 */
final class Regexes {
    private Regexes() {}

    static String example(String regex) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        boolean skipping = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (skipping) {
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    if (--depth == 0) {
                        skipping = false;
                    }
                }
                continue;
            }
            switch (c) {
                case '^': case '$': case '(': case ')': case '+':
                    break;
                case '|':
                    skipping = true;
                    depth = 1;
                    break;
                case '?': case '*':
                    if (out.length() > 0) {
                        out.setLength(out.length() - 1);
                    }
                    break;
                case '.':
                    out.append('x');
                    break;
                case '[':
                    int end = regex.indexOf(']', i + 1);
                    char first = end > i + 1 ? regex.charAt(i + 1) : 'x';
                    out.append(first == '^' || first == '\\' ? 'x' : first);
                    i = end < 0 ? regex.length() : end;
                    break;
                case '{':
                    int close = regex.indexOf('}', i);
                    i = close < 0 ? regex.length() : close;
                    break;
                case '\\':
                    if (i + 1 < regex.length()) {
                        char escaped = regex.charAt(++i);
                        out.append(escaped == 'd' ? '1' : escaped == 'w' ? 'x' : escaped == 's' ? ' ' : escaped);
                    }
                    break;
                default:
                    out.append(c);
            }
        }
        return out.toString();
    }
}
