package io.trailwarden.config;

import java.io.Serializable;
import java.time.Duration;

/** Property group {@code TrailWarden.Detection}: event time, dedup and rule-window bounds. */
public final class DetectionConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String GROUP = "TrailWarden.Detection";

    /** How late an event may arrive behind the newest one and still take part in sequences. */
    public final Duration outOfOrderness;
    /** A source split quiet this long stops holding the watermark back. */
    public final Duration idleness;
    /** How long an eventID is remembered to drop CloudTrail's duplicate deliveries. */
    public final Duration dedupTtl;
    /** The longest window a rule may declare: bounds the state every sequence and threshold keeps. */
    public final Duration maxRuleWindow;

    public DetectionConfig(Duration outOfOrderness, Duration idleness, Duration dedupTtl, Duration maxRuleWindow) {
        this.outOfOrderness = outOfOrderness;
        this.idleness = idleness;
        this.dedupTtl = dedupTtl;
        this.maxRuleWindow = maxRuleWindow;
    }

    public static DetectionConfig defaults() {
        return read(PropertyGroups.empty(), new java.util.ArrayList<>());
    }

    static DetectionConfig read(PropertyGroups groups, java.util.List<String> errors) {
        GroupReader reader = new GroupReader(groups, GROUP, errors);
        DetectionConfig config = new DetectionConfig(
                reader.duration("outOfOrderness", Duration.ofSeconds(30), Duration.ZERO, Duration.ofHours(24)),
                reader.duration("idleness", Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofHours(1)),
                reader.duration("dedupTtl", Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofDays(2)),
                reader.duration("maxRuleWindow", Duration.ofHours(24), Duration.ofMinutes(1), Duration.ofDays(7)));
        reader.rejectUnknownKeys();
        return config;
    }
}
