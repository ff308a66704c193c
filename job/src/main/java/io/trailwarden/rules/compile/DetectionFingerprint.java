package io.trailwarden.rules.compile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailwarden.rules.model.ConditionSpec;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.model.Step;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A digest of what a rule's detection state means: the rule's kind, key ({@code by}), windows,
 * {@code atLeast}, distinct fields and every step (name, conditions, captures, absence), in the order
 * written. The state of a sequence or threshold holds events already judged against the steps (the
 * pre-filter's step bits, capture and distinct values in slots laid out in that order) and partial
 * matches named by step; restored into a rule whose detection differs, it would complete a pattern
 * the new rule does not describe. The digest goes into the uids of the rule's detection operators, so
 * such an edit starts them with empty state.
 *
 * <p>Left out, because no state depends on them: title, description, severity, MITRE ids, references,
 * false positives, runbook, context, target, response, tests, line numbers, comments and YAML layout.
 * Named lists count by name only: their entries are configuration, and a step already taken was
 * judged against the entries of its time, as it would have been without a restart. Reordering
 * conditions or values counts as a change: slots and the first distinct alias follow the written
 * order, and a fresh start is the safe side of a change that only looks cosmetic.
 */
public final class DetectionFingerprint {
    /** 64 bits in hex: an edit keeps its old fingerprint with a chance of 1 in 2^64. */
    private static final int BYTES = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    private DetectionFingerprint() {}

    public static String of(Rule rule) {
        Map<String, Object> detection = new LinkedHashMap<>();
        detection.put("kind", rule.kind.name());
        detection.put("by", rule.by);
        detection.put("within", text(rule.within));
        detection.put("absentWithin", text(rule.absentWithin));
        detection.put("atLeast", rule.atLeast);
        detection.put("distinct", rule.distinctFields);
        List<Object> steps = new ArrayList<>();
        for (Step step : rule.steps) {
            Map<String, Object> canonical = new LinkedHashMap<>();
            canonical.put("name", step.name);
            canonical.put("absent", step.absent);
            canonical.put("captures", step.captures);
            canonical.put("where", condition(step.where));
            steps.add(canonical);
        }
        detection.put("steps", steps);
        try {
            return hex(sha256(JSON.writeValueAsString(detection)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("rule " + rule.id + ": detection cannot be written as JSON", e);
        }
    }

    private static Map<String, Object> condition(ConditionSpec spec) {
        Map<String, Object> canonical = new LinkedHashMap<>();
        canonical.put("kind", spec.kind.name());
        canonical.put("field", spec.field);
        canonical.put("operator", spec.operator == null ? null : spec.operator.yamlName);
        canonical.put("values", spec.values);
        canonical.put("ignoreCase", spec.ignoreCase);
        canonical.put("transform", spec.transform == null ? null : spec.transform.name());
        canonical.put("relative", spec.relative);
        canonical.put("matchWhenListEmpty", spec.matchWhenListEmpty);
        List<Object> children = new ArrayList<>();
        for (ConditionSpec child : spec.children) {
            children.add(condition(child));
        }
        canonical.put("children", children);
        return canonical;
    }

    private static String text(Duration duration) {
        return duration == null ? null : duration.toString();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static String hex(byte[] digest) {
        StringBuilder hex = new StringBuilder(2 * BYTES);
        for (int i = 0; i < BYTES; i++) {
            hex.append(Character.forDigit((digest[i] >> 4) & 0xf, 16)).append(Character.forDigit(digest[i] & 0xf, 16));
        }
        return hex.toString();
    }
}
