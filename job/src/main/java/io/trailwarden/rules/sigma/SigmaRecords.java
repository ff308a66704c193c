package io.trailwarden.rules.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * Builds CloudTrail records that a Sigma search identifier matches ({@link #satisfy}) or does not
 * ({@link #violate}), for the converted rule's generated tests. The records are candidates only: the
 * converter keeps a record after the compiled TrailWarden rule has given the expected verdict on it.
 */
final class SigmaRecords {
    static final String NO_MATCH = "trailwarden-sigma-no-match";

    private SigmaRecords() {}

    /** A record of an ordinary CLI call by an IAM user, on which a field sets or removes values. */
    static ObjectNode base(int serial) {
        ObjectNode record = JsonNodeFactory.instance.objectNode();
        record.put("eventVersion", "1.09");
        record.put("eventTime", "2026-01-01T00:00:00Z");
        record.put("eventID", String.format(Locale.ROOT, "00000000-0000-4000-8000-%012d", serial));
        record.put("eventType", "AwsApiCall");
        record.put("eventSource", "sigma-test.amazonaws.com");
        record.put("eventName", "SigmaTestCall");
        record.put("awsRegion", "us-east-1");
        record.put("sourceIPAddress", "198.51.100.10");
        record.put("userAgent", "aws-cli/2.15.0");
        record.put("recipientAccountId", "111122223333");
        ObjectNode identity = record.putObject("userIdentity");
        identity.put("type", "IAMUser");
        identity.put("principalId", "AIDAEXAMPLEEXAMPLE01");
        identity.put("arn", "arn:aws:iam::111122223333:user/sigma-test");
        identity.put("accountId", "111122223333");
        identity.put("userName", "sigma-test");
        return record;
    }

    /** Sets the field so that it matches; {@code variant} picks among any-of values, {@code upper} upper-cases case-insensitive text. */
    static void satisfy(ObjectNode record, SigmaField field, int variant, boolean upper) {
        Object value = field.all ? null : field.values.get(Math.floorMod(variant, field.values.size()));
        switch (field.kind) {
            case EXISTS:
                if ((Boolean) field.values.get(0)) {
                    put(record, field.field, "x");
                } else {
                    remove(record, field.field);
                }
                return;
            case LT: put(record, field.field, number(value, -1)); return;
            case LTE: case GTE: put(record, field.field, number(value, 0)); return;
            case GT: put(record, field.field, number(value, 1)); return;
            case CIDR: put(record, field.field, Cidrs.example(String.valueOf(field.all ? field.values.get(0) : value))); return;
            case FIELDREF:
                JsonNode other = get(record, String.valueOf(field.all ? field.values.get(0) : value));
                put(record, field.field, other != null && other.isValueNode() ? other.asText() : "x");
                if (other == null || !other.isValueNode()) {
                    put(record, String.valueOf(field.all ? field.values.get(0) : value), "x");
                }
                return;
            case RE: put(record, field.field, Regexes.example(String.valueOf(value))); return;
            default:
                break;
        }
        if (field.all) {
            StringBuilder joined = new StringBuilder();
            field.values.forEach(one -> joined.append(text(field, one)).append(' '));
            put(record, field.field, caseOf(field, joined.toString().trim(), upper));
        } else if (value == null) {
            remove(record, field.field);
        } else if (!(value instanceof String)) {
            putScalar(record, field.field, value);
        } else {
            put(record, field.field, caseOf(field, text(field, value), upper));
        }
    }

    /** Sets the field so that it does not match. */
    static void violate(ObjectNode record, SigmaField field) {
        switch (field.kind) {
            case EXISTS:
                if ((Boolean) field.values.get(0)) {
                    remove(record, field.field);
                } else {
                    put(record, field.field, NO_MATCH);
                }
                return;
            case LT: put(record, field.field, number(field.values.get(0), 0)); return;
            case LTE: case GTE: put(record, field.field, number(field.values.get(0), field.kind == SigmaField.Kind.LTE ? 1 : -1)); return;
            case GT: put(record, field.field, number(field.values.get(0), 0)); return;
            case CIDR: put(record, field.field, "192.0.2.255"); return;
            default:
                boolean matchesAnything = field.values.stream().allMatch(value -> value instanceof String
                        && Wildcards.of((String) value).literals.stream().allMatch(String::isEmpty));
                if (matchesAnything) {
                    remove(record, field.field);
                } else {
                    put(record, field.field, NO_MATCH);
                }
        }
    }

    private static String text(SigmaField field, Object value) {
        String example = Wildcards.of(String.valueOf(value)).example("x");
        switch (field.kind) {
            case CONTAINS: return "x" + example + "x";
            case STARTSWITH: return example + "x";
            case ENDSWITH: return "x" + example;
            default: return example;
        }
    }

    private static String caseOf(SigmaField field, String text, boolean upper) {
        return upper && !field.cased ? text.toUpperCase(Locale.ROOT) : text;
    }

    private static JsonNode number(Object value, int offset) {
        double number = ((Number) value).doubleValue() + offset;
        return number == Math.rint(number) ? JsonNodeFactory.instance.numberNode((long) number)
                : JsonNodeFactory.instance.numberNode(number);
    }

    static JsonNode get(ObjectNode record, String path) {
        JsonNode node = record;
        for (String part : path.split("\\.")) {
            node = node == null ? null : node.get(part);
        }
        return node;
    }

    private static ObjectNode parent(ObjectNode record, String path) {
        String[] parts = path.split("\\.");
        ObjectNode node = record;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = node.get(parts[i]);
            node = next instanceof ObjectNode ? (ObjectNode) next : node.putObject(parts[i]);
        }
        return node;
    }

    private static String leaf(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    static void put(ObjectNode record, String path, String value) {
        parent(record, path).put(leaf(path), value);
    }

    private static void put(ObjectNode record, String path, JsonNode value) {
        parent(record, path).set(leaf(path), value);
    }

    private static void putScalar(ObjectNode record, String path, Object value) {
        put(record, path, JsonNodeFactory.instance.pojoNode(value).isPojo() && value instanceof Boolean
                ? JsonNodeFactory.instance.booleanNode((Boolean) value)
                : value instanceof Number ? number(value, 0) : JsonNodeFactory.instance.textNode(String.valueOf(value)));
    }

    static void remove(ObjectNode record, String path) {
        parent(record, path).remove(leaf(path));
    }

    /** Fields set so far, so that violating a filter does not undo a selection. */
    static boolean isSet(List<String> paths, String path) {
        return paths.contains(path);
    }
}
