package io.trailwarden.rules.model;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** A field condition as written in a rule file, before it is compiled into an {@code EventCondition}. */
public final class ConditionSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        ALL,
        ANY,
        NOT,
        FIELD,
        /** Several operators on one field: they must all hold for one and the same value ({@code children}). */
        SAME_VALUE
    }

    public enum Operator {
        EQUALS("equals"),
        NOT_EQUALS("notEquals"),
        ONE_OF("oneOf"),
        PREFIX("prefix"),
        SUFFIX("suffix"),
        CONTAINS("contains"),
        REGEX("regex"),
        CIDR("cidr"),
        EXISTS("exists"),
        GT("gt"),
        GTE("gte"),
        LT("lt"),
        LTE("lte"),
        EQUALS_FIELD("equalsField"),
        NOT_EQUALS_FIELD("notEqualsField"),
        IN_LIST("inList"),
        NOT_IN_LIST("notInList"),
        EQUALS_CAPTURE("equalsCapture"),
        /** Some element of the list at the field satisfies {@code children.get(0)}, whose paths start at the element. */
        ANY_ELEMENT("anyElement"),
        /** The field holds a policy (or group) that makes its holder an administrator; operand {@code policy} or {@code group}. */
        ADMIN_EQUIVALENT("adminEquivalent");

        public final String yamlName;

        Operator(String yamlName) {
            this.yamlName = yamlName;
        }

        public static Operator fromYaml(String name) {
            for (Operator operator : values()) {
                if (operator.yamlName.equals(name)) {
                    return operator;
                }
            }
            return null;
        }
    }

    public Kind kind;
    public int line;
    public List<ConditionSpec> children = new ArrayList<>();
    public String field;
    public Operator operator;
    /** Operand(s) as text; for EQUALS_FIELD the other path, for IN_LIST the list name, for EQUALS_CAPTURE the capture. */
    public List<String> values = new ArrayList<>();
    public boolean ignoreCase;
    /** Applied to each value of the field (and to the operands it is compared with) before the operator. */
    public Transform transform = Transform.NONE;
    /** The path starts at the list element an enclosing {@code anyElement} is looking at, not at the record. */
    public boolean relative;
    /** For IN_LIST: an empty or unconfigured list matches every value instead of none. */
    public boolean matchWhenListEmpty;

    public static ConditionSpec group(Kind kind, int line, List<ConditionSpec> children) {
        ConditionSpec spec = new ConditionSpec();
        spec.kind = kind;
        spec.line = line;
        spec.children = children;
        return spec;
    }

    public static ConditionSpec field(String field, Operator operator, List<String> values, int line) {
        ConditionSpec spec = new ConditionSpec();
        spec.kind = Kind.FIELD;
        spec.field = field;
        spec.operator = operator;
        spec.values = values;
        spec.line = line;
        return spec;
    }

    /** What {@code adminEquivalent} judges: a policy document or managed policy ARN, or a group name. */
    public static final String ADMIN_POLICY = "policy";
    public static final String ADMIN_GROUP = "group";

    /**
     * Compares without case: when the rule says {@code ignoreCase}, and always on fields that hold IAM
     * user, role or group names ({@link IamNames}), on either side of a field comparison.
     */
    public boolean ignoresCase() {
        return ignoreCase || IamNames.isNameField(field)
                || (comparesFields() && !values.isEmpty() && IamNames.isNameField(values.get(0)));
    }

    /** Operators whose operands are field paths of the record. */
    public boolean comparesFields() {
        return operator == Operator.EQUALS_FIELD || operator == Operator.NOT_EQUALS_FIELD;
    }

    /** The conjuncts a step requires: the children of a top-level {@code all}, or the condition itself. */
    public List<ConditionSpec> conjuncts() {
        if (kind == Kind.ALL) {
            List<ConditionSpec> flat = new ArrayList<>();
            for (ConditionSpec child : children) {
                flat.addAll(child.conjuncts());
            }
            return flat;
        }
        return List.of(this);
    }

    /** A numeric operand as the loader validates it and the compiler compares it; null when not a number. */
    public static BigDecimal parseNumber(String text) {
        try {
            return new BigDecimal(text.trim());
        } catch (NumberFormatException | NullPointerException e) {
            return null;
        }
    }
}
