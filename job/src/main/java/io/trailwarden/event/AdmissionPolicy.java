package io.trailwarden.event;

import io.trailwarden.config.DetectionConfig;
import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the parser admits beyond well-formed JSON: records that can be genuine CloudTrail, dated no
 * further ahead than clocks drift. Every record it refuses becomes a dead letter naming the reason.
 *
 * <ul>
 *   <li>An EventBridge envelope must come from an AWS service: its {@code source} starts with
 *       {@value #AWS_SOURCE_PREFIX}, a prefix EventBridge refuses to {@code PutEvents} callers, and its
 *       {@code account} is the record's {@code recipientAccountId}. Anyone allowed to put events on a
 *       bus can choose the detail-type; only AWS can choose the source.</li>
 *   <li>A bare record or a {@code Records} file carries no such evidence: where envelopes are the only
 *       thing that should arrive (the production stream), it is refused unless configured.</li>
 *   <li>With expected accounts configured, a record of any other account is refused.</li>
 *   <li>A record dated more than {@code maxClockSkew} after the latest time it can have been written
 *       is refused as future-dated, before it can reach event time: one record dated 2099 would
 *       otherwise move the watermark past everything real. That time is processing time or, for a
 *       record of a CloudTrail delivery file, the end of the minute its name gives as the delivery
 *       time, whichever is earlier: CloudTrail writes a record before delivering it, and in a replay of
 *       an old archive a record dated now would move the watermark past the whole archive. Neither is
 *       the newest event seen, so a replay of an old archive is never future-dated.</li>
 * </ul>
 */
public final class AdmissionPolicy implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String AWS_SOURCE_PREFIX = "aws.";
    /** A delivery file's name gives the minute: the file was delivered before that minute ended. */
    private static final long DELIVERY_MINUTE_MILLIS = 60_000;

    final boolean envelopesOnly;
    /** Empty: any account. */
    final Set<String> expectedAccounts;
    final long maxClockSkewMillis;
    final Clock clock;

    private AdmissionPolicy(boolean envelopesOnly, List<String> expectedAccounts, Duration maxClockSkew, Clock clock) {
        this.envelopesOnly = envelopesOnly;
        this.expectedAccounts = new TreeSet<>(expectedAccounts);
        this.maxClockSkewMillis = maxClockSkew.toMillis();
        this.clock = clock;
    }

    /** Files and archives: S3 delivery files, bare records and envelopes are all admitted. */
    public static AdmissionPolicy archives(DetectionConfig config) {
        return new AdmissionPolicy(false, config.expectedAccounts, config.maxClockSkew, Clock.systemUTC());
    }

    /**
     * The production stream, which EventBridge fills with envelopes: bare records and {@code Records}
     * files are refused unless {@code acceptBareRecords} says a pipeline delivers them.
     */
    public static AdmissionPolicy eventBridgeStream(DetectionConfig config, boolean acceptBareRecords) {
        return new AdmissionPolicy(!acceptBareRecords, config.expectedAccounts, config.maxClockSkew, Clock.systemUTC());
    }

    /** The same policy judging time by {@code clock}; for tests. */
    public AdmissionPolicy withClock(Clock clock) {
        return new AdmissionPolicy(envelopesOnly, List.copyOf(expectedAccounts), Duration.ofMillis(maxClockSkewMillis), clock);
    }

    /**
     * The latest time a genuine record of a unit can have been written, judged once per unit: reading
     * one takes far less than any clock skew.
     *
     * @param deliveryTimeMillis the delivery time the unit's file name gives; null when it gives none
     */
    EventTimeLimit eventTimeLimit(Long deliveryTimeMillis) {
        long now = clock.millis();
        long delivered = deliveryTimeMillis == null ? Long.MAX_VALUE : deliveryTimeMillis + DELIVERY_MINUTE_MILLIS;
        return delivered < now ? new EventTimeLimit(delivered, true) : new EventTimeLimit(now, false);
    }

    /** Processing time, or the end of a delivery file's minute when that is earlier. */
    final class EventTimeLimit {
        private final long referenceMillis;
        private final boolean delivery;

        private EventTimeLimit(long referenceMillis, boolean delivery) {
            this.referenceMillis = referenceMillis;
            this.delivery = delivery;
        }

        /** Why the record is refused for its eventTime, or null when that time is possible. */
        String refusal(CloudTrailEvent event) {
            long ahead = event.eventTimeMillis - referenceMillis;
            if (ahead <= maxClockSkewMillis) {
                return null;
            }
            Instant reference = Instant.ofEpochMilli(referenceMillis);
            return "eventTime " + event.eventTime() + " is " + Duration.ofMillis(ahead).getSeconds() + " s "
                    + (delivery ? "after its file was delivered (by " + reference + ", the end of the minute its name gives)"
                            : "ahead of processing time " + reference)
                    + ", more than maxClockSkew " + Duration.ofMillis(maxClockSkewMillis) + ": "
                    + (delivery ? "CloudTrail delivers a record only after writing it" : "future-dated")
                    + ", kept out of event time";
        }
    }

    @Override
    public String toString() {
        return (envelopesOnly ? "EventBridge envelopes only" : "envelopes, bare records and Records files")
                + (expectedAccounts.isEmpty() ? ", any account" : ", accounts " + expectedAccounts)
                + ", max clock skew " + Duration.ofMillis(maxClockSkewMillis);
    }
}
