package io.trailwarden.rules.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.trailwarden.event.EventJson;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * The fields in which CloudTrail writes a JSON document as a string: IAM, KMS, S3, SQS, SNS, Secrets
 * Manager and ECR policies. A rule path may continue into them
 * ({@code requestParameters.policyDocument.Statement.Effect}); the string is parsed when a rule first
 * looks, once per event. IAM writes the documents of its responses URL-encoded
 * ({@code %7B%0A%20%20%22Version%22...}); those are decoded first.
 */
public final class EmbeddedJson {
    /** Field names, compared without case; plus every name that ends in {@code PolicyDocument}. */
    private static final Set<String> NAMES = Set.of("policydocument", "policy", "resourcepolicy", "policytext",
            "bucketpolicy", "keypolicy", "accesspolicies", "attributevalue", "trustpolicy");
    private static final String DOCUMENT_SUFFIX = "policydocument";

    private EmbeddedJson() {}

    public static boolean isDeclared(String fieldName) {
        String lower = fieldName.toLowerCase(Locale.ROOT);
        return NAMES.contains(lower) || lower.endsWith(DOCUMENT_SUFFIX);
    }

    /** The document, or a missing node when the text is not JSON (then nothing lies below the field). */
    public static JsonNode parse(String text) {
        String json = text.trim();
        if (json.length() > 2 && json.charAt(0) == '%') {
            try {
                json = URLDecoder.decode(json, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return MissingNode.getInstance();
            }
        }
        if (json.isEmpty() || (json.charAt(0) != '{' && json.charAt(0) != '[')) {
            return MissingNode.getInstance();
        }
        try {
            return EventJson.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            return MissingNode.getInstance();
        }
    }
}
