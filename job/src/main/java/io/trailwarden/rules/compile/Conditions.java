package io.trailwarden.rules.compile;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.rules.model.Cidr;
import io.trailwarden.rules.model.ConditionSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Compiles {@link ConditionSpec}s into {@link EventCondition}s. Everything that can be prepared is
 * prepared here (regexes compiled, CIDRs parsed, case folded, named lists resolved), so evaluating a
 * condition is string comparisons only.
 */
public final class Conditions {
    private Conditions() {}

    /** @param lists the named lists of TrailWarden.Lists, by name */
    public static EventCondition compile(ConditionSpec spec, Map<String, List<String>> lists) {
        switch (spec.kind) {
            case ALL:
                return new All(compileAll(spec.children, lists));
            case ANY:
                return new Any(compileAll(spec.children, lists));
            case NOT:
                return new Not(compile(spec.children.get(0), lists));
            default:
                return field(spec, lists);
        }
    }

    /** A conjunction of the given conditions (true when empty), cheapest first. */
    public static EventCondition allOf(List<EventCondition> conditions) {
        return conditions.size() == 1 ? conditions.get(0) : new All(conditions);
    }

    private static List<EventCondition> compileAll(List<ConditionSpec> specs, Map<String, List<String>> lists) {
        List<EventCondition> compiled = new ArrayList<>();
        for (ConditionSpec child : specs) {
            compiled.add(compile(child, lists));
        }
        return compiled;
    }

    private static EventCondition field(ConditionSpec spec, Map<String, List<String>> lists) {
        FieldRef field = new FieldRef(spec.field);
        boolean ignoreCase = spec.ignoreCase;
        switch (spec.operator) {
            case EQUALS:
            case ONE_OF:
                return new Values(field, new OneOf(spec.values, ignoreCase));
            case IN_LIST:
                List<String> list = lists.getOrDefault(spec.values.get(0), List.of());
                if (list.isEmpty() && spec.matchWhenListEmpty) {
                    return new Constant(true);
                }
                return new Values(field, new OneOf(list, ignoreCase));
            case PREFIX:
                return new Values(field, new Affix(spec.values, ignoreCase, Affix.PREFIX));
            case SUFFIX:
                return new Values(field, new Affix(spec.values, ignoreCase, Affix.SUFFIX));
            case CONTAINS:
                return new Values(field, new Affix(spec.values, ignoreCase, Affix.CONTAINS));
            case REGEX:
                return new Values(field, new Regex(spec.values, ignoreCase));
            case CIDR:
                return new Values(field, new InCidr(spec.values));
            case EXISTS:
                return new Exists(field, Boolean.parseBoolean(spec.values.get(0)));
            case GT:
            case GTE:
            case LT:
            case LTE:
                return new Values(field, new Compare(spec.operator, ConditionSpec.parseNumber(spec.values.get(0))));
            case EQUALS_FIELD:
                return new FieldPair(field, new FieldRef(spec.values.get(0)), true, ignoreCase);
            case NOT_EQUALS_FIELD:
                return new FieldPair(field, new FieldRef(spec.values.get(0)), false, ignoreCase);
            default:
                throw new IllegalArgumentException(spec.operator + " compares with a capture and is compiled by the"
                        + " sequence compiler, not here");
        }
    }

    /** A test of one scalar value; it is the visitor {@link FieldRef} feeds each value to. */
    interface ValueTest extends FieldRef.Visitor, java.io.Serializable {}

    static final class All implements EventCondition {
        private static final long serialVersionUID = 1L;
        private final EventCondition[] parts;

        All(List<EventCondition> parts) {
            this.parts = parts.stream().sorted(Comparator.comparingInt(EventCondition::cost))
                    .toArray(EventCondition[]::new);
        }

        @Override
        public boolean test(CloudTrailEvent event) {
            for (EventCondition part : parts) {
                if (!part.test(event)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int cost() {
            return Arrays.stream(parts).mapToInt(EventCondition::cost).max().orElse(0);
        }
    }

    static final class Any implements EventCondition {
        private static final long serialVersionUID = 1L;
        private final EventCondition[] parts;

        Any(List<EventCondition> parts) {
            this.parts = parts.stream().sorted(Comparator.comparingInt(EventCondition::cost))
                    .toArray(EventCondition[]::new);
        }

        @Override
        public boolean test(CloudTrailEvent event) {
            for (EventCondition part : parts) {
                if (part.test(event)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public int cost() {
            return Arrays.stream(parts).mapToInt(EventCondition::cost).max().orElse(0);
        }
    }

    static final class Not implements EventCondition {
        private static final long serialVersionUID = 1L;
        private final EventCondition negated;

        Not(EventCondition negated) {
            this.negated = negated;
        }

        @Override
        public boolean test(CloudTrailEvent event) {
            return !negated.test(event);
        }

        @Override
        public int cost() {
            return negated.cost();
        }
    }

    static final class Constant implements EventCondition {
        private static final long serialVersionUID = 1L;
        private final boolean value;

        Constant(boolean value) {
            this.value = value;
        }

        @Override
        public boolean test(CloudTrailEvent event) {
            return value;
        }

        @Override
        public int cost() {
            return 0;
        }
    }

    static final class Values implements EventCondition {
        private static final long serialVersionUID = 1L;
        private final FieldRef field;
        private final ValueTest test;

        Values(FieldRef field, ValueTest test) {
            this.field = field;
            this.test = test;
        }

        @Override
        public boolean test(CloudTrailEvent event) {
            return field.anyValue(event, test);
        }

        @Override
        public int cost() {
            return (field.isTyped() ? 0 : 2) + (test instanceof Regex ? 1 : 0);
        }
    }

    static final class Exists implements EventCondition {
        private static final long serialVersionUID = 1L;
        private final FieldRef field;
        private final boolean expected;

        Exists(FieldRef field, boolean expected) {
            this.field = field;
            this.expected = expected;
        }

        @Override
        public boolean test(CloudTrailEvent event) {
            return field.exists(event) == expected;
        }

        @Override
        public int cost() {
            return field.isTyped() ? 0 : 2;
        }
    }

    /**
     * Compares two fields of one event. Both must be present: "the key's user is not the actor" says
     * nothing about a record that names no key user (a key created for oneself leaves it out).
     */
    static final class FieldPair implements EventCondition {
        private static final long serialVersionUID = 1L;
        private final FieldRef left;
        private final FieldRef right;
        private final boolean equal;
        private final boolean ignoreCase;

        FieldPair(FieldRef left, FieldRef right, boolean equal, boolean ignoreCase) {
            this.left = left;
            this.right = right;
            this.equal = equal;
            this.ignoreCase = ignoreCase;
        }

        @Override
        public boolean test(CloudTrailEvent event) {
            String a = left.first(event);
            String b = right.first(event);
            if (a == null || b == null) {
                return false;
            }
            boolean same = ignoreCase ? a.equalsIgnoreCase(b) : a.equals(b);
            return same == equal;
        }

        @Override
        public int cost() {
            return 3;
        }
    }

    static final class OneOf implements ValueTest {
        private static final long serialVersionUID = 1L;
        private final Set<String> values = new HashSet<>();
        private final boolean ignoreCase;

        OneOf(List<String> values, boolean ignoreCase) {
            this.ignoreCase = ignoreCase;
            for (String value : values) {
                this.values.add(ignoreCase ? value.toLowerCase(Locale.ROOT) : value);
            }
        }

        @Override
        public boolean visit(String value) {
            return values.contains(ignoreCase ? value.toLowerCase(Locale.ROOT) : value);
        }
    }

    static final class Affix implements ValueTest {
        private static final long serialVersionUID = 1L;
        static final int PREFIX = 0;
        static final int SUFFIX = 1;
        static final int CONTAINS = 2;
        private final String[] needles;
        private final boolean ignoreCase;
        private final int mode;

        Affix(List<String> needles, boolean ignoreCase, int mode) {
            this.ignoreCase = ignoreCase;
            this.mode = mode;
            this.needles = needles.stream().map(n -> ignoreCase ? n.toLowerCase(Locale.ROOT) : n).toArray(String[]::new);
        }

        @Override
        public boolean visit(String value) {
            String haystack = ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
            for (String needle : needles) {
                boolean hit = mode == PREFIX ? haystack.startsWith(needle)
                        : mode == SUFFIX ? haystack.endsWith(needle) : haystack.contains(needle);
                if (hit) {
                    return true;
                }
            }
            return false;
        }
    }

    static final class Regex implements ValueTest {
        private static final long serialVersionUID = 1L;
        private final Pattern[] patterns;

        Regex(List<String> regexes, boolean ignoreCase) {
            int flags = ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
            this.patterns = regexes.stream().map(r -> Pattern.compile(r, flags)).toArray(Pattern[]::new);
        }

        @Override
        public boolean visit(String value) {
            for (Pattern pattern : patterns) {
                if (pattern.matcher(value).find()) {
                    return true;
                }
            }
            return false;
        }
    }

    static final class InCidr implements ValueTest {
        private static final long serialVersionUID = 1L;
        private final Cidr[] networks;

        InCidr(List<String> cidrs) {
            this.networks = cidrs.stream().map(Cidr::parse).toArray(Cidr[]::new);
        }

        @Override
        public boolean visit(String value) {
            for (Cidr network : networks) {
                if (network.contains(value)) {
                    return true;
                }
            }
            return false;
        }
    }

    static final class Compare implements ValueTest {
        private static final long serialVersionUID = 1L;
        private final ConditionSpec.Operator operator;
        private final BigDecimal bound;

        Compare(ConditionSpec.Operator operator, BigDecimal bound) {
            this.operator = operator;
            this.bound = bound;
        }

        @Override
        public boolean visit(String value) {
            BigDecimal number = ConditionSpec.parseNumber(value);
            if (number == null) {
                return false;
            }
            int order = number.compareTo(bound);
            switch (operator) {
                case GT:
                    return order > 0;
                case GTE:
                    return order >= 0;
                case LT:
                    return order < 0;
                default:
                    return order <= 0;
            }
        }
    }
}
