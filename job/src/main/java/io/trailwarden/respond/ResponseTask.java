package io.trailwarden.respond;

import io.trailwarden.finding.Finding;
import io.trailwarden.finding.ListTypeInfoFactory;
import io.trailwarden.finding.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One action waiting for, or between, attempts: a containment of one target or one alert. Kept in the
 * responder's keyed state, so a failed or interrupted action is retried after a restart too. A Flink POJO.
 */
public class ResponseTask {
    public enum Kind { CONTAIN, ALERT }

    /** What an alert reports; every kind but FINDING follows a containment. */
    public enum AlertKind {
        /** The finding itself, sent before any containment runs. */
        FINDING,
        CONTAINED,
        /** Escalated: part of the containment does not hold; it is being retried. */
        PARTIAL,
        /** Escalated: the containment failed; it is being retried. */
        FAILED,
        /** Escalated: retries ran out ({@code retryFor}); a human has to act. */
        GAVE_UP
    }

    public Kind kind = Kind.ALERT;
    /** The responder's key: one target (CONTAIN), one alert (ALERT). */
    public String key;
    public Finding finding;
    /** CONTAIN: the step to carry out. */
    public PlannedStep step;
    public AlertKind alertKind = AlertKind.FINDING;
    /** ALERT: the actions to report. */
    @TypeInfo(ListTypeInfoFactory.class)
    public List<ActionResult> results = new ArrayList<>();
    /** ALERT: the targets of the account the blast-radius cap holds back that the alert names, this finding's first. */
    @TypeInfo(ListTypeInfoFactory.class)
    public List<String> heldBack = new ArrayList<>();
    /** ALERT: how many more targets the cap holds back than {@link #heldBack} names. */
    public int heldBackNotNamed;
    /** CONTAIN: when the cap admitted it; a role's sessions issued before this are revoked. */
    public long admittedAtMillis;
    /** CONTAIN: later findings for the same target, reported with this containment's outcome. */
    @TypeInfo(ListTypeInfoFactory.class)
    public List<String> joinedFindings = new ArrayList<>();
    /** CONTAIN: the latest cut-off of the findings that joined (0: none); a role's sessions issued before it are revoked too. */
    public long joinedCutoffMillis;
    public int attempts;
    public long firstAttemptMillis;
    public long nextAttemptMillis;

    public ResponseTask() {}

    public static ResponseTask contain(Finding finding, PlannedStep step, long admittedAtMillis) {
        ResponseTask task = new ResponseTask();
        task.kind = Kind.CONTAIN;
        task.key = targetKey(step.target);
        task.finding = finding;
        task.step = step;
        task.admittedAtMillis = admittedAtMillis;
        return task;
    }

    public static ResponseTask alert(Finding finding, AlertKind alertKind, String about, List<ActionResult> results,
            List<String> heldBack, int heldBackNotNamed) {
        ResponseTask task = new ResponseTask();
        task.kind = Kind.ALERT;
        task.key = "alert|" + finding.findingId + "|" + alertKind + "|" + about;
        task.finding = finding;
        task.alertKind = alertKind;
        task.results = new ArrayList<>(results);
        task.heldBack = new ArrayList<>(heldBack);
        task.heldBackNotNamed = heldBackNotNamed;
        return task;
    }

    /**
     * CONTAIN: {@code later}, for the same target, is covered by this containment's next attempt: its
     * findings are reported with this one's outcome, and the cut-off becomes the later of theirs, so the
     * role's deny covers every session any of them saw.
     */
    void join(ResponseTask later) {
        joinFinding(later.finding.findingId);
        later.joinedFindings.forEach(this::joinFinding);
        joinedCutoffMillis = Math.max(joinedCutoffMillis, ResponseExecutor.cutoff(later).toEpochMilli());
    }

    private void joinFinding(String findingId) {
        if (!finding.findingId.equals(findingId) && !joinedFindings.contains(findingId)) {
            joinedFindings.add(findingId);
        }
    }

    /** CONTAIN: joining {@code later}, a new finding, would change nothing: it is reported already, its cut-off is no later. */
    boolean covers(ResponseTask later) {
        String id = later.finding.findingId;
        return (finding.findingId.equals(id) || joinedFindings.contains(id))
                && !ResponseExecutor.cutoff(later).isAfter(ResponseExecutor.cutoff(this));
    }

    /** ALERT: the same alert again (a replay), not another one that shares its key. */
    boolean sameAlert(ResponseTask other) {
        return alertKind == other.alertKind && finding.equals(other.finding);
    }

    /** IAM names are unique case-insensitively: {@code Backdoor} and {@code backdoor} are one target. */
    public static String targetKey(Target target) {
        return "contain|" + target.accountId + "|" + target.kind + "|"
                + (target.name == null ? "" : target.name.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return kind + " " + key + " attempts " + attempts;
    }
}
