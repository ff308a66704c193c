package io.trailwarden.config;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Property group {@code TrailWarden.Lists}: named lists that rules reference with {@code inList}
 * (allow-lists, sensitive buckets, provisioning principals), defined once here instead of in every
 * rule. Each key is a list name, its value a comma-separated list.
 */
public final class ListsConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String GROUP = "TrailWarden.Lists";
    /** Lists the shipped catalogue references; they exist (empty) even when not configured. */
    public static final List<String> STANDARD_LISTS = List.of("allowedProvisioners", "sensitiveBuckets", "adminGroups",
            "adminPolicies", "trustedAccounts");
    private static final Pattern LIST_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");

    public final Map<String, List<String>> lists;

    public ListsConfig(Map<String, List<String>> lists) {
        this.lists = Collections.unmodifiableMap(new LinkedHashMap<>(lists));
    }

    public static ListsConfig defaults() {
        return read(PropertyGroups.empty(), new java.util.ArrayList<>());
    }

    static ListsConfig read(PropertyGroups groups, List<String> errors) {
        Map<String, List<String>> lists = new LinkedHashMap<>();
        for (String name : STANDARD_LISTS) {
            lists.put(name, List.of());
        }
        GroupReader reader = new GroupReader(groups, GROUP, errors);
        for (String name : reader.values().keySet()) {
            if (!LIST_NAME.matcher(name).matches()) {
                reader.error(name, "list names start with a letter and hold letters, digits, '-' and '_'");
                continue;
            }
            lists.put(name, List.copyOf(reader.list(name, List.of())));
        }
        return new ListsConfig(lists);
    }

    @Override
    public String toString() {
        return lists.toString();
    }
}
