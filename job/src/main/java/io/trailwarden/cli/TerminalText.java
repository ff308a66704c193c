package io.trailwarden.cli;

/**
 * Makes attacker-controlled text safe to print on a terminal. CloudTrail records carry strings the
 * caller chose (user names, user agents, request parameters): an ANSI escape sequence in them could
 * recolour or rewrite the operator's screen, a newline could forge a line of output, a bidirectional
 * override could reorder what is read. Control, format and separator characters become visible
 * {@code \\uXXXX} escapes, backslashes are doubled so an escape cannot be forged, and long values are
 * cut to a bound so a 5 MB field cannot flood the screen.
 */
public final class TerminalText {
    public static final int DEFAULT_MAX_CHARS = 300;

    private TerminalText() {}

    public static String safe(String text) {
        return safe(text, DEFAULT_MAX_CHARS);
    }

    /** {@code -} for null, so a missing value reads differently from an empty one ({@code ""} quoted by the caller). */
    public static String safe(String text, int maxChars) {
        if (text == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars) + 16);
        int shown = 0;
        int index = 0;
        while (index < text.length() && shown < maxChars) {
            int codePoint = text.codePointAt(index);
            appendSafe(out, codePoint);
            index += Character.charCount(codePoint);
            shown++;
        }
        if (index < text.length()) {
            out.append("...[").append(text.length() - index).append(" more chars]");
        }
        return out.toString();
    }

    /**
     * For text the user wrote (rule files, their errors): control characters and overrides are escaped
     * as in {@link #safe}, but backslashes are kept as written, so a regex reads as in the rule file.
     */
    public static String safeSource(String text, int maxChars) {
        String escaped = safe(text, maxChars);
        return escaped.replace("\\\\", "\\");
    }

    private static void appendSafe(StringBuilder out, int codePoint) {
        if (codePoint == '\\') {
            out.append("\\\\");
        } else if (isUnsafe(codePoint)) {
            if (Character.isSupplementaryCodePoint(codePoint)) {
                out.append(String.format("\\U%08X", codePoint));
            } else {
                out.append(String.format("\\u%04X", codePoint));
            }
        } else {
            out.appendCodePoint(codePoint);
        }
    }

    private static boolean isUnsafe(int codePoint) {
        switch (Character.getType(codePoint)) {
            case Character.CONTROL:
            case Character.FORMAT:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
            case Character.SURROGATE:
            case Character.PRIVATE_USE:
            case Character.UNASSIGNED:
                return true;
            default:
                return false;
        }
    }
}
