package io.trailwarden.rules.sigma;

/** The outcome for one Sigma rule: a TrailWarden rule file, or the reason there is none. */
public final class SigmaConversion {
    /** Where the Sigma rule came from: {@code FILE} or {@code FILE#N} for the N-th document of a file. */
    public final String source;
    public final String sigmaTitle;
    /** The TrailWarden rule id (the file name without .yaml); null when not converted. */
    public final String ruleId;
    /** The rule file's text; null when not converted. */
    public final String ruleText;
    /** Why it was not converted; null when converted. */
    public final String reason;
    /** Converted without tests (marked {@code untested} in the rule): no record could be generated. */
    public final boolean untested;

    private SigmaConversion(String source, String sigmaTitle, String ruleId, String ruleText, String reason,
            boolean untested) {
        this.source = source;
        this.sigmaTitle = sigmaTitle;
        this.ruleId = ruleId;
        this.ruleText = ruleText;
        this.reason = reason;
        this.untested = untested;
    }

    static SigmaConversion converted(String source, String title, String ruleId, String ruleText, boolean untested) {
        return new SigmaConversion(source, title, ruleId, ruleText, null, untested);
    }

    static SigmaConversion refused(String source, String title, String reason) {
        return new SigmaConversion(source, title, null, null, reason, false);
    }

    public boolean converted() {
        return ruleText != null;
    }
}
