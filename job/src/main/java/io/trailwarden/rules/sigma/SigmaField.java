package io.trailwarden.rules.sigma;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code field|modifier|...: value(s)} entry of a Sigma search identifier, and its TrailWarden
 * condition. A list of values is any-of, or all-of with {@code |all}. Strings match case-insensitively
 * unless {@code |cased}; {@code *} and {@code ?} are wildcards ({@code \*}, {@code \?}, {@code \\}
 * escape them); {@code null} means the field is absent or null. {@code |re} is case-sensitive unless
 * {@code |i}, as the specification says, and takes {@code |m} and {@code |s}.
 */
final class SigmaField {
    enum Kind { EQUALS, CONTAINS, STARTSWITH, ENDSWITH, RE, CIDR, EXISTS, LT, LTE, GT, GTE, FIELDREF }

    private static final Set<String> TRANSFORMS_REFUSED = Set.of("base64", "base64offset", "utf16le", "utf16be",
            "utf16", "wide", "windash", "expand");

    final String field;
    final Kind kind;
    final boolean all;
    final boolean cased;
    final String regexFlags;
    final List<Object> values;

    private SigmaField(String field, Kind kind, boolean all, boolean cased, String regexFlags, List<Object> values) {
        this.field = field;
        this.kind = kind;
        this.all = all;
        this.cased = cased;
        this.regexFlags = regexFlags;
        this.values = values;
    }

    static SigmaField parse(String key, Object value) throws SigmaException {
        String[] parts = key.split("\\|");
        String field = parts[0];
        if (field.isEmpty()) {
            throw new SigmaException("'" + key + "': a value without a field (keyword search) has no CloudTrail field to match");
        }
        Kind kind = Kind.EQUALS;
        boolean all = false;
        boolean cased = false;
        StringBuilder flags = new StringBuilder();
        for (int i = 1; i < parts.length; i++) {
            String modifier = parts[i];
            switch (modifier) {
                case "all": all = true; break;
                case "cased": cased = true; break;
                case "i": case "m": case "s":
                    if (kind != Kind.RE) {
                        throw new SigmaException("'" + key + "': |" + modifier + " only follows |re");
                    }
                    flags.append(modifier);
                    break;
                default:
                    Kind named = kindOf(modifier);
                    if (named == null) {
                        throw new SigmaException("'" + key + "': modifier |" + modifier
                                + (TRANSFORMS_REFUSED.contains(modifier)
                                        ? " transforms values for Windows and process logs and is not converted"
                                        : " is not a Sigma modifier this converter knows"));
                    }
                    if (kind != Kind.EQUALS) {
                        throw new SigmaException("'" + key + "': |" + modifier + " combined with another matching modifier");
                    }
                    kind = named;
            }
        }
        List<Object> values = new ArrayList<>();
        if (value instanceof List) {
            values.addAll((List<?>) value);
        } else {
            values.add(value);
        }
        if (values.isEmpty()) {
            throw new SigmaException("'" + key + "': an empty list matches nothing");
        }
        for (Object one : values) {
            if (one instanceof Map || one instanceof List) {
                throw new SigmaException("'" + key + "': a value must be a string, number, boolean or null");
            }
        }
        if (kind == Kind.EXISTS && (values.size() != 1 || !(values.get(0) instanceof Boolean))) {
            throw new SigmaException("'" + key + "': |exists takes true or false");
        }
        if ((kind == Kind.LT || kind == Kind.LTE || kind == Kind.GT || kind == Kind.GTE)
                && values.stream().anyMatch(v -> !(v instanceof Number))) {
            throw new SigmaException("'" + key + "': |" + kind.name().toLowerCase() + " takes numbers");
        }
        return new SigmaField(field, kind, all, cased, flags.toString(), values);
    }

    private static Kind kindOf(String modifier) {
        switch (modifier) {
            case "contains": return Kind.CONTAINS;
            case "startswith": return Kind.STARTSWITH;
            case "endswith": return Kind.ENDSWITH;
            case "re": return Kind.RE;
            case "cidr": return Kind.CIDR;
            case "exists": return Kind.EXISTS;
            case "lt": return Kind.LT;
            case "lte": return Kind.LTE;
            case "gt": return Kind.GT;
            case "gte": return Kind.GTE;
            case "fieldref": return Kind.FIELDREF;
            default: return null;
        }
    }

    /** The TrailWarden condition (a one-entry mapping, or an any/all of them). */
    Object condition() {
        if (kind == Kind.EXISTS) {
            return Map.of(field, Map.of("exists", values.get(0)));
        }
        if (kind == Kind.CIDR) {
            List<String> cidrs = new ArrayList<>();
            values.forEach(v -> cidrs.add(String.valueOf(v)));
            return all ? junction(true, cidrs, c -> Map.of(field, Map.of("cidr", c)))
                    : Map.of(field, Map.of("cidr", cidrs));
        }
        List<Object> each = new ArrayList<>();
        for (Object value : values) {
            each.add(one(value));
        }
        if (each.size() == 1) {
            return each.get(0);
        }
        return Map.of(all ? "all" : "any", each);
    }

    private interface One {
        Object of(String value);
    }

    private static Object junction(boolean all, List<String> values, One one) {
        List<Object> each = new ArrayList<>();
        values.forEach(v -> each.add(one.of(v)));
        return Map.of(all ? "all" : "any", each);
    }

    private Object one(Object value) {
        switch (kind) {
            case LT: case LTE: case GT: case GTE:
                return Map.of(field, Map.of(kind.name().toLowerCase(), value));
            case FIELDREF:
                return operator("equalsField", String.valueOf(value), !cased);
            case RE:
                String regex = String.valueOf(value);
                String inline = regexFlags.replace("i", "");
                return operator("regex", inline.isEmpty() ? regex : "(?" + inline + ")" + regex, regexFlags.contains("i"));
            default:
                break;
        }
        if (value == null) {
            return Map.of(field, Map.of("exists", false));
        }
        if (!(value instanceof String)) {
            return Map.of(field, Map.of("equals", String.valueOf(value)));
        }
        Wildcards text = Wildcards.of((String) value);
        boolean ignoreCase = !cased;
        boolean leading = kind == Kind.CONTAINS || kind == Kind.ENDSWITH;
        boolean trailing = kind == Kind.CONTAINS || kind == Kind.STARTSWITH;
        return text.condition(field, leading, trailing, ignoreCase);
    }

    private Map<String, Object> operator(String name, String operand, boolean ignoreCase) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put(name, operand);
        if (ignoreCase) {
            spec.put("ignoreCase", true);
        }
        return Map.of(field, spec);
    }
}
