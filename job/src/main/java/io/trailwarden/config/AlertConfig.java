package io.trailwarden.config;

import java.io.Serializable;
import java.util.List;

/** Property group {@code TrailWarden.Alerts}: where alerts go and how much of an incident they carry. */
public final class AlertConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String GROUP = "TrailWarden.Alerts";

    /** The SNS topic every finding's alert is published to; null when alerts are not configured. */
    public final String topicArn;
    /** Matched events listed in one alert; an incident with more says how many were left out. */
    public final int maxEvents;
    /** Longest attacker-controlled value (user agent, user name) an alert repeats before cutting it. */
    public final int maxFieldChars;

    public AlertConfig(String topicArn, int maxEvents, int maxFieldChars) {
        this.topicArn = topicArn;
        this.maxEvents = maxEvents;
        this.maxFieldChars = maxFieldChars;
    }

    public static AlertConfig defaults() {
        return read(PropertyGroups.empty(), new java.util.ArrayList<>());
    }

    static AlertConfig read(PropertyGroups groups, List<String> errors) {
        GroupReader reader = new GroupReader(groups, GROUP, errors);
        String topicArn = reader.string("topicArn", null);
        if (topicArn != null && !topicArn.matches("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}")) {
            reader.error("topicArn", "is not an SNS topic ARN: '" + topicArn + "'");
        }
        AlertConfig config = new AlertConfig(
                topicArn,
                reader.integer("maxEvents", 50, 1, 1000),
                reader.integer("maxFieldChars", 256, 16, 4096));
        reader.rejectUnknownKeys();
        return config;
    }
}
