package io.trailwarden.rules.compile;

import io.trailwarden.event.CloudTrailEvent;
import java.io.Serializable;

/** A compiled field condition: built once per rule, evaluated per event without reflection or re-parsing. */
public interface EventCondition extends Serializable {
    boolean test(CloudTrailEvent event);

    /** Relative cost, so conjunctions evaluate typed-field checks before JSON-tree walks and regexes. */
    int cost();
}
