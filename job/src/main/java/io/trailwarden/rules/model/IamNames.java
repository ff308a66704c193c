package io.trailwarden.rules.model;

import java.util.Locale;
import java.util.Set;

/**
 * IAM user, role and group names are unique without regard to case: {@code backdoor} and
 * {@code BACKDOOR} are one user, and IAM resolves either spelling in a request to it. So every
 * comparison of, capture of and key on a field that holds such a name compares without case, whether or
 * not the rule says {@code ignoreCase}; an attacker who varies the case still names the same user.
 */
public final class IamNames {
    /** The last part of a path that holds an IAM user, role or group name, as CloudTrail writes it. */
    private static final Set<String> NAME_FIELDS = Set.of("userName", "roleName", "groupName");

    private IamNames() {}

    /** {@code requestParameters.userName}, {@code userIdentity.sessionContext.sessionIssuer.userName}, ... */
    public static boolean isNameField(String path) {
        return path != null && NAME_FIELDS.contains(path.substring(path.lastIndexOf('.') + 1));
    }

    /** The form two spellings of one name share. */
    public static String fold(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
