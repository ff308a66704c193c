package io.trailwarden.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/** The one Jackson mapper of the job, and dotted-path navigation over CloudTrail records. */
public final class EventJson {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private EventJson() {}

    public static JsonNode readTree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored CloudTrail record is no longer valid JSON", e);
        }
    }

    public static JsonNode readTree(byte[] utf8Json) {
        try {
            return MAPPER.readTree(utf8Json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored CloudTrail record is no longer valid JSON", e);
        }
    }

    /**
     * The value of the top-level member {@code name} of the JSON object in {@code utf8Json}, built as a
     * tree alone, or a missing node. The members before it are skipped without building anything, the
     * ones after it are not read. A record with a repeated key never gets this far (the parser refuses
     * it), so the first member of that name is the only one.
     */
    public static JsonNode readMember(byte[] utf8Json, String name) {
        try (JsonParser parser = MAPPER.getFactory().createParser(utf8Json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException("stored CloudTrail record is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean wanted = name.equals(parser.currentName());
                parser.nextToken();
                if (wanted) {
                    return MAPPER.readTree(parser);
                }
                parser.skipChildren();
            }
            return MissingNode.getInstance();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored CloudTrail record is no longer valid JSON", e);
        }
    }

    public static JsonNode at(JsonNode root, String dottedPath) {
        JsonNode node = root;
        int start = 0;
        int length = dottedPath.length();
        while (start <= length && node != null && !node.isMissingNode()) {
            int dot = dottedPath.indexOf('.', start);
            int end = dot < 0 ? length : dot;
            String part = dottedPath.substring(start, end);
            node = node.isArray() ? arrayElement(node, part) : node.get(part);
            start = end + 1;
            if (dot < 0) {
                break;
            }
        }
        return node == null ? MissingNode.getInstance() : node;
    }

    private static JsonNode arrayElement(JsonNode array, String part) {
        try {
            return array.get(Integer.parseInt(part));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
