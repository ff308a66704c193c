package io.trailwarden.config;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Property groups {@code TrailWarden.Rules} (where the catalogue comes from) and {@code TrailWarden.Lists}
 * (named lists rules reference with {@code inList}: allow-lists, sensitive buckets, provisioners).
 */
public final class RulesConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String GROUP = "TrailWarden.Rules";
    public static final String LISTS_GROUP = "TrailWarden.Lists";
    /** The catalogue packaged into the jar from the repository's rules/ folder. */
    public static final String CLASSPATH = "classpath";
    /** Lists the shipped catalogue references; they exist (empty) even when not configured. */
    public static final List<String> STANDARD_LISTS = List.of("allowedProvisioners", "sensitiveBuckets", "adminGroups");
    private static final Pattern LIST_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");

    /** {@link #CLASSPATH}, a directory, or an {@code s3://bucket/prefix} URI. */
    public final String location;
    public final Map<String, List<String>> lists;

    public RulesConfig(String location, Map<String, List<String>> lists) {
        this.location = location;
        this.lists = Collections.unmodifiableMap(new LinkedHashMap<>(lists));
    }

    public static RulesConfig defaults() {
        return read(PropertyGroups.empty(), new java.util.ArrayList<>());
    }

    static RulesConfig read(PropertyGroups groups, List<String> errors) {
        GroupReader reader = new GroupReader(groups, GROUP, errors);
        String location = reader.string("location", CLASSPATH);
        reader.rejectUnknownKeys();

        Map<String, List<String>> lists = new LinkedHashMap<>();
        for (String name : STANDARD_LISTS) {
            lists.put(name, List.of());
        }
        GroupReader listReader = new GroupReader(groups, LISTS_GROUP, errors);
        for (String name : listReader.values().keySet()) {
            if (!LIST_NAME.matcher(name).matches()) {
                listReader.error(name, "list names start with a letter and hold letters, digits, '-' and '_'");
                continue;
            }
            lists.put(name, List.copyOf(listReader.list(name, List.of())));
        }
        return new RulesConfig(location, lists);
    }
}
