package io.trailwarden.event;

import org.apache.flink.api.java.functions.KeySelector;

/**
 * The acting principal of an event ({@link io.trailwarden.event.Actor#principalKey()}): what dedup is
 * keyed by, and the key of every rule that groups {@code by: actor}. One definition for both, because
 * those rules reuse dedup's partitioning instead of shuffling again (see the pipeline's {@code TrailWardenTopology}),
 * which is only correct while both compute exactly the same key.
 */
public final class PrincipalKey implements KeySelector<CloudTrailEvent, String> {
    private static final long serialVersionUID = 1L;

    public static String of(CloudTrailEvent event) {
        return event.actor == null ? "" : event.actor.principalKey();
    }

    @Override
    public String getKey(CloudTrailEvent event) {
        return of(event);
    }
}
