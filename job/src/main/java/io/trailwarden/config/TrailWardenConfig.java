package io.trailwarden.config;

import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The job's whole configuration, typed and validated once at start-up. Each property group has its
 * own class with a {@code GROUP} constant and a {@code read(groups, errors)} method; adding a group is
 * one public field here and one line in the constructor. Reading collects every error of every group
 * before failing.
 */
public final class TrailWardenConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final String GROUP_PREFIX = "TrailWarden.";

    public final DetectionConfig detection;
    public final ResponseConfig response;
    public final AlertConfig alerts;
    public final AwsConfig aws;
    public final SourceConfig source;
    public final RulesConfig rules;
    public final ListsConfig lists;
    public final AuditConfig audit;

    private TrailWardenConfig(PropertyGroups groups, List<String> errors) {
        detection = DetectionConfig.read(groups, errors);
        response = ResponseConfig.read(groups, errors);
        alerts = AlertConfig.read(groups, errors);
        aws = AwsConfig.read(groups, errors);
        source = SourceConfig.read(groups, errors);
        rules = RulesConfig.read(groups, errors);
        lists = ListsConfig.read(groups, errors);
        audit = AuditConfig.read(groups, errors);
        // The tampering rules recognise a quarantine by this list; one that misses the policy the
        // responders write would let its removal pass unseen.
        if (lists.lists.get(ListsConfig.QUARANTINE_POLICIES).stream()
                .noneMatch(name -> name.equalsIgnoreCase(response.quarantinePolicyName))) {
            errors.add(ListsConfig.GROUP + "." + ListsConfig.QUARANTINE_POLICIES + ": must include "
                    + ResponseConfig.GROUP + ".quarantinePolicyName \"" + response.quarantinePolicyName + "\"");
        }
    }

    public static TrailWardenConfig defaults() {
        try {
            return from(PropertyGroups.empty());
        } catch (ConfigException e) {
            throw new IllegalStateException("built-in defaults must be valid", e);
        }
    }

    public static TrailWardenConfig from(PropertyGroups groups) throws ConfigException {
        List<String> errors = new ArrayList<>();
        TrailWardenConfig config = new TrailWardenConfig(groups, errors);
        List<String> known = knownGroups();
        for (String id : groups.groupIds()) {
            if (id.startsWith(GROUP_PREFIX) && !known.contains(id)) {
                errors.add(id + ": unknown property group (known: " + String.join(", ", known) + ")");
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return config;
    }

    /** The property group ids this build reads. */
    public static List<String> knownGroups() {
        List<String> ids = new ArrayList<>();
        for (Field field : groupFields()) {
            ids.add(groupId(field.getType()));
        }
        return ids;
    }

    /**
     * The effective configuration, one {@code group.key = value} line per setting, for the start-up log.
     * No group holds credentials (they come from the default provider chain), so every value may print.
     */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (Field groupField : groupFields()) {
            Object group = get(groupField, this);
            String id = groupId(groupField.getType());
            for (Field setting : groupField.getType().getFields()) {
                if (!Modifier.isStatic(setting.getModifiers())) {
                    lines.add(id + "." + setting.getName() + " = " + get(setting, group));
                }
            }
        }
        return lines;
    }

    private static List<Field> groupFields() {
        List<Field> fields = new ArrayList<>();
        for (Field field : TrailWardenConfig.class.getFields()) {
            if (!Modifier.isStatic(field.getModifiers())) {
                fields.add(field);
            }
        }
        return fields;
    }

    private static String groupId(Class<?> groupClass) {
        try {
            return (String) groupClass.getField("GROUP").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(groupClass.getName() + " needs a public static GROUP constant", e);
        }
    }

    private static Object get(Field field, Object owner) {
        try {
            return field.get(owner);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("public field " + field + " must be readable", e);
        }
    }
}
