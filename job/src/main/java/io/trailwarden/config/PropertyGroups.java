package io.trailwarden.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Runtime properties in MSF's shape: named groups of string key/value pairs. Locally they come from a
 * JSON file of the same shape as MSF's {@code PropertyGroups}: {@code [{"PropertyGroupId": ...,
 * "PropertyMap": {...}}]}.
 */
public final class PropertyGroups {
    /** A key given twice in the local file would silently lose one value; refuse it instead. */
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private final Map<String, Map<String, String>> groups;

    private PropertyGroups(Map<String, Map<String, String>> groups) {
        this.groups = groups;
    }

    public static PropertyGroups empty() {
        return new PropertyGroups(new LinkedHashMap<>());
    }

    public static PropertyGroups of(Map<String, Map<String, String>> groups) {
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        groups.forEach((id, map) -> copy.put(id, new LinkedHashMap<>(map)));
        return new PropertyGroups(copy);
    }

    public static PropertyGroups fromProperties(Map<String, Properties> msfGroups) {
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        msfGroups.forEach((id, properties) -> {
            Map<String, String> map = new LinkedHashMap<>();
            properties.stringPropertyNames().forEach(key -> map.put(key, properties.getProperty(key)));
            copy.put(id, map);
        });
        return new PropertyGroups(copy);
    }

    /** Reads the local JSON file; every shape error is reported with the file name, not a stack trace. */
    public static PropertyGroups fromJsonFile(Path file) throws ConfigException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException(List.of(file + ": cannot read configuration: " + e.getMessage()));
        }
        List<String> errors = new ArrayList<>();
        Map<String, Map<String, String>> groups = new LinkedHashMap<>();
        if (root == null || !root.isArray()) {
            throw new ConfigException(List.of(file
                    + ": expected a JSON array of {\"PropertyGroupId\": ..., \"PropertyMap\": {...}}"));
        }
        for (int i = 0; i < root.size(); i++) {
            JsonNode group = root.get(i);
            JsonNode id = group.get("PropertyGroupId");
            JsonNode map = group.get("PropertyMap");
            if (id == null || !id.isTextual() || map == null || !map.isObject()) {
                errors.add(file + ": element " + i + " needs a string PropertyGroupId and an object PropertyMap");
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (!entry.getValue().isValueNode() || entry.getValue().isNull()) {
                    errors.add(file + ": " + id.asText() + "." + entry.getKey() + " must be a string");
                    continue;
                }
                values.put(entry.getKey(), entry.getValue().asText());
            }
            groups.put(id.asText(), values);
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return new PropertyGroups(groups);
    }

    public Map<String, String> group(String id) {
        return Collections.unmodifiableMap(groups.getOrDefault(id, Map.of()));
    }

    public Iterable<String> groupIds() {
        return Collections.unmodifiableSet(groups.keySet());
    }
}
