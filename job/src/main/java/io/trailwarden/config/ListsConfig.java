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
    /** The inline policy names that are TrailWarden quarantines. */
    public static final String QUARANTINE_POLICIES = "quarantinePolicies";
    /**
     * IAM users and roles whose calls are routine administration: a finding made only by them is alerted
     * and never contained (the response planner), and rules may leave their routine calls out.
     */
    public static final String TRUSTED_AUTOMATION = "trustedAutomation";
    /**
     * Lists the shipped catalogue references, with their values when not configured. The
     * {@code trailwarden*} lists name TrailWarden's own resources as deploy/trailwarden.yaml,
     * responder-role.yaml and region-forwarder.yaml create them with their default parameters, so the
     * tampering rules watch a default deployment without configuration; the template sets them to
     * the names it actually gave.
     */
    public static final Map<String, List<String>> STANDARD_LISTS = standardLists();
    private static final Pattern LIST_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
    /**
     * A trusted principal is named by its exact ARN, path included, in one account: a session ARN's
     * session name is chosen by whoever assumes the role, and a '*' would trust every user or role that
     * anyone allowed to create one can name to fit (rules compare the list exactly, as the planner does).
     */
    private static final Pattern TRUSTED_ARN = Pattern.compile("arn:aws(-[a-z]+)*:iam::\\d{12}:(user|role)/[^*\\s]*[^*/\\s]");

    private static Map<String, List<String>> standardLists() {
        Map<String, List<String>> lists = new LinkedHashMap<>();
        lists.put("allowedProvisioners", List.of());
        lists.put("sensitiveBuckets", List.of());
        lists.put("adminGroups", List.of());
        lists.put("adminPolicies", List.of());
        lists.put("trustedAccounts", List.of());
        lists.put(TRUSTED_AUTOMATION, List.of());
        lists.put("trailwardenEventRules", List.of("trailwarden-cloudtrail-to-kinesis", "trailwarden-forwarded-to-kinesis",
                "trailwarden-forward-cloudtrail"));
        lists.put("trailwardenEventBuses", List.of("trailwarden-forwarded"));
        lists.put("trailwardenApplications", List.of("trailwarden"));
        lists.put("trailwardenStreams", List.of("trailwarden-events"));
        lists.put("trailwardenTopics", List.of("trailwarden-alerts"));
        lists.put("trailwardenRoles", List.of("trailwarden-application", "trailwarden-eventbridge-to-kinesis",
                "TrailWardenResponder"));
        lists.put("trailwardenOperators", List.of());
        lists.put(QUARANTINE_POLICIES, List.of("TrailWardenQuarantine"));
        return Collections.unmodifiableMap(lists);
    }

    public final Map<String, List<String>> lists;

    public ListsConfig(Map<String, List<String>> lists) {
        this.lists = Collections.unmodifiableMap(new LinkedHashMap<>(lists));
    }

    public static ListsConfig defaults() {
        return read(PropertyGroups.empty(), new java.util.ArrayList<>());
    }

    static ListsConfig read(PropertyGroups groups, List<String> errors) {
        Map<String, List<String>> lists = new LinkedHashMap<>(STANDARD_LISTS);
        GroupReader reader = new GroupReader(groups, GROUP, errors);
        for (String name : reader.values().keySet()) {
            if (!LIST_NAME.matcher(name).matches()) {
                reader.error(name, "list names start with a letter and hold letters, digits, '-' and '_'");
                continue;
            }
            lists.put(name, List.copyOf(reader.list(name, List.of())));
        }
        for (String entry : lists.get(TRUSTED_AUTOMATION)) {
            if (!TRUSTED_ARN.matcher(entry).matches()) {
                reader.error(TRUSTED_AUTOMATION, "'" + entry + "' is not the exact ARN of an IAM user or role"
                        + " (arn:aws:iam::123456789012:role/PATH/NAME, path included; no '*', no assumed-role session"
                        + " ARNs: whoever assumes a role names the session)");
            }
        }
        return new ListsConfig(lists);
    }

    /** ARN patterns of {@link #TRUSTED_AUTOMATION}. */
    public List<String> trustedAutomation() {
        return lists.get(TRUSTED_AUTOMATION);
    }

    @Override
    public String toString() {
        return lists.toString();
    }
}
