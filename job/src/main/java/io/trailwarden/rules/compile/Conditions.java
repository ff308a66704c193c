package io.trailwarden.rules.compile;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.rules.model.Cidr;
import io.trailwarden.rules.model.ConditionSpec.Operator;
import io.trailwarden.rules.model.ConditionSpec;
import io.trailwarden.rules.model.EmbeddedJson;
import io.trailwarden.rules.model.IamNames;
import io.trailwarden.rules.model.Transform;
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
 * prepared here (regexes compiled, CIDRs parsed, case folded, named lists resolved and transformed), so
 * evaluating a condition is string comparisons only.
 */
public final class Conditions {
    private Conditions() {}

    /** The named lists {@code adminEquivalent} takes besides what it knows: groups and managed policies. */
    public static final String ADMIN_GROUPS = "adminGroups";
    public static final String ADMIN_POLICIES = "adminPolicies";

    /** @param lists the named lists of TrailWarden.Lists, by name */
    public static EventCondition compile(ConditionSpec spec, Map<String, List<String>> lists) {
        switch (spec.kind) {
            case ALL:
                return new All(compileAll(spec.children, lists));
            case ANY:
                return new Any(compileAll(spec.children, lists));
            case NOT:
                return new Not(compile(spec.children.get(0), lists));
            case SAME_VALUE:
                return new Values(new FieldRef(spec.field, spec.relative), valueTest(spec, lists));
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
        FieldRef field = new FieldRef(spec.field, spec.relative);
        switch (spec.operator) {
            case EXISTS:
                return new Exists(field, Boolean.parseBoolean(spec.values.get(0)));
            case ANY_ELEMENT:
                return new AnyElement(field, compile(spec.children.get(0), lists));
            case ADMIN_EQUIVALENT:
                boolean group = ConditionSpec.ADMIN_GROUP.equals(spec.values.get(0));
                return new AdminEquivalent(field, group,
                        lists.getOrDefault(group ? ADMIN_GROUPS : ADMIN_POLICIES, List.of()));
            case EQUALS_CAPTURE:
                throw new IllegalArgumentException(spec.operator + " compares with a capture and is compiled by the"
                        + " sequence compiler, not here");
            default:
                ValueTest test = valueTest(spec, lists);
                return test == ALWAYS ? new Constant(true) : new Values(field, test);
        }
    }

    /**
     * The test of one value of the field, after the spec's transform. Named lists and literal operands of
     * the equality operators go through the same transform, so {@code accountOf} compares a list of
     * account ids with principals written as ARNs.
     */
    static ValueTest valueTest(ConditionSpec spec, Map<String, List<String>> lists) {
        if (spec.kind == ConditionSpec.Kind.SAME_VALUE) {
            List<ValueTest> tests = new ArrayList<>();
            for (ConditionSpec child : spec.children) {
                tests.add(valueTest(child, lists));
            }
            return new AllTests(tests);
        }
        Transform transform = spec.transform;
        boolean ignoreCase = spec.ignoresCase();
        ValueTest test;
        switch (spec.operator) {
            case EQUALS:
            case ONE_OF:
                test = new OneOf(transformAll(spec.values, transform), ignoreCase, true);
                break;
            case NOT_EQUALS:
                test = new OneOf(transformAll(spec.values, transform), ignoreCase, false);
                break;
            case IN_LIST:
            case NOT_IN_LIST:
                List<String> list = lists.getOrDefault(spec.values.get(0), List.of());
                if (list.isEmpty() && spec.matchWhenListEmpty) {
                    return ALWAYS;
                }
                test = new OneOf(transformAll(list, transform), ignoreCase, spec.operator == Operator.IN_LIST);
                break;
            case PREFIX:
                test = new Affix(spec.values, ignoreCase, Affix.PREFIX);
                break;
            case SUFFIX:
                test = new Affix(spec.values, ignoreCase, Affix.SUFFIX);
                break;
            case CONTAINS:
                test = new Affix(spec.values, ignoreCase, Affix.CONTAINS);
                break;
            case REGEX:
                test = new Regex(spec.values, ignoreCase);
                break;
            case CIDR:
                test = new InCidr(spec.values);
                break;
            case GT:
            case GTE:
            case LT:
            case LTE:
                test = new Compare(spec.operator, ConditionSpec.parseNumber(spec.values.get(0)));
                break;
            case EQUALS_FIELD:
            case NOT_EQUALS_FIELD:
                test = new OtherField(new FieldRef(spec.values.get(0)), spec.operator == Operator.EQUALS_FIELD,
                        ignoreCase, transform);
                break;
            default:
                throw new IllegalArgumentException(spec.operator + " does not test single values");
        }
        return transform == Transform.NONE ? test : new Transformed(transform, test);
    }

    private static List<String> transformAll(List<String> values, Transform transform) {
        List<String> transformed = new ArrayList<>(values.size());
        for (String value : values) {
            transformed.add(transform.apply(value));
        }
        return transformed;
    }

    /** A test of one scalar value; it is the visitor {@link FieldRef} feeds each value to. */
    interface ValueTest extends FieldRef.Visitor, java.io.Serializable {}

    /** Stands for "every value passes" (an empty list that matches when empty); compiled to a constant. */
    private static final ValueTest ALWAYS = (value, event) -> true;

    static final class All implements EventCondition {
        private static final long serialVersionUID = 1L;
        private final EventCondition[] parts;

        All(List<EventCondition> parts) {
            this.parts = parts.stream().sorted(Comparator.comparingInt(EventCondition::cost))
                    .toArray(EventCondition[]::new);
        }

        @Override
        public boolean test(CloudTrailEvent event, JsonNode scope) {
            for (EventCondition part : parts) {
                if (!part.test(event, scope)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int cost() {
            return Arrays.stream(parts).mapToInt(EventCondition::cost).max().orElse(0);
        }

        /** Every part must hold: the names all constrained parts allow. */
        @Override
        public Set<String> eventNames() {
            Set<String> names = null;
            for (EventCondition part : parts) {
                Set<String> allowed = part.eventNames();
                if (allowed != null) {
                    if (names == null) {
                        names = new HashSet<>(allowed);
                    } else {
                        names.retainAll(allowed);
                    }
                }
            }
            return names;
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
        public boolean test(CloudTrailEvent event, JsonNode scope) {
            for (EventCondition part : parts) {
                if (part.test(event, scope)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public int cost() {
            return Arrays.stream(parts).mapToInt(EventCondition::cost).max().orElse(0);
        }

        /** One part suffices: any name one of them allows, and any name at all if one is unconstrained. */
        @Override
        public Set<String> eventNames() {
            Set<String> names = new HashSet<>();
            for (EventCondition part : parts) {
                Set<String> allowed = part.eventNames();
                if (allowed == null) {
                    return null;
                }
                names.addAll(allowed);
            }
            return names;
        }
    }

    static final class Not implements EventCondition {
        private static final long serialVersionUID = 1L;
        private final EventCondition negated;

        Not(EventCondition negated) {
            this.negated = negated;
        }

        @Override
        public boolean test(CloudTrailEvent event, JsonNode scope) {
            return !negated.test(event, scope);
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
        public boolean test(CloudTrailEvent event, JsonNode scope) {
            return value;
        }

        @Override
        public int cost() {
            return 0;
        }

        @Override
        public Set<String> eventNames() {
            return value ? null : Set.of();
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
        public boolean test(CloudTrailEvent event, JsonNode scope) {
            return field.anyValue(event, scope, test);
        }

        @Override
        public int cost() {
            return (field.isTyped() ? 0 : 2) + (test instanceof Regex ? 1 : 0);
        }

        @Override
        public Set<String> eventNames() {
            return field.isTyped() && field.path.equals("eventName") && test instanceof OneOf
                    ? ((OneOf) test).membersLowerCase() : null;
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
        public boolean test(CloudTrailEvent event, JsonNode scope) {
            return field.exists(event, scope) == expected;
        }

        @Override
        public int cost() {
            return field.isTyped() ? 0 : 2;
        }
    }

    /** In (or, with {@code member} false, not in) a set of values. */
    static final class OneOf implements ValueTest {
        private static final long serialVersionUID = 1L;
        private final Set<String> values = new HashSet<>();
        private final boolean ignoreCase;
        private final boolean member;

        OneOf(List<String> values, boolean ignoreCase, boolean member) {
            this.ignoreCase = ignoreCase;
            this.member = member;
            for (String value : values) {
                this.values.add(ignoreCase ? value.toLowerCase(Locale.ROOT) : value);
            }
        }

        @Override
        public boolean visit(String value, CloudTrailEvent event) {
            return values.contains(ignoreCase ? value.toLowerCase(Locale.ROOT) : value) == member;
        }

        /** The values a passing value is one of, in lower case; null for a test of non-membership. */
        Set<String> membersLowerCase() {
            if (!member) {
                return null;
            }
            Set<String> lower = new HashSet<>();
            for (String value : values) {
                lower.add(value.toLowerCase(Locale.ROOT));
            }
            return lower;
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
        public boolean visit(String value, CloudTrailEvent event) {
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
        public boolean visit(String value, CloudTrailEvent event) {
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
        public boolean visit(String value, CloudTrailEvent event) {
            byte[] address = event.address(value, Cidr::address);
            for (Cidr network : networks) {
                if (network.contains(address)) {
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
        public boolean visit(String value, CloudTrailEvent event) {
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

    /** All tests hold for the same value. */
    static final class AllTests implements ValueTest {
        private static final long serialVersionUID = 1L;
        private final ValueTest[] tests;

        AllTests(List<ValueTest> tests) {
            this.tests = tests.toArray(new ValueTest[0]);
        }

        @Override
        public boolean visit(String value, CloudTrailEvent event) {
            for (ValueTest test : tests) {
                if (!test.visit(value, event)) {
                    return false;
                }
            }
            return true;
        }
    }

    static final class Transformed implements ValueTest {
        private static final long serialVersionUID = 1L;
        private final Transform transform;
        private final ValueTest test;

        Transformed(Transform transform, ValueTest test) {
            this.transform = transform;
            this.test = test;
        }

        @Override
        public boolean visit(String value, CloudTrailEvent event) {
            return test.visit(transform.apply(value), event);
        }
    }

    /**
     * Compares the value with another field of the same record (after the same transform). Both must be
     * present: "the key's user is not the actor" says nothing about a record that names no key user. Equal:
     * some value of the other field is the same; not equal: the other field has values and none is.
     */
    static final class OtherField implements ValueTest {
        private static final long serialVersionUID = 1L;
        private final FieldRef other;
        private final boolean equal;
        private final boolean ignoreCase;
        private final Transform transform;

        OtherField(FieldRef other, boolean equal, boolean ignoreCase, Transform transform) {
            this.other = other;
            this.equal = equal;
            this.ignoreCase = ignoreCase;
            this.transform = transform;
        }

        @Override
        public boolean visit(String value, CloudTrailEvent event) {
            boolean[] present = new boolean[1];
            boolean same = other.anyValue(event, null, (otherValue, unused) -> {
                present[0] = true;
                String compared = transform.apply(otherValue);
                return ignoreCase ? value.equalsIgnoreCase(compared) : value.equals(compared);
            });
            return present[0] && same == equal;
        }
    }

    /** Some element of a list (a single object counts as a list of one) satisfies the inner condition. */
    static final class AnyElement implements EventCondition {
        private static final long serialVersionUID = 1L;
        private final FieldRef list;
        private final EventCondition inner;

        AnyElement(FieldRef list, EventCondition inner) {
            this.list = list;
            this.inner = inner;
        }

        @Override
        public boolean test(CloudTrailEvent event, JsonNode scope) {
            return list.anyNode(event, scope, element -> inner.test(event, element));
        }

        @Override
        public int cost() {
            return 4;
        }
    }

    /**
     * The field holds administrator rights ({@link AdminEquivalence}): for {@code policy}, a policy
     * document (JSON text, URL-encoded text or an object) that grants them, or a managed policy's ARN
     * known or listed to; for {@code group}, a group (name or ARN) listed in {@code adminGroups}.
     * Names and ARNs compare without case. Text that is neither JSON nor a listed name grants nothing.
     */
    static final class AdminEquivalent implements EventCondition {
        private static final long serialVersionUID = 1L;
        private final FieldRef field;
        private final boolean group;
        private final Set<String> listed = new HashSet<>();

        AdminEquivalent(FieldRef field, boolean group, List<String> listed) {
            this.field = field;
            this.group = group;
            for (String entry : listed) {
                this.listed.add(IamNames.fold(entry.trim()));
            }
        }

        @Override
        public boolean test(CloudTrailEvent event, JsonNode scope) {
            return field.anyNode(event, scope, node -> grants(node, event));
        }

        private boolean grants(JsonNode node, CloudTrailEvent event) {
            if (group) {
                return node.isTextual() && listed.contains(IamNames.fold(Transform.NAME_OF.apply(node.asText().trim())));
            }
            if (node.isObject()) {
                return AdminEquivalence.document(node);
            }
            if (!node.isTextual()) {
                return false;
            }
            if (node.asText().length() > AdminEquivalence.MAX_DOCUMENT_CHARS) {
                return true;
            }
            JsonNode document = event.embeddedDocument(node, EmbeddedJson::parse);
            return document.isObject() ? AdminEquivalence.document(document)
                    : AdminEquivalence.managedPolicy(node.asText(), listed);
        }

        @Override
        public int cost() {
            return 4;
        }
    }
}
