package io.trailwarden.rules.model;

import java.io.Serializable;

/** What a rule's findings are about, named by fields of the matched events; independent of containment. */
public final class TargetSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** The acting identity. */
        ACTOR("actor"),
        USER("user"),
        ROLE("role"),
        /** Any other resource (a bucket, a secret, a key), named by its name and/or ARN. */
        RESOURCE("resource");

        public final String yamlName;

        Kind(String yamlName) {
            this.yamlName = yamlName;
        }
    }

    public Kind kind;
    /** Path of the name (for ACTOR: unused). */
    public String name;
    /** Optional path of the ARN. */
    public String arn;
}
