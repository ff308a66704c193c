package io.trailwarden.cli;

import io.trailwarden.finding.Finding;
import io.trailwarden.finding.Severity;

/**
 * A finding as a local command receives it from the job: rendered in the output's form, with what the
 * command counts and resumes by. Far smaller than the finding, whose events stay in the job. A Flink
 * POJO (public, for its serializer).
 */
public class RenderedFinding {
    public String findingId;
    public String ruleId;
    public Severity severity;
    public boolean incidentUpdate;
    /** Event time of the finding's last event: when the incident became a finding. */
    public long lastEventTimeMillis;
    /** The finding in the output's form; null when a subtask renders no more of the rule's findings. */
    public String text;

    public RenderedFinding() {}

    /** {@code finding}'s identity and counts, with {@code text} as its rendered form (null: not rendered). */
    static RenderedFinding of(Finding finding, String text) {
        RenderedFinding rendered = new RenderedFinding();
        rendered.findingId = finding.findingId;
        rendered.ruleId = finding.ruleId;
        rendered.severity = finding.severity;
        rendered.incidentUpdate = finding.incidentUpdate;
        rendered.lastEventTimeMillis = finding.lastEventTimeMillis();
        rendered.text = text;
        return rendered;
    }
}
