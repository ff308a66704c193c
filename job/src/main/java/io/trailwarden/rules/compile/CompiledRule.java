package io.trailwarden.rules.compile;

import io.trailwarden.event.Actor;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.IdentityType;
import io.trailwarden.event.PrincipalKey;
import io.trailwarden.finding.ContextValue;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.finding.Severity;
import io.trailwarden.finding.Target;
import io.trailwarden.rules.model.ContextField;
import io.trailwarden.rules.model.ResponseSpec;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.model.TargetSpec;
import io.trailwarden.rules.model.Transform;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One rule, compiled: the conditions of each step, the key, the value slots captures need, and how a
 * finding is built. Serializable: Flink ships it inside the rule's operators.
 */
public final class CompiledRule implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Separates the parts of a composite key; cannot occur in CloudTrail's JSON text values. */
    private static final char KEY_SEPARATOR = '\u001f';

    /** A later step's field that must equal a capture of an earlier step. */
    static final class CaptureCheck implements Serializable {
        private static final long serialVersionUID = 1L;
        final int ownSlot;
        final String definingStep;
        final int definingSlot;
        final boolean ignoreCase;

        CaptureCheck(int ownSlot, String definingStep, int definingSlot, boolean ignoreCase) {
            this.ownSlot = ownSlot;
            this.definingStep = definingStep;
            this.definingSlot = definingSlot;
            this.ignoreCase = ignoreCase;
        }

        boolean holds(RuleEvent candidate, RuleEvent defining) {
            String own = candidate.values[ownSlot];
            String captured = defining.values[definingSlot];
            if (own == null || captured == null) {
                return false;
            }
            return ignoreCase ? own.equalsIgnoreCase(captured) : own.equals(captured);
        }
    }

    /** A context entry, compiled. */
    static final class Context implements Serializable {
        private static final long serialVersionUID = 1L;
        final String label;
        final FieldRef[] fields;
        final Transform transform;
        /** Null: every value is reported. */
        final Conditions.ValueTest filter;

        Context(String label, FieldRef[] fields, Transform transform, Conditions.ValueTest filter) {
            this.label = label;
            this.fields = fields;
            this.transform = transform;
            this.filter = filter;
        }
    }

    /** At most this many values per context label: a finding stays small whatever an event lists. */
    static final int MAX_CONTEXT_VALUES = 50;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]+)\\}");

    /** Every per-rule operator's uid starts with it, and no other uid of the job does. */
    public static final String UID_PREFIX = "rule-";

    public final String id;
    /** {@link DetectionFingerprint} of the rule as loaded. */
    public final String fingerprint;
    public final String title;
    public final Severity severity;
    public final List<String> tactics;
    public final List<String> mitre;
    public final Rule.Kind kind;
    public final Duration within;
    public final Duration absentWithin;
    public final int atLeast;
    public final String[] stepNames;
    public final boolean hasAbsentStep;
    /** How long an incident stays open after its last match; zero: every finding is emitted. */
    public final Duration suppression;
    final EventCondition[] stepConditions;
    final List<List<CaptureCheck>> captureChecks;
    /** Null entries stand for the actor's principal key. */
    private final FieldRef[] keyFields;
    final FieldRef[] slotFields;
    /** Capture name -> [defining step index, slot]. */
    private final Map<String, int[]> captures;
    /** Threshold aliases of one counted thing; empty when the rule counts events. */
    private final FieldRef[] distinctFields;
    private final ResponseSpec response;
    private final FieldRef responseField;
    private final List<Context> context;
    private final TargetSpec targetSpec;
    private final FieldRef targetName;
    private final FieldRef targetArn;

    CompiledRule(Rule rule, EventCondition[] stepConditions, List<List<CaptureCheck>> captureChecks,
            FieldRef[] slotFields, Map<String, int[]> captures, List<Context> context) {
        this.id = rule.id;
        this.fingerprint = DetectionFingerprint.of(rule);
        this.title = rule.title;
        this.severity = rule.severity;
        this.tactics = List.copyOf(rule.tactics);
        this.mitre = List.copyOf(rule.mitre);
        this.kind = rule.kind;
        this.within = rule.within;
        this.absentWithin = rule.absentWithin;
        this.atLeast = rule.atLeast;
        this.stepNames = rule.steps.stream().map(step -> step.name).toArray(String[]::new);
        this.hasAbsentStep = rule.absentStep() != null;
        this.suppression = rule.suppressionPeriod();
        this.stepConditions = stepConditions;
        this.captureChecks = captureChecks;
        this.keyFields = rule.by.stream().map(key -> Rule.ACTOR_KEY.equals(key) ? null : new FieldRef(key))
                .toArray(FieldRef[]::new);
        this.slotFields = slotFields;
        this.captures = captures;
        this.distinctFields = rule.distinctFields.stream().map(FieldRef::new).toArray(FieldRef[]::new);
        this.response = rule.response;
        this.responseField = rule.response.contain == ResponseSpec.Contain.USER_FROM_FIELD
                ? new FieldRef(rule.response.reference) : null;
        this.context = List.copyOf(context);
        this.targetSpec = rule.target;
        this.targetName = rule.target == null || rule.target.name == null ? null : new FieldRef(rule.target.name);
        this.targetArn = rule.target == null || rule.target.arn == null ? null : new FieldRef(rule.target.arn);
    }

    public boolean countsDistinct() {
        return distinctFields.length > 0;
    }

    /**
     * What the event adds to a distinct count: every value (all list elements) of the first alias the
     * event has, without repeats; empty when it has none of them.
     */
    public String[] distinctValues(CloudTrailEvent event) {
        for (FieldRef alias : distinctFields) {
            List<String> values = alias.identities(event);
            if (!values.isEmpty()) {
                return new LinkedHashSet<>(values).toArray(new String[0]);
            }
        }
        return new String[0];
    }

    /**
     * Uid of an operator of the rule's detection (side output, late path, sequence, threshold, one finding per
     * incident, ...): the rule id and its {@link DetectionFingerprint}. A restart with a changed
     * catalogue keeps the state of every rule whose detection did not change, and starts an edited
     * detection with empty state instead of restoring partial matches of another pattern into it.
     */
    public String uid(String operator) {
        return UID_PREFIX + id + "-" + fingerprint + "-" + operator;
    }

    /** Keyed by the acting principal alone: the key the detection stage's input is partitioned by. */
    public boolean keyedByPrincipal() {
        return keyFields.length == 1 && keyFields[0] == null;
    }

    /**
     * How far apart in event time the events of one match may be: the window, plus the absent step's
     * when there is one (absence is looked for that much after the last positive step).
     */
    public Duration span() {
        return hasAbsentStep ? within.plus(absentWithin) : within;
    }

    public int positiveStepCount() {
        return hasAbsentStep ? stepNames.length - 1 : stepNames.length;
    }

    /**
     * The event names, in lower case, of the events any step of the rule can match; null when a step can
     * match whatever the name (see {@link EventCondition#eventNames}).
     */
    public Set<String> eventNames() {
        return new Conditions.Any(List.of(stepConditions)).eventNames();
    }

    /** The rule's view of the event, or null when it satisfies none of the rule's steps. */
    public RuleEvent prefilter(CloudTrailEvent event) {
        int matched = 0;
        for (int step = 0; step < stepConditions.length; step++) {
            if (stepConditions[step].test(event)) {
                matched |= 1 << step;
            }
        }
        if (matched == 0) {
            return null;
        }
        RuleEvent ruleEvent = new RuleEvent();
        ruleEvent.event = event;
        ruleEvent.steps = matched;
        ruleEvent.firstStep = Integer.numberOfTrailingZeros(matched);
        ruleEvent.key = keyOf(event);
        ruleEvent.values = new String[slotFields.length];
        for (int slot = 0; slot < slotFields.length; slot++) {
            ruleEvent.values[slot] = slotFields[slot].first(event);
        }
        if (countsDistinct()) {
            ruleEvent.distinct = distinctValues(event);
        }
        return ruleEvent;
    }

    /** For match rules: the fast path needs no key and no slots. */
    public boolean matchesSingle(CloudTrailEvent event) {
        return stepConditions[0].test(event);
    }

    /** The key the rule groups events by; every event of one match has the same. */
    public String keyOf(CloudTrailEvent event) {
        if (keyFields.length == 1) {
            return keyPart(keyFields[0], event);
        }
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < keyFields.length; i++) {
            if (i > 0) {
                key.append(KEY_SEPARATOR);
            }
            key.append(keyPart(keyFields[i], event));
        }
        return key.toString();
    }

    private static String keyPart(FieldRef field, CloudTrailEvent event) {
        if (field == null) {
            return PrincipalKey.of(event);
        }
        String value = field.firstIdentity(event);
        return value == null ? "" : value;
    }

    /** The finding for the matched events (in order) and, for sequences, the events that defined captures. */
    public Finding finding(List<CloudTrailEvent> events, Map<String, RuleEvent> eventsByStep) {
        Finding finding = new Finding();
        finding.ruleId = id;
        finding.severity = severity;
        finding.tactics = new ArrayList<>(tactics);
        finding.mitre = new ArrayList<>(mitre);
        finding.responseReason = response.reason;
        finding.events = new ArrayList<>(events);
        finding.findingId = Finding.findingId(id, events);
        finding.actor = principal(events, eventsByStep);
        for (Context entry : context) {
            finding.context.add(ContextValue.of(entry.label, contextValues(entry, events)));
        }
        finding.title = title(finding);
        Target contained = containTarget(events, eventsByStep);
        Target target = targetSpec == null ? contained : declaredTarget(events);
        finding.target = target;
        if (response.contain != ResponseSpec.Contain.NONE && contained != null) {
            finding.response.add(PlannedAction.of(PlannedAction.Type.CONTAIN, contained, false, "rule " + id));
        }
        finding.response.add(PlannedAction.of(PlannedAction.Type.ALERT, target, false, "rule " + id));
        return finding;
    }

    /** Every value of the entry's fields across the events, in order, without repeats, at most a bounded number. */
    private static List<String> contextValues(Context entry, List<CloudTrailEvent> events) {
        Set<String> values = new LinkedHashSet<>();
        int more = 0;
        for (CloudTrailEvent event : events) {
            for (FieldRef field : entry.fields) {
                for (String value : field.values(event)) {
                    if (entry.filter != null && !entry.filter.visit(value, event)) {
                        continue;
                    }
                    String reported = entry.transform.apply(value);
                    if (values.size() < MAX_CONTEXT_VALUES) {
                        values.add(reported);
                    } else if (!values.contains(reported)) {
                        more++;
                    }
                }
            }
        }
        List<String> list = new ArrayList<>(values);
        if (more > 0) {
            list.add("(+" + more + " more)");
        }
        return list;
    }

    /** The title with each {label} replaced by that context entry's values. */
    private String title(Finding finding) {
        if (title.indexOf('{') < 0) {
            return title;
        }
        Matcher placeholder = PLACEHOLDER.matcher(title);
        StringBuilder text = new StringBuilder();
        while (placeholder.find()) {
            List<String> values = finding.context(placeholder.group(1));
            placeholder.appendReplacement(text, Matcher.quoteReplacement(
                    values.isEmpty() ? "(none)" : String.join(", ", values)));
        }
        placeholder.appendTail(text);
        return text.toString();
    }

    /** The target the rule declares, named by the last matched event that has the name (or ARN). */
    private Target declaredTarget(List<CloudTrailEvent> events) {
        if (targetSpec.kind == TargetSpec.Kind.ACTOR) {
            return actorTarget(events.get(0).actor);
        }
        for (int i = events.size() - 1; i >= 0; i--) {
            CloudTrailEvent event = events.get(i);
            String name = targetName == null ? null : targetName.first(event);
            String arn = targetArn == null ? null : targetArn.first(event);
            if (name == null && arn == null) {
                continue;
            }
            if (name == null) {
                name = Transform.NAME_OF.apply(arn);
            }
            if (targetSpec.kind == TargetSpec.Kind.USER && arn == null) {
                return userTarget(name, event);
            }
            Target.Kind kind = targetSpec.kind == TargetSpec.Kind.USER ? Target.Kind.IAM_USER
                    : targetSpec.kind == TargetSpec.Kind.ROLE ? Target.Kind.IAM_ROLE : Target.Kind.OTHER;
            return Target.of(kind, name, arn, accountOf(event));
        }
        return null;
    }

    private static String accountOf(CloudTrailEvent event) {
        return event.recipientAccountId != null ? event.recipientAccountId
                : event.actor == null ? null : event.actor.accountId;
    }

    /** Who the finding is about: the first call's actor, or the named step's when the rule contains that one. */
    private Actor principal(List<CloudTrailEvent> events, Map<String, RuleEvent> eventsByStep) {
        RuleEvent step = response.contain == ResponseSpec.Contain.ACTOR_OF_STEP && eventsByStep != null
                ? eventsByStep.get(response.reference) : null;
        return step != null ? step.event.actor : events.get(0).actor;
    }

    private Target containTarget(List<CloudTrailEvent> events, Map<String, RuleEvent> eventsByStep) {
        CloudTrailEvent first = events.get(0);
        switch (response.contain) {
            case ACTOR:
                return actorTarget(first.actor);
            case USER_FROM_FIELD:
                for (int i = events.size() - 1; i >= 0; i--) {
                    String name = responseField.first(events.get(i));
                    if (name != null) {
                        return userTarget(name, events.get(i));
                    }
                }
                return null;
            case USER_FROM_CAPTURE:
                int[] definition = captures.get(response.reference);
                RuleEvent defining = eventsByStep == null ? null : eventsByStep.get(stepNames[definition[0]]);
                String name = defining == null ? null : defining.values[definition[1]];
                return name == null ? null : userTarget(name, defining.event);
            case ACTOR_OF_STEP:
                RuleEvent step = eventsByStep == null ? null : eventsByStep.get(response.reference);
                return step == null ? null : actorTarget(step.event.actor);
            default:
                return null;
        }
    }

    private static final FieldRef CREATED_USER_ARN = new FieldRef("responseElements.user.arn");

    /**
     * The user's ARN is known only when the record states it (CreateUser's response does): it holds
     * the user's path, which the name alone does not give. Responders act by name.
     */
    private static Target userTarget(String userName, CloudTrailEvent event) {
        String arn = CREATED_USER_ARN.first(event);
        boolean arnOfThisUser = arn != null && arn.endsWith("/" + userName);
        return Target.of(Target.Kind.IAM_USER, userName, arnOfThisUser ? arn : null, accountOf(event));
    }

    static Target actorTarget(Actor actor) {
        if (actor == null) {
            return null;
        }
        if (actor.type == IdentityType.IAM_USER) {
            return Target.of(Target.Kind.IAM_USER, actor.userName, actor.arn, actor.accountId);
        }
        if (actor.type == IdentityType.ASSUMED_ROLE) {
            return Target.of(Target.Kind.IAM_ROLE, actor.sessionIssuerName, actor.sessionIssuerArn, actor.accountId);
        }
        if (actor.type == IdentityType.ROOT) {
            return Target.of(Target.Kind.ROOT, "root", actor.arn, actor.accountId);
        }
        return Target.of(Target.Kind.OTHER, actor.userName, actor.arn, actor.accountId);
    }
}
