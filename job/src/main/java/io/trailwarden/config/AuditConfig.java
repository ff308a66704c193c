package io.trailwarden.config;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * Property group {@code TrailWarden.Audit}: where the audit store is. Audit and dead-letter records are
 * written there as JSON lines, whatever the log level; the production job does not start without it.
 */
public final class AuditConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String GROUP = "TrailWarden.Audit";

    /** An {@code s3://bucket/prefix/} URI ({@link S3Location}) or an absolute directory; null when not set. */
    public final String location;

    public AuditConfig(String location) {
        this.location = location;
    }

    static AuditConfig read(PropertyGroups groups, List<String> errors) {
        GroupReader reader = new GroupReader(groups, GROUP, errors);
        String location = reader.string("location", null);
        if (location != null) {
            if (S3Location.isS3(location)) {
                try {
                    location = S3Location.SCHEME + locationOf(S3Location.parse(location));
                } catch (IllegalArgumentException e) {
                    reader.error("location", e.getMessage());
                }
            } else if (location.contains("://") || !Path.of(location).isAbsolute()) {
                reader.error("location", "must be s3://BUCKET/PREFIX/ or an absolute directory, not '" + location + "'");
            }
        }
        reader.rejectUnknownKeys();
        return new AuditConfig(location);
    }

    private static String locationOf(S3Location s3) {
        return s3.bucket + "/" + s3.prefix;
    }
}
