package io.trailwarden.event;

/** The kinds of {@code userIdentity.type} CloudTrail records, normalised. */
public enum IdentityType {
    IAM_USER("IAMUser"),
    ASSUMED_ROLE("AssumedRole"),
    ROOT("Root"),
    FEDERATED_USER("FederatedUser"),
    AWS_SERVICE("AWSService"),
    AWS_ACCOUNT("AWSAccount"),
    IDENTITY_CENTER_USER("IdentityCenterUser"),
    SAML_USER("SAMLUser"),
    WEB_IDENTITY_USER("WebIdentityUser"),
    UNKNOWN("Unknown");

    private final String cloudTrailName;

    IdentityType(String cloudTrailName) {
        this.cloudTrailName = cloudTrailName;
    }

    public String cloudTrailName() {
        return cloudTrailName;
    }

    /** Never null: a type this build does not know is {@link #UNKNOWN}, not an error. */
    public static IdentityType fromCloudTrail(String value) {
        if (value != null) {
            for (IdentityType type : values()) {
                if (type.cloudTrailName.equalsIgnoreCase(value)) {
                    return type;
                }
            }
        }
        return UNKNOWN;
    }
}
