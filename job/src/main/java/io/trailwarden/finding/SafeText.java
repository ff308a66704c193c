package io.trailwarden.finding;

/**
 * The one escaper of attacker-controlled text, for every output TrailWarden writes. CloudTrail records
 * carry strings the caller chose (user names, user agents, request parameters): an ANSI escape sequence
 * could recolour or rewrite an operator's screen, a newline or U+2028 could forge a line, a bidirectional
 * override (U+202E) could reorder what is read. {@link #isHidden} names those characters once; text
 * outputs show them as {@code \\uXXXX} ({@link #safe}), HTML outputs the same text with markup characters
 * as character references ({@link #html}), JSON outputs escape the same characters through
 * {@link FindingJson}. Long values are cut to a bound ({@link #cut}) so a 5 MB field cannot flood an
 * alert or a screen, and the cut says how much it left out.
 */
public final class SafeText {
    public static final int DEFAULT_MAX_CHARS = 300;

    private SafeText() {}

    public static String safe(String text) {
        return safe(text, DEFAULT_MAX_CHARS);
    }

    /**
     * Cut to {@code maxChars}, then every hidden character shown as an escape and every backslash doubled,
     * so an escape in the input cannot pass for one of ours. {@code -} for null, so a missing value reads
     * differently from an empty one.
     */
    public static String safe(String text, int maxChars) {
        return escape(text, maxChars, true);
    }

    /**
     * {@link #safe} for HTML: the same visible text, with {@code & < > " '} as character references, so a
     * value is text wherever it goes in a page, in an element or in a quoted attribute, and can neither
     * open a tag nor close the attribute. Hidden characters are already escapes, so a bidirectional
     * control cannot reorder the page around it.
     */
    public static String html(String text, int maxChars) {
        String visible = safe(text, maxChars);
        StringBuilder out = new StringBuilder(visible.length() + 16);
        for (int i = 0; i < visible.length(); i++) {
            char c = visible.charAt(i);
            switch (c) {
                case '&':
                    out.append("&amp;");
                    break;
                case '<':
                    out.append("&lt;");
                    break;
                case '>':
                    out.append("&gt;");
                    break;
                case '"':
                    out.append("&quot;");
                    break;
                case '\'':
                    out.append("&#39;");
                    break;
                default:
                    out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * For text the user wrote (rule files and their errors): hidden characters are escaped as in
     * {@link #safe}, but backslashes stay as written, so a regex reads as it does in the rule file.
     */
    public static String safeSource(String text, int maxChars) {
        return escape(text, maxChars, false);
    }

    private static String escape(String text, int maxChars, boolean doubleBackslashes) {
        if (text == null) {
            return "-";
        }
        String cut = cut(text, maxChars);
        StringBuilder out = new StringBuilder(cut.length() + 16);
        cut.codePoints().forEach(codePoint -> {
            if (codePoint == '\\' && doubleBackslashes) {
                out.append("\\\\");
            } else if (isHidden(codePoint)) {
                out.append(Character.isSupplementaryCodePoint(codePoint)
                        ? String.format("\\U%08X", codePoint)
                        : String.format("\\u%04X", codePoint));
            } else {
                out.appendCodePoint(codePoint);
            }
        });
        return out.toString();
    }

    /**
     * The first {@code maxChars} chars, and {@code ...[N more chars]} when there were more. A character
     * outside the basic plane is never split: half of one is not a character and not valid UTF-8.
     */
    public static String cut(String text, int maxChars) {
        if (text == null || text.length() <= maxChars) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
        return text.substring(0, end) + "...[" + (text.length() - end) + " more chars]";
    }

    /**
     * Characters that do not show as themselves: controls (C0, DEL, C1: ESC, CR, LF, NEL), format
     * characters (the bidirectional controls U+202A-202E, U+2066-2069, U+200E/F, U+061C; zero-width
     * characters), line and paragraph separators (U+2028, U+2029), lone surrogates, private-use and
     * unassigned code points.
     */
    public static boolean isHidden(int codePoint) {
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
