package io.trailwarden.rules.model;

import java.util.Objects;

/** One problem in a rule file, located by file and line so an author can jump to it. */
public final class RuleError implements Comparable<RuleError> {
    public final String file;
    /** 1-based; 0 when the problem concerns the file as a whole. */
    public final int line;
    public final String message;

    public RuleError(String file, int line, String message) {
        this.file = file;
        this.line = line;
        this.message = message;
    }

    @Override
    public int compareTo(RuleError other) {
        int byFile = file.compareTo(other.file);
        return byFile != 0 ? byFile : Integer.compare(line, other.line);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RuleError)) {
            return false;
        }
        RuleError other = (RuleError) o;
        return line == other.line && file.equals(other.file) && message.equals(other.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(file, line, message);
    }

    @Override
    public String toString() {
        return file + ":" + line + ": " + message;
    }
}
