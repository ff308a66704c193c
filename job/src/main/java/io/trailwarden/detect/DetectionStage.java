package io.trailwarden.detect;

import io.trailwarden.event.CloudTrailEvent;
import java.io.Serializable;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Turns events into findings. The events it receives are parsed, deduplicated by eventID and carry
 * event-time timestamps and watermarks; late events are still in the stream (single-event rules must
 * see them: a late {@code CreateUser} is still a backdoor). Implementations give every operator they
 * add a stable {@code uid} derived from the rule id, so a changed catalogue keeps the state of the
 * rules that did not change.
 */
public interface DetectionStage extends Serializable {
    DataStream<Finding> apply(DataStream<CloudTrailEvent> events);
}
