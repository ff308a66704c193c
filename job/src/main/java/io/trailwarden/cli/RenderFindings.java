package io.trailwarden.cli;

import io.trailwarden.finding.Finding;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Renders each finding in the output's form inside the job, in parallel, so that what travels to the
 * command through the collect sink is text: the command's one thread then only writes it, and no
 * finding's events are serialized to the client and back.
 *
 * <p>A form may render only the first {@link FindingForm#maxRenderedPerRule} findings of a rule per
 * subtask (the HTML report details at most that many): a subtask's findings reach the command in the
 * order it sent them, so by the time one arrives unrendered, the command already holds that many of
 * the rule's findings before it and details no more of them.
 */
final class RenderFindings extends RichMapFunction<Finding, RenderedFinding> {
    private static final long serialVersionUID = 1L;
    private final FindingForm form;
    private transient Map<String, Integer> renderedPerRule;

    RenderFindings(FindingForm form) {
        this.form = form;
    }

    @Override
    public RenderedFinding map(Finding finding) {
        if (renderedPerRule == null) {
            renderedPerRule = new HashMap<>();
        }
        int rendered = renderedPerRule.getOrDefault(finding.ruleId, 0);
        if (rendered >= form.maxRenderedPerRule()) {
            return RenderedFinding.of(finding, null);
        }
        renderedPerRule.put(finding.ruleId, rendered + 1);
        return RenderedFinding.of(finding, form.render(finding));
    }
}
