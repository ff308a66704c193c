package io.trailwarden.finding;

import io.trailwarden.event.Actor;
import io.trailwarden.event.CloudTrailEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * A finding as TrailWarden writes it, everywhere: {@code replay --format jsonl}, the terminal, the SNS
 * alert (text and JSON part). Its JSON form is the {@code finding} record of finding.schema.json
 * ({@link FindingJson}); its text form is {@link FindingText}. Every attacker-controlled value is cut to
 * the limit it was built with; how many events were left out is counted, never silent. Event fields keep
 * CloudTrail's names, so a query written for CloudTrail reads the same here.
 */
public final class FindingDocument {
    public static final int SCHEMA_VERSION = 1;
    public static final String TYPE = "finding";
    /** A burst can name thousands of secrets; the alert lists this many and counts the rest. */
    public static final int MAX_CONTEXT_VALUES = 100;

    /** How much of a finding a document repeats: events listed, and characters per value. */
    public static final class Limits {
        /** A person at a terminal: every event, values cut where they would fill the screen. */
        public static final Limits TERMINAL = new Limits(Integer.MAX_VALUE, SafeText.DEFAULT_MAX_CHARS);
        /** Tools reading JSON lines: every event, values cut at the largest bound the alert allows. */
        public static final Limits TOOLS = new Limits(Integer.MAX_VALUE, 4096);

        public final int maxEvents;
        public final int maxFieldChars;

        public Limits(int maxEvents, int maxFieldChars) {
            this.maxEvents = maxEvents;
            this.maxFieldChars = maxFieldChars;
        }
    }

    public final int schemaVersion = SCHEMA_VERSION;
    public final String type = TYPE;
    public String findingId;
    public String ruleId;
    public String title;
    public Severity severity;
    /** ATT&CK tactics of the rule (kebab-case short names). */
    public List<String> tactics = new ArrayList<>();
    public List<String> mitre = new ArrayList<>();
    /** The acting identity, of the first matched event. */
    public Principal principal;
    /** What the response acts on; absent when the rule names none. */
    public Target target;
    /** The account the incident is in: the target's, else the principal's, else {@code unknown}. */
    public String account;
    /**
     * What the rule says its alert must name (the role opened, the outside account, the secrets read),
     * label -> values in the rule's order, at most {@link #MAX_CONTEXT_VALUES} values a label.
     */
    public Map<String, List<String>> context = new LinkedHashMap<>();
    /** Per label, the values left out of {@link #context} beyond {@link #MAX_CONTEXT_VALUES}; absent when none. */
    public Map<String, Integer> contextOmitted;
    public Incident incident;
    public int eventCount;
    /** Events not listed because of the document's limits; {@code eventCount - events.size()}. */
    public int eventsOmitted;
    public List<Event> events = new ArrayList<>();
    /** The response as planned, each step with why it is what it is. */
    public List<Step> response = new ArrayList<>();
    /** Why the rule contains or only alerts, as its author wrote it; absent when no rule made the finding. */
    public String responseReason;
    /** What the response did: absent until it ran (replay, {@code run --local}), present in alerts. */
    public List<AuditRecord> results;
    /** Commands that undo what was contained; present with {@link #results}. */
    public List<String> release;
    /** In alerts: what this alert reports (FINDING, CONTAINED, PARTIAL, FAILED, GAVE_UP). */
    public String alertKind;
    /**
     * In a capped alert: targets of the account the blast-radius cap holds back for a human, the
     * finding's own first, then the newest; as many as fit.
     */
    public List<String> heldBack;
    /** In a capped alert: targets held back but not named in {@link #heldBack}; absent when none. */
    public Integer heldBackOmitted;

    /** What a capped alert can say about the targets the cap holds back. */
    public static final class HeldBack {
        /** Not a capped alert. */
        public static final HeldBack NONE = new HeldBack(List.of(), 0, 0);

        final List<String> targets;
        final int notNamed;
        final int alwaysNamed;

        /**
         * @param targets held-back targets to name, most important first
         * @param notNamed how many more are held than {@code targets} lists
         * @param alwaysNamed how many of the first {@code targets} are named whatever the size: the finding's own
         */
        public HeldBack(List<String> targets, int notNamed, int alwaysNamed) {
            this.targets = List.copyOf(targets);
            this.notNamed = notNamed;
            this.alwaysNamed = Math.min(alwaysNamed, targets.size());
        }
    }

    /** The identity that acted. */
    public static final class Principal {
        /** CloudTrail's userIdentity.type: IAMUser, AssumedRole, Root, ... */
        public String identityType;
        /** The ARN, or the session issuer's for an assumed role. */
        public String arn;
        public String accountId;
        public String userName;
        public String accessKeyId;
        public Boolean mfaAuthenticated;
    }

    /** The incident the finding opens, or closes with {@link #update}: its matches and their time span. */
    public static final class Incident {
        public int matches;
        public String firstEventTime;
        public String lastEventTime;
        public boolean update;
    }

    /** One matched event, in event-time order. */
    public static final class Event {
        public String eventID;
        public String eventTime;
        public String eventName;
        public String eventSource;
        /** The acting identity of this event (it may differ from the finding's in a sequence). */
        public String principal;
        public String sourceIPAddress;
        public String userAgent;
        public String accessKeyId;
        public String awsRegion;
        public String errorCode;
        public String errorMessage;
    }

    /** One planned response step. */
    public static final class Step {
        /** {@link PlannedAction.Type}: CONTAIN or ALERT. */
        public String action;
        public Target target;
        public boolean dryRun;
        public String note;
    }

    /** Every event the limits allow. */
    public static FindingDocument of(Finding finding, Limits limits) {
        return of(finding, limits.maxFieldChars, Math.min(limits.maxEvents, finding.events.size()));
    }

    /** The first {@code shownEvents} events only; the rest are counted in {@link #eventsOmitted}. */
    public static FindingDocument of(Finding finding, int maxFieldChars, int shownEvents) {
        FindingDocument document = new FindingDocument();
        document.findingId = SafeText.cut(finding.findingId, maxFieldChars);
        document.ruleId = SafeText.cut(finding.ruleId, maxFieldChars);
        document.title = SafeText.cut(finding.title, maxFieldChars);
        document.severity = finding.severity;
        finding.tactics.forEach(tactic -> document.tactics.add(SafeText.cut(tactic, maxFieldChars)));
        finding.mitre.forEach(technique -> document.mitre.add(SafeText.cut(technique, maxFieldChars)));
        document.responseReason = finding.responseReason == null ? null : SafeText.cut(finding.responseReason, maxFieldChars);
        document.principal = principal(finding.actor, maxFieldChars);
        document.target = target(finding.target, maxFieldChars);
        document.account = SafeText.cut(account(finding), maxFieldChars);
        for (ContextValue entry : finding.context) {
            List<String> values = new ArrayList<>();
            entry.values.stream().limit(MAX_CONTEXT_VALUES).forEach(value -> values.add(SafeText.cut(value, maxFieldChars)));
            document.context.put(SafeText.cut(entry.label, maxFieldChars), values);
            if (entry.values.size() > MAX_CONTEXT_VALUES) {
                if (document.contextOmitted == null) {
                    document.contextOmitted = new LinkedHashMap<>();
                }
                document.contextOmitted.put(SafeText.cut(entry.label, maxFieldChars), entry.values.size() - MAX_CONTEXT_VALUES);
            }
        }
        document.incident = new Incident();
        document.incident.matches = finding.matches;
        document.incident.firstEventTime = Instant.ofEpochMilli(finding.incidentStart()).toString();
        document.incident.lastEventTime = Instant.ofEpochMilli(finding.incidentEnd()).toString();
        document.incident.update = finding.incidentUpdate;
        document.eventCount = finding.events.size();
        int shown = Math.max(0, Math.min(shownEvents, finding.events.size()));
        document.eventsOmitted = finding.events.size() - shown;
        for (int i = 0; i < shown; i++) {
            document.events.add(event(finding.events.get(i), maxFieldChars));
        }
        for (PlannedAction action : finding.response) {
            Step step = new Step();
            step.action = action.type.name();
            step.target = target(action.target, maxFieldChars);
            step.dryRun = action.dryRun;
            step.note = SafeText.cut(action.note, maxFieldChars);
            document.response.add(step);
        }
        return document;
    }

    /** The document with as many events as fit: {@link #fitting(Finding, Limits, HeldBack, ToIntFunction, int)}. */
    public static FindingDocument fitting(Finding finding, Limits limits, ToIntFunction<FindingDocument> size,
            int maxSize) {
        return fitting(finding, limits, HeldBack.NONE, size, maxSize);
    }

    /**
     * The document with as many held-back targets and events as fit: starting from every target and
     * {@code limits.maxEvents} events, targets beyond {@code heldBack.alwaysNamed} are dropped, then
     * events, a quarter at a time, until {@code size} of the document is at most {@code maxSize}. Targets
     * go first: each was named by the capped alert that held it, while this finding's events are only
     * here. What is left out is counted in {@link #heldBackOmitted} and {@link #eventsOmitted}.
     */
    public static FindingDocument fitting(Finding finding, Limits limits, HeldBack heldBack,
            ToIntFunction<FindingDocument> size, int maxSize) {
        int shownTargets = heldBack.targets.size();
        int shownEvents = Math.min(limits.maxEvents, finding.events.size());
        FindingDocument document = of(finding, limits.maxFieldChars, shownEvents).withHeldBack(heldBack, shownTargets,
                limits.maxFieldChars);
        while (size.applyAsInt(document) > maxSize && (shownTargets > heldBack.alwaysNamed || shownEvents > 0)) {
            if (shownTargets > heldBack.alwaysNamed) {
                shownTargets = Math.max(heldBack.alwaysNamed, lessAQuarter(shownTargets));
            } else {
                shownEvents = lessAQuarter(shownEvents);
            }
            document = of(finding, limits.maxFieldChars, shownEvents).withHeldBack(heldBack, shownTargets,
                    limits.maxFieldChars);
        }
        return document;
    }

    private static int lessAQuarter(int count) {
        return count - Math.max(1, count / 4);
    }

    private FindingDocument withHeldBack(HeldBack held, int shown, int maxFieldChars) {
        if (held.targets.isEmpty() && held.notNamed == 0) {
            return this;
        }
        heldBack = new ArrayList<>();
        held.targets.stream().limit(shown).forEach(target -> heldBack.add(SafeText.cut(target, maxFieldChars)));
        int omitted = held.notNamed + held.targets.size() - shown;
        heldBackOmitted = omitted == 0 ? null : omitted;
        return this;
    }

    /** The response's outcome, for the alert: every action's audit record and the commands to undo it. */
    public FindingDocument withResults(List<AuditRecord> auditRecords, List<String> releaseCommands) {
        this.results = new ArrayList<>(auditRecords);
        this.release = new ArrayList<>(releaseCommands);
        return this;
    }

    /** The alert's kind. */
    public FindingDocument withAlert(String kind) {
        this.alertKind = kind;
        return this;
    }

    private static Principal principal(Actor actor, int maxFieldChars) {
        if (actor == null) {
            return null;
        }
        Principal principal = new Principal();
        principal.identityType = actor.type.cloudTrailName();
        principal.arn = SafeText.cut(actor.principalKey(), maxFieldChars);
        principal.accountId = SafeText.cut(actor.accountId, maxFieldChars);
        principal.userName = SafeText.cut(actor.userName, maxFieldChars);
        principal.accessKeyId = SafeText.cut(actor.accessKeyId, maxFieldChars);
        principal.mfaAuthenticated = actor.mfaAuthenticated;
        return principal;
    }

    private static Target target(Target target, int maxFieldChars) {
        if (target == null) {
            return null;
        }
        return Target.of(target.kind, SafeText.cut(target.name, maxFieldChars), SafeText.cut(target.arn, maxFieldChars),
                SafeText.cut(target.accountId, maxFieldChars));
    }

    private static Event event(CloudTrailEvent source, int maxFieldChars) {
        Event event = new Event();
        event.eventID = SafeText.cut(source.eventId, maxFieldChars);
        event.eventTime = Instant.ofEpochMilli(source.eventTimeMillis).toString();
        event.eventName = SafeText.cut(source.eventName, maxFieldChars);
        event.eventSource = SafeText.cut(source.eventSource, maxFieldChars);
        event.principal = source.actor == null ? null : SafeText.cut(source.actor.principalKey(), maxFieldChars);
        event.sourceIPAddress = SafeText.cut(source.sourceIpAddress, maxFieldChars);
        event.userAgent = SafeText.cut(source.userAgent, maxFieldChars);
        event.accessKeyId = source.actor == null ? null : SafeText.cut(source.actor.accessKeyId, maxFieldChars);
        event.awsRegion = SafeText.cut(source.awsRegion, maxFieldChars);
        event.errorCode = SafeText.cut(source.errorCode, maxFieldChars);
        event.errorMessage = SafeText.cut(source.errorMessage, maxFieldChars);
        return event;
    }

    private static String account(Finding finding) {
        if (finding.target != null && finding.target.accountId != null) {
            return finding.target.accountId;
        }
        if (finding.actor != null && finding.actor.accountId != null) {
            return finding.actor.accountId;
        }
        return "unknown";
    }
}
