package io.trailwarden.rules.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** One embedded test of a rule: raw CloudTrail input, in any shape the parser accepts, and the verdict. */
public final class RuleTestCase implements Serializable {
    private static final long serialVersionUID = 1L;

    public String name;
    public int line;
    public boolean expectAlert;
    /** Optional: the name of the user or role the finding must target. */
    public String expectTarget;
    /** Each element is one input document (a record, an EventBridge envelope, a Records file, JSON lines). */
    public List<String> inputs = new ArrayList<>();
}
