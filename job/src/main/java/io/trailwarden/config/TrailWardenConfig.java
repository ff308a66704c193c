package io.trailwarden.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The job's whole configuration, typed and validated once at start-up. Each property group has its
 * own class; this one reads them all and fails with every error at once.
 */
public final class TrailWardenConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final String GROUP_PREFIX = "TrailWarden.";

    public final DetectionConfig detection;
    public final SourceConfig source;

    private TrailWardenConfig(DetectionConfig detection, SourceConfig source) {
        this.detection = detection;
        this.source = source;
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
        TrailWardenConfig config = new TrailWardenConfig(
                DetectionConfig.read(groups, errors),
                SourceConfig.read(groups, errors));
        List<String> known = List.of(DetectionConfig.GROUP, SourceConfig.GROUP);
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
}
