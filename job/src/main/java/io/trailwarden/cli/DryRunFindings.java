package io.trailwarden.cli;

import io.trailwarden.finding.Finding;
import io.trailwarden.finding.PlannedAction;
import org.apache.flink.api.common.functions.MapFunction;

/** Marks every planned action of a finding dry-run: the local commands plan responses, never carry them out. */
final class DryRunFindings implements MapFunction<Finding, Finding> {
    private static final long serialVersionUID = 1L;
    private final String why;

    DryRunFindings(String why) {
        this.why = why;
    }

    @Override
    public Finding map(Finding finding) {
        for (PlannedAction action : finding.response) {
            action.dryRun = true;
            action.note = why;
        }
        return finding;
    }
}
