package io.trailwarden.rules.model;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/** One step of a rule: the single event of a match or threshold rule, or one named step of a sequence. */
public final class Step implements Serializable {
    private static final long serialVersionUID = 1L;

    public String name;
    public int line;
    public ConditionSpec where;
    /** Capture name -> dotted path of this step's event; later steps compare against it. */
    public Map<String, String> captures = new LinkedHashMap<>();
    /** Only for a sequence's trailing absent step: "not followed by this within ...". */
    public boolean absent;
}
