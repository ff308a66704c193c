package io.trailwarden.rules.model;

import io.trailwarden.finding.Severity;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A rule as loaded and validated from its YAML file. */
public final class Rule implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        MATCH,
        THRESHOLD,
        SEQUENCE
    }

    /** The {@code by} key that stands for the acting identity ({@link io.trailwarden.event.Actor#principalKey()}). */
    public static final String ACTOR_KEY = "actor";

    public String file;
    public String id;
    public String title;
    public String description;
    public Severity severity;
    /** ATT&CK enterprise tactics (kebab-case short names, such as {@code privilege-escalation}). */
    public List<String> tactics = new ArrayList<>();
    public List<String> mitre = new ArrayList<>();
    public List<String> references = new ArrayList<>();
    public List<String> falsePositives = new ArrayList<>();
    public String runbook;

    public Kind kind;
    /** MATCH and THRESHOLD: exactly one step; SEQUENCE: the ordered steps, an absent step last. */
    public List<Step> steps = new ArrayList<>();
    public List<String> by = new ArrayList<>();
    public Duration within;
    public Duration absentWithin;
    public int atLeast;
    /**
     * THRESHOLD: count distinct values instead of events. Fields that name one thing in different APIs
     * (aliases); each event contributes every value (all list elements) of the first of them it has.
     */
    public List<String> distinctFields = new ArrayList<>();

    /** What findings and alerts carry besides the events, in the rule's order. */
    public List<ContextField> context = new ArrayList<>();
    /** What the finding is about; null: the containment target (or none). */
    public TargetSpec target;

    public ResponseSpec response = new ResponseSpec();
    /**
     * How long an incident stays open after its last match: later findings of the same rule, key and
     * target within it are counted into the incident instead of emitted. Null: the kind's default.
     */
    public Duration suppress;
    /**
     * Why the rule has no embedded tests, for rules loaded from a Sigma file for which none could be
     * generated; null for every rule that has tests (all hand-written ones must).
     */
    public String untested;
    public List<RuleTestCase> tests = new ArrayList<>();

    /** A burst is one incident for an hour: a scripted sweep re-crosses its threshold every few seconds. */
    public static final Duration THRESHOLD_SUPPRESSION = Duration.ofHours(1);
    /** Repeated single-event matches of one principal against one target, e.g. the pages of one bulk read. */
    public static final Duration MATCH_SUPPRESSION = Duration.ofMinutes(15);

    /**
     * The suppression period in force. Sequences default to none: each completed sequence is already one
     * incident ({@code IncidentFindings}), and a second backdoor built for the same target is news.
     */
    public Duration suppressionPeriod() {
        if (suppress != null) {
            return suppress;
        }
        switch (kind) {
            case MATCH:
                return MATCH_SUPPRESSION;
            case THRESHOLD:
                return THRESHOLD_SUPPRESSION;
            default:
                return Duration.ZERO;
        }
    }

    /** The steps that must happen (a sequence's absent step excluded). */
    public List<Step> positiveSteps() {
        List<Step> positive = new ArrayList<>();
        for (Step step : steps) {
            if (!step.absent) {
                positive.add(step);
            }
        }
        return positive;
    }

    public Step absentStep() {
        Step last = steps.isEmpty() ? null : steps.get(steps.size() - 1);
        return last != null && last.absent ? last : null;
    }
}
