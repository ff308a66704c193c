package io.trailwarden.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.source.RawInput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/** Builds the other input shapes around real corpus records. */
public final class Records {
    private Records() {}

    static RawInput unit(String origin, String text) {
        return RawInput.of(origin, text.getBytes(StandardCharsets.UTF_8));
    }

    static RawInput unit(String origin, JsonNode json) {
        return unit(origin, json.toString());
    }

    /** The envelope EventBridge puts around a CloudTrail record (fields as AWS documents them). */
    static ObjectNode envelope(String detailType, JsonNode record) {
        ObjectNode envelope = EventJson.MAPPER.createObjectNode();
        envelope.put("version", "0");
        envelope.put("id", "6f6d6c1e-4f2a-43d6-9e33-3c1bd5f8c1a2");
        envelope.put("detail-type", detailType);
        envelope.put("source", "aws." + record.get("eventSource").asText().replace(".amazonaws.com", ""));
        envelope.put("account", record.get("recipientAccountId").asText());
        envelope.put("time", record.get("eventTime").asText());
        envelope.put("region", record.get("awsRegion").asText());
        envelope.putArray("resources");
        envelope.set("detail", record);
        return envelope;
    }

    public static ObjectNode recordsFile(JsonNode... records) {
        ObjectNode file = EventJson.MAPPER.createObjectNode();
        file.putArray("Records").addAll(java.util.Arrays.asList(records));
        return file;
    }

    public static String pretty(JsonNode json) {
        try {
            return EventJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
