package io.trailwarden.detect;

import io.trailwarden.config.ResponseConfig;
import io.trailwarden.event.CloudTrailEvent;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The one rule the job has before the rule language exists: an IAM user created by a principal that
 * is not an allowed provisioner. A single-event rule, so it runs without keyBy or event-time state
 * and emits as soon as the event is read, never waiting for a watermark.
 */
public final class SeedRuleDetection implements DetectionStage {
    private static final long serialVersionUID = 1L;

    private final ResponseConfig response;

    public SeedRuleDetection(ResponseConfig response) {
        this.response = response;
    }

    @Override
    public DataStream<Finding> apply(DataStream<CloudTrailEvent> events) {
        return events.process(new CreateUserRule(response.allowedProvisioners, response.dryRun))
                .uid("rule-" + CreateUserRule.RULE_ID)
                .name("Rule " + CreateUserRule.RULE_ID);
    }
}
