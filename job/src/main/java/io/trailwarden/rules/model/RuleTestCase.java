package io.trailwarden.rules.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One embedded test of a rule: raw CloudTrail input, in any shape the parser accepts, and the verdict. */
public final class RuleTestCase implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A record of the test corpus, by its eventID, with some fields replaced. */
    public static final class CorpusRecord implements Serializable {
        private static final long serialVersionUID = 1L;
        public String eventId;
        public int line;
        /** Dotted path -> the JSON value it is set to (intermediate objects are created). */
        public Map<String, String> set = new LinkedHashMap<>();
    }

    public String name;
    public int line;
    public boolean expectAlert;
    /** Optional: the name of the user or role the finding must target. */
    public String expectTarget;
    /** Optional: exactly this many findings. */
    public Integer expectFindings;
    /** Optional: context label -> the values some finding must carry under it (exactly these, in any order). */
    public Map<String, List<String>> expectContext = new LinkedHashMap<>();
    /** Each element is one input document (a record, an EventBridge envelope, a Records file, JSON lines). */
    public List<String> inputs = new ArrayList<>();
    /** Records taken from the corpus, in addition to {@link #inputs}. */
    public List<CorpusRecord> corpusRecords = new ArrayList<>();
}
