package io.trailwarden.rules.compile;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.event.CloudTrailEvent;
import java.io.Serializable;
import java.util.Set;

/** A compiled field condition: built once per rule, evaluated per event without reflection or re-parsing. */
public interface EventCondition extends Serializable {
    /** @param scope the list element relative paths start at (inside {@code anyElement}); null at the top */
    boolean test(CloudTrailEvent event, JsonNode scope);

    default boolean test(CloudTrailEvent event) {
        return test(event, null);
    }

    /** Relative cost, so conjunctions evaluate typed-field checks before JSON-tree walks and regexes. */
    int cost();

    /**
     * The event names, in lower case, of the events this condition can hold for; null when it can hold
     * whatever the name. Never too narrow: the detection stage does not test a rule on an event whose
     * name is outside it, and tests the rule in full on every other event.
     */
    default Set<String> eventNames() {
        return null;
    }
}
