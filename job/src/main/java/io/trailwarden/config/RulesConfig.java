package io.trailwarden.config;

import java.io.Serializable;
import java.util.List;

/** Property group {@code TrailWarden.Rules}: where the rule catalogue comes from. */
public final class RulesConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String GROUP = "TrailWarden.Rules";
    /** The catalogue packaged into the jar from the repository's rules/ folder. */
    public static final String CLASSPATH = "classpath";

    /** What rules converted from Sigma files at the location contain: none (alert only) or the actor. */
    public static final List<String> SIGMA_CONTAIN = List.of("none", "actor");

    /** {@link #CLASSPATH}, a directory, or an {@code s3://bucket/prefix/} URI ({@link S3Location}). */
    public final String location;
    /**
     * The response of Sigma rules loaded from the location: {@code none} by default, because community
     * rules are written for analysts' queues, not for automatic containment.
     */
    public final String sigmaContain;

    public RulesConfig(String location, String sigmaContain) {
        this.location = location;
        this.sigmaContain = sigmaContain;
    }

    public static RulesConfig defaults() {
        return read(PropertyGroups.empty(), new java.util.ArrayList<>());
    }

    static RulesConfig read(PropertyGroups groups, List<String> errors) {
        GroupReader reader = new GroupReader(groups, GROUP, errors);
        String location = reader.string("location", CLASSPATH);
        if (S3Location.isS3(location)) {
            try {
                S3Location.parse(location);
            } catch (IllegalArgumentException e) {
                reader.error("location", e.getMessage());
            }
        }
        String sigmaContain = reader.string("sigmaContain", "none");
        if (!SIGMA_CONTAIN.contains(sigmaContain)) {
            reader.error("sigmaContain", "must be none or actor, not '" + sigmaContain + "'");
        }
        reader.rejectUnknownKeys();
        return new RulesConfig(location, sigmaContain);
    }
}
