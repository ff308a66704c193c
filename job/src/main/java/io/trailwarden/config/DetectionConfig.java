package io.trailwarden.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
    /** How far ahead of processing time a record may be dated before it is refused as future-dated. */
    public final Duration maxClockSkew;
    /** The accounts whose records are admitted; empty admits any account. */
    public final List<String> expectedAccounts;
    /**
     * How far behind the watermark an event may arrive and still complete sequences and count in
     * thresholds (through the late path); zero turns the late path off.
     */
    public final Duration allowedLateness;

    /** With the default clock skew and no expected accounts. */
    public DetectionConfig(Duration outOfOrderness, Duration idleness, Duration dedupTtl, Duration maxRuleWindow) {
        this(outOfOrderness, idleness, dedupTtl, maxRuleWindow, DEFAULT_MAX_CLOCK_SKEW, List.of());
    }

    public DetectionConfig(Duration outOfOrderness, Duration idleness, Duration dedupTtl, Duration maxRuleWindow,
            Duration maxClockSkew, List<String> expectedAccounts) {
        this(outOfOrderness, idleness, dedupTtl, maxRuleWindow, maxClockSkew, expectedAccounts,
                DEFAULT_ALLOWED_LATENESS);
    }

    public DetectionConfig(Duration outOfOrderness, Duration idleness, Duration dedupTtl, Duration maxRuleWindow,
            Duration maxClockSkew, List<String> expectedAccounts, Duration allowedLateness) {
        this.allowedLateness = allowedLateness;
        this.outOfOrderness = outOfOrderness;
        this.idleness = idleness;
        this.dedupTtl = dedupTtl;
        this.maxRuleWindow = maxRuleWindow;
        this.maxClockSkew = maxClockSkew;
        this.expectedAccounts = List.copyOf(expectedAccounts);
    }

    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** EventBridge retries a delivery for up to 24 hours. */
    public static final Duration DEFAULT_ALLOWED_LATENESS = Duration.ofHours(24);

    public static DetectionConfig defaults() {
        return read(PropertyGroups.empty(), new ArrayList<>());
    }

    static DetectionConfig read(PropertyGroups groups, List<String> errors) {
        GroupReader reader = new GroupReader(groups, GROUP, errors);
        DetectionConfig config = new DetectionConfig(
                reader.duration("outOfOrderness", Duration.ofSeconds(30), Duration.ZERO, Duration.ofHours(24)),
                reader.duration("idleness", Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofHours(1)),
                reader.duration("dedupTtl", Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofDays(2)),
                reader.duration("maxRuleWindow", Duration.ofHours(24), Duration.ofMinutes(1), Duration.ofDays(7)),
                reader.duration("maxClockSkew", DEFAULT_MAX_CLOCK_SKEW, Duration.ZERO, Duration.ofHours(1)),
                expectedAccounts(reader),
                reader.duration("allowedLateness", DEFAULT_ALLOWED_LATENESS, Duration.ZERO, Duration.ofDays(2)));
        reader.rejectUnknownKeys();
        return config;
    }

    private static List<String> expectedAccounts(GroupReader reader) {
        List<String> accounts = reader.list("expectedAccounts", List.of());
        for (String account : accounts) {
            if (!account.matches("\\d{12}")) {
                reader.error("expectedAccounts", "'" + account + "' is not a 12-digit account id");
            }
        }
        return accounts;
    }
}
