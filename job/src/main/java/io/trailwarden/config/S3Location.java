package io.trailwarden.config;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * An {@code s3://BUCKET/PREFIX/} location. The prefix is treated as a folder: it always ends in
 * {@code /} (or is empty, the bucket's top level), so {@code s3://b/rules} never reads {@code rules-old/}.
 */
public final class S3Location implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String SCHEME = "s3://";
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    /** S3's limit on a key, and so on any prefix of one. */
    private static final int MAX_KEY_BYTES = 1024;

    public final String bucket;
    /** Empty or ending in {@code /}. */
    public final String prefix;

    private S3Location(String bucket, String prefix) {
        this.bucket = bucket;
        this.prefix = prefix;
    }

    /** Whether the location means S3, spelt right or not (a misspelt one must not be taken for a directory). */
    public static boolean isS3(String location) {
        return location.regionMatches(true, 0, "s3:", 0, 3);
    }

    public static S3Location parse(String location) {
        if (!location.startsWith(SCHEME)) {
            throw new IllegalArgumentException("an S3 location is written s3://BUCKET/PREFIX/, not '" + location + "'");
        }
        String rest = location.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw new IllegalArgumentException("'" + bucket + "' in " + location + " is not an S3 bucket name"
                    + " (3 to 63 lowercase letters, digits, '.' and '-')");
        }
        if (prefix.startsWith("/")) {
            throw new IllegalArgumentException(location + ": the prefix must not start with '/' (s3://BUCKET/PREFIX/)");
        }
        if (prefix.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(location + ": the prefix contains control characters");
        }
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        if (prefix.getBytes(StandardCharsets.UTF_8).length >= MAX_KEY_BYTES) {
            throw new IllegalArgumentException(location + ": the prefix is longer than an S3 key may be");
        }
        return new S3Location(bucket, prefix);
    }

    /** The URI of one object of the bucket, as errors name it. */
    public String uri(String key) {
        return SCHEME + bucket + "/" + key;
    }

    @Override
    public String toString() {
        return uri(prefix);
    }
}
