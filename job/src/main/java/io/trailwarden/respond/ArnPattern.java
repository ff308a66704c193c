package io.trailwarden.respond;

import java.io.Serializable;
import java.util.regex.Pattern;

/**
 * An ARN glob: {@code *} matches any run of characters, everything else is literal. Case-insensitive:
 * IAM user and role names are unique regardless of case, so {@code Admin} and {@code admin} are one.
 */
public final class ArnPattern implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String glob;
    private final Pattern regex;

    public ArnPattern(String glob) {
        this.glob = glob;
        String[] literals = glob.split("\\*", -1);
        StringBuilder regex = new StringBuilder(Pattern.quote(literals[0]));
        for (int i = 1; i < literals.length; i++) {
            regex.append(".*").append(Pattern.quote(literals[i]));
        }
        this.regex = Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    public boolean matches(String arn) {
        return arn != null && regex.matcher(arn).matches();
    }

    @Override
    public String toString() {
        return glob;
    }
}
