package io.trailwarden.finding;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;

/** finding.schema.json as the jar ships it, for tests that check an output against it. */
public final class FindingSchema {
    public static final String RESOURCE = "/io/trailwarden/finding/finding.schema.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchema SCHEMA = load();

    private FindingSchema() {}

    private static JsonSchema load() {
        try (InputStream in = FindingSchema.class.getResourceAsStream(RESOURCE)) {
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Set<ValidationMessage> errors(JsonNode document) {
        return SCHEMA.validate(document);
    }

    /** Parses {@code json}, asserts it is one valid record of the given type, and returns it. */
    public static JsonNode valid(String json, String type) {
        JsonNode document;
        try {
            document = JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
        assertThat(errors(document)).as(json).isEmpty();
        assertThat(document.get("type").asText()).isEqualTo(type);
        return document;
    }
}
