package io.trailwarden.rules.sigma;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Sigma {@code detection}: named search identifiers (a mapping is all-of its fields, a list of
 * mappings any-of them) and the condition over them.
 */
final class SigmaSearch {
    /** Identifier name to its alternatives; each alternative is all-of its fields. */
    final Map<String, List<List<SigmaField>>> identifiers;
    final SigmaCondition expression;

    private SigmaSearch(Map<String, List<List<SigmaField>>> identifiers, SigmaCondition expression) {
        this.identifiers = identifiers;
        this.expression = expression;
    }

    static SigmaSearch of(Map<String, Object> detection) throws SigmaException {
        Map<String, List<List<SigmaField>>> identifiers = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : detection.entrySet()) {
            if (entry.getKey().equals("condition") || entry.getKey().equals("timeframe")) {
                continue;
            }
            identifiers.put(entry.getKey(), alternatives(entry.getKey(), entry.getValue()));
        }
        if (detection.containsKey("timeframe")) {
            throw new SigmaException("'timeframe' belongs to the removed aggregation syntax; use a correlation rule");
        }
        Object condition = detection.get("condition");
        List<String> conditions = SigmaConverter.strings(condition);
        if (conditions.isEmpty()) {
            throw new SigmaException("detection has no condition");
        }
        List<String> names = new ArrayList<>(identifiers.keySet());
        SigmaCondition expression = conditions.size() == 1 ? SigmaCondition.parse(conditions.get(0), names)
                : SigmaCondition.parse("(" + String.join(") or (", conditions) + ")", names);
        return new SigmaSearch(identifiers, expression);
    }

    private static List<List<SigmaField>> alternatives(String name, Object value) throws SigmaException {
        List<List<SigmaField>> alternatives = new ArrayList<>();
        if (value instanceof Map) {
            alternatives.add(fields(name, (Map<?, ?>) value));
        } else if (value instanceof List && !((List<?>) value).isEmpty()
                && ((List<?>) value).stream().allMatch(item -> item instanceof Map)) {
            for (Object item : (List<?>) value) {
                alternatives.add(fields(name, (Map<?, ?>) item));
            }
        } else {
            throw new SigmaException("search identifier '" + name + "' is a keyword list: full-text search over the"
                    + " whole record is not in the rule language");
        }
        return alternatives;
    }

    private static List<SigmaField> fields(String name, Map<?, ?> map) throws SigmaException {
        if (map.isEmpty()) {
            throw new SigmaException("search identifier '" + name + "' is empty");
        }
        List<SigmaField> fields = new ArrayList<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            fields.add(SigmaField.parse(String.valueOf(entry.getKey()), entry.getValue()));
        }
        return fields;
    }

    /** The TrailWarden condition: a mapping, as a rule's {@code where} needs. */
    Object condition() {
        Object translated = expression.translate(this::identifierCondition);
        return translated instanceof Map && ((Map<?, ?>) translated).size() == 1
                && !((Map<?, ?>) translated).containsKey("any") && !((Map<?, ?>) translated).containsKey("all")
                && !((Map<?, ?>) translated).containsKey("not")
                ? Map.of("all", List.of(translated)) : translated;
    }

    private Object identifierCondition(String name) {
        List<Object> any = new ArrayList<>();
        for (List<SigmaField> alternative : identifiers.get(name)) {
            List<Object> all = new ArrayList<>();
            alternative.forEach(field -> all.add(field.condition()));
            any.add(all.size() == 1 ? all.get(0) : Map.of("all", all));
        }
        return any.size() == 1 ? any.get(0) : Map.of("any", any);
    }

    /** A candidate test record and the verdict the Sigma semantics give it. */
    static final class Example {
        final String name;
        final boolean expectMatch;
        private final Map<String, Boolean> truth;
        private final Map<String, List<List<SigmaField>>> identifiers;
        private final int variant;
        private final boolean upper;
        /** Null, or a field of a satisfied identifier to violate afterwards. */
        private final SigmaField broken;

        Example(String name, boolean expectMatch, Map<String, Boolean> truth,
                Map<String, List<List<SigmaField>>> identifiers, int variant, boolean upper, SigmaField broken) {
            this.name = name;
            this.expectMatch = expectMatch;
            this.truth = truth;
            this.identifiers = identifiers;
            this.variant = variant;
            this.upper = upper;
            this.broken = broken;
        }

        ObjectNode record(int serial) {
            ObjectNode record = SigmaRecords.base(serial);
            List<String> set = new ArrayList<>();
            truth.forEach((name, value) -> {
                if (value) {
                    List<List<SigmaField>> alternatives = identifiers.get(name);
                    for (SigmaField field : alternatives.get(Math.floorMod(variant, alternatives.size()))) {
                        SigmaRecords.satisfy(record, field, variant, upper);
                        set.add(field.field);
                    }
                }
            });
            truth.forEach((name, value) -> {
                if (!value) {
                    for (List<SigmaField> alternative : identifiers.get(name)) {
                        alternative.stream().filter(field -> !set.contains(field.field)).findFirst()
                                .ifPresent(field -> SigmaRecords.violate(record, field));
                    }
                }
            });
            if (broken != null) {
                SigmaRecords.violate(record, broken);
            }
            return record;
        }
    }

    /**
     * Candidate records: for each assignment of identifiers that satisfies the condition (fewest true
     * first), the record as written and upper-cased and with other any-of values; then records from
     * each filter (an identifier under {@code not}) made true, and from each selection made false.
     */
    List<Example> examples() {
        List<String> names = new ArrayList<>(identifiers.keySet());
        List<String> filters = new ArrayList<>();
        expression.negated(false, filters);
        List<Example> examples = new ArrayList<>();
        List<Map<String, Boolean>> satisfying = new ArrayList<>();
        int count = 1 << names.size();
        for (int bits = 0; bits <= names.size(); bits++) {
            for (int mask = 0; mask < count; mask++) {
                if (Integer.bitCount(mask) != bits) {
                    continue;
                }
                Map<String, Boolean> truth = new LinkedHashMap<>();
                for (int i = 0; i < names.size(); i++) {
                    truth.put(names.get(i), (mask & (1 << i)) != 0);
                }
                if (expression.holds(truth)) {
                    satisfying.add(truth);
                }
            }
        }
        for (Map<String, Boolean> truth : satisfying.subList(0, Math.min(4, satisfying.size()))) {
            String selected = String.join(" and ", trueNames(truth));
            examples.add(new Example("selection " + selected, true, truth, identifiers, 0, false, null));
            examples.add(new Example("selection " + selected + ", values upper-cased", true, truth, identifiers, 0, true, null));
            examples.add(new Example("selection " + selected + ", other values", true, truth, identifiers, 1, false, null));
            for (String filter : filters) {
                Map<String, Boolean> filtered = new LinkedHashMap<>(truth);
                filtered.put(filter, true);
                if (!expression.holds(filtered)) {
                    examples.add(new Example("selection " + selected + " caught by filter " + filter, false, filtered,
                            identifiers, 0, false, null));
                }
            }
            for (String name : trueNames(truth)) {
                Map<String, Boolean> broken = new LinkedHashMap<>(truth);
                broken.put(name, false);
                if (!expression.holds(broken)) {
                    examples.add(new Example("selection " + selected + " with " + name + " not met", false, broken,
                            identifiers, 0, false, null));
                }
                for (SigmaField field : identifiers.get(name).get(0)) {
                    examples.add(new Example("selection " + selected + " but " + field.field + " differs", false, truth,
                            identifiers, 0, false, field));
                }
            }
        }
        Map<String, Boolean> nothing = new LinkedHashMap<>();
        names.forEach(name -> nothing.put(name, false));
        if (!expression.holds(nothing)) {
            examples.add(new Example("a call none of the selections mention", false, nothing, identifiers, 0, false, null));
        }
        return examples;
    }

    private static List<String> trueNames(Map<String, Boolean> truth) {
        List<String> names = new ArrayList<>();
        truth.forEach((name, value) -> {
            if (value) {
                names.add(name);
            }
        });
        return names;
    }
}
