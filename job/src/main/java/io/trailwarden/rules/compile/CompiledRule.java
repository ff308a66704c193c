package io.trailwarden.rules.compile;

import io.trailwarden.event.Actor;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.IdentityType;
import io.trailwarden.event.PrincipalKey;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.finding.Severity;
import io.trailwarden.finding.Target;
import io.trailwarden.rules.model.ResponseSpec;
import io.trailwarden.rules.model.Rule;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    public final String id;
    public final String title;
    public final Severity severity;
    public final List<String> mitre;
    public final Rule.Kind kind;
    public final Duration within;
    public final Duration absentWithin;
    public final int atLeast;
    public final String[] stepNames;
    public final boolean hasAbsentStep;
    final EventCondition[] stepConditions;
    final List<List<CaptureCheck>> captureChecks;
    /** Null entries stand for the actor's principal key. */
    private final FieldRef[] keyFields;
    final FieldRef[] slotFields;
    /** Capture name -> [defining step index, slot]. */
    private final Map<String, int[]> captures;
    public final FieldRef distinctField;
    private final ResponseSpec response;
    private final FieldRef responseField;

    CompiledRule(Rule rule, EventCondition[] stepConditions, List<List<CaptureCheck>> captureChecks,
            FieldRef[] slotFields, Map<String, int[]> captures) {
        this.id = rule.id;
        this.title = rule.title;
        this.severity = rule.severity;
        this.mitre = List.copyOf(rule.mitre);
        this.kind = rule.kind;
        this.within = rule.within;
        this.absentWithin = rule.absentWithin;
        this.atLeast = rule.atLeast;
        this.stepNames = rule.steps.stream().map(step -> step.name).toArray(String[]::new);
        this.hasAbsentStep = rule.absentStep() != null;
        this.stepConditions = stepConditions;
        this.captureChecks = captureChecks;
        this.keyFields = rule.by.stream().map(key -> Rule.ACTOR_KEY.equals(key) ? null : new FieldRef(key))
                .toArray(FieldRef[]::new);
        this.slotFields = slotFields;
        this.captures = captures;
        this.distinctField = rule.distinctField == null ? null : new FieldRef(rule.distinctField);
        this.response = rule.response;
        this.responseField = rule.response.contain == ResponseSpec.Contain.USER_FROM_FIELD
                ? new FieldRef(rule.response.reference) : null;
    }

    /** Operator uids: stable per rule id, so a restart with a changed catalogue keeps the other rules' state. */
    public String uid(String operator) {
        return "rule-" + id + "-" + operator;
    }

    /** Keyed by the acting principal alone: the key the detection stage's input is partitioned by. */
    public boolean keyedByPrincipal() {
        return keyFields.length == 1 && keyFields[0] == null;
    }

    public int positiveStepCount() {
        return hasAbsentStep ? stepNames.length - 1 : stepNames.length;
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
        String value = field.first(event);
        return value == null ? "" : value;
    }

    /** The finding for the matched events (in order) and, for sequences, the events that defined captures. */
    public Finding finding(List<CloudTrailEvent> events, Map<String, RuleEvent> eventsByStep) {
        Finding finding = new Finding();
        finding.ruleId = id;
        finding.title = title;
        finding.severity = severity;
        finding.mitre = new ArrayList<>(mitre);
        finding.events = new ArrayList<>(events);
        finding.findingId = Finding.findingId(id, events);
        finding.actor = events.get(0).actor;
        Target target = target(events, eventsByStep);
        finding.target = target;
        if (response.contain != ResponseSpec.Contain.NONE && target != null) {
            finding.response.add(PlannedAction.of(PlannedAction.Type.CONTAIN, target, false, "rule " + id));
        }
        finding.response.add(PlannedAction.of(PlannedAction.Type.ALERT, target, false, "rule " + id));
        return finding;
    }

    private Target target(List<CloudTrailEvent> events, Map<String, RuleEvent> eventsByStep) {
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
        String account = event.recipientAccountId != null ? event.recipientAccountId
                : event.actor == null ? null : event.actor.accountId;
        String arn = CREATED_USER_ARN.first(event);
        boolean arnOfThisUser = arn != null && arn.endsWith("/" + userName);
        return Target.of(Target.Kind.IAM_USER, userName, arnOfThisUser ? arn : null, account);
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
