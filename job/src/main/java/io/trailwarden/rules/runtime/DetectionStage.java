package io.trailwarden.rules.runtime;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.PrincipalKey;
import io.trailwarden.finding.Finding;
import java.io.Serializable;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Turns events into findings. The events it receives are parsed, deduplicated and carry event-time
 * timestamps and watermarks, and are partitioned by {@link PrincipalKey} (the topology's dedup is keyed
 * by it and forward-connected to detection; other callers pass a stream keyed by it): rules keyed by
 * the principal rely on that instead of shuffling. Late events are still in the stream (single-event
 * rules must see them: a late {@code CreateUser} is still a backdoor). Implementations give every
 * operator they add a stable {@code uid} that starts with {@link
 * io.trailwarden.rules.compile.CompiledRule#UID_PREFIX}: a rule's operators derive it from the rule id
 * and its detection's fingerprint, so a changed catalogue keeps the state of the rules that did not
 * change, and the catalogue-wide ones have fixed uids; the job can thus tell detection state from the
 * core operators'.
 */
public interface DetectionStage extends Serializable {
    DataStream<Finding> apply(DataStream<CloudTrailEvent> events);
}
