package io.trailwarden.rules.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One labelled value a rule's findings carry: the values of some fields across the matched events,
 * optionally transformed and narrowed to the values that satisfy {@code filter}.
 */
public final class ContextField implements Serializable {
    private static final long serialVersionUID = 1L;

    public String label;
    public int line;
    /** Every value of every one of these paths, in event order, without repeats. */
    public List<String> fields = new ArrayList<>();
    public Transform transform = Transform.NONE;
    /** Null, or the operators each (transformed) value must satisfy to be reported, as one field condition. */
    public ConditionSpec filter;
}
