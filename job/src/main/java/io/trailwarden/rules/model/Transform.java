package io.trailwarden.rules.model;

import java.util.Locale;
import software.amazon.awssdk.arns.Arn;

/**
 * A function applied to a field's values before a condition compares them, so a rule can say "the
 * account of this principal" or "this name, whatever its case". Transforms never drop a value: text
 * that is not what the transform expects is passed through unchanged, so a principal written in a form
 * the rule did not foresee is still compared (and, with a negative operator, still alerts).
 */
public enum Transform {
    NONE("none"),
    /**
     * The AWS account of a principal or resource: a bare 12-digit account id as it is, the account part
     * of an ARN ({@code arn:aws:iam::111122223333:root}, {@code ...:role/x},
     * {@code arn:aws:sts::111122223333:assumed-role/r/s}); anything else ({@code *}, a service name, a
     * unique id such as {@code AROA...}) unchanged.
     */
    ACCOUNT_OF("accountOf"),
    /** Lower case (Unicode, locale-independent): IAM user, role and group names are case-insensitive. */
    LOWER("lower"),
    /**
     * The name at the end of an ARN: after the last {@code /} of the resource part, else after its last
     * {@code :} ({@code arn:aws:iam::1:role/path/admin} gives {@code admin}); a value that is not an
     * ARN unchanged.
     */
    NAME_OF("nameOf"),
    /**
     * The topic name of an SNS topic or subscription ARN ({@code arn:aws:sns:r:1:alerts} and
     * {@code arn:aws:sns:r:1:alerts:0a1b-...} both give {@code alerts}): a subscription is named only by
     * its own ARN in CloudTrail, and nameOf would give its id; any other value unchanged.
     */
    TOPIC_OF("topicOf");

    public final String yamlName;

    Transform(String yamlName) {
        this.yamlName = yamlName;
    }

    public static Transform fromYaml(String name) {
        for (Transform transform : values()) {
            if (transform != NONE && transform.yamlName.equals(name)) {
                return transform;
            }
        }
        return null;
    }

    public String apply(String value) {
        switch (this) {
            case ACCOUNT_OF:
                return accountOf(value);
            case LOWER:
                return value.toLowerCase(Locale.ROOT);
            case NAME_OF:
                return nameOf(value);
            case TOPIC_OF:
                return topicOf(value);
            default:
                return value;
        }
    }

    private static String accountOf(String value) {
        String text = value.trim();
        if (isAccountId(text)) {
            return text;
        }
        return Arn.tryFromString(text).flatMap(Arn::accountId).filter(Transform::isAccountId).orElse(value);
    }

    private static boolean isAccountId(String text) {
        if (text.length() != 12) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static String topicOf(String value) {
        return Arn.tryFromString(value).filter(arn -> "sns".equals(arn.service())).map(arn -> {
            String resource = arn.resourceAsString();
            int colon = resource.indexOf(':');
            return colon < 0 ? resource : resource.substring(0, colon);
        }).orElse(value);
    }

    private static String nameOf(String value) {
        return Arn.tryFromString(value).map(arn -> {
            String resource = arn.resourceAsString();
            return resource.substring(Math.max(resource.lastIndexOf('/'), resource.lastIndexOf(':')) + 1);
        }).orElse(value);
    }
}
