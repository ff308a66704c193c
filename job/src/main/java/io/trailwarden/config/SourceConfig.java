package io.trailwarden.config;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * Property group {@code TrailWarden.Source}: where the production job reads CloudTrail events from.
 *
 * <p>The group is optional as a whole, because local runs and replays read files; when it is present
 * it must name a stream and a region. Access keys are deliberately not a key of this group: with
 * {@code credentialsProvider=BASIC} they are read from the process environment when the source is
 * built, so they never sit in a configuration file or in MSF's application properties.
 */
public final class SourceConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String GROUP = "TrailWarden.Source";

    /** Where a new job (one without state) starts reading; a restored job resumes from its state. */
    public enum InitialPosition {
        LATEST,
        TRIM_HORIZON,
        AT_TIMESTAMP
    }

    /** AUTO: the AWS default chain (the MSF application role in production). BASIC: emulators only. */
    public enum CredentialsProvider {
        AUTO,
        BASIC
    }

    /** Kinesis allows 5 GetRecords calls per second per shard, shared by every consumer of the stream. */
    public static final int DEFAULT_GET_RECORDS_INTERVAL_MILLIS = 200;

    public final boolean configured;
    public final String type;
    public final String streamName;
    public final String region;
    /** Null means the AWS endpoint of the region. */
    public final String endpoint;
    public final InitialPosition initialPosition;
    /** Only set when {@link #initialPosition} is AT_TIMESTAMP. */
    public final Instant initialTimestamp;
    public final int getRecordsIntervalMillis;
    public final CredentialsProvider credentialsProvider;
    /**
     * Whether the stream may carry bare CloudTrail records and {@code Records} files besides EventBridge
     * envelopes. Off by default: EventBridge writes only envelopes, and a bare record carries no
     * evidence that AWS produced it. Turn it on only for a pipeline that puts bare records into the
     * stream, and make sure only that pipeline may write to it.
     */
    public final boolean acceptBareRecords;

    private SourceConfig(
            boolean configured,
            String type,
            String streamName,
            String region,
            String endpoint,
            InitialPosition initialPosition,
            Instant initialTimestamp,
            int getRecordsIntervalMillis,
            CredentialsProvider credentialsProvider,
            boolean acceptBareRecords) {
        this.configured = configured;
        this.type = type;
        this.streamName = streamName;
        this.region = region;
        this.endpoint = endpoint;
        this.initialPosition = initialPosition;
        this.initialTimestamp = initialTimestamp;
        this.getRecordsIntervalMillis = getRecordsIntervalMillis;
        this.credentialsProvider = credentialsProvider;
        this.acceptBareRecords = acceptBareRecords;
    }

    static SourceConfig read(PropertyGroups groups, List<String> errors) {
        GroupReader reader = new GroupReader(groups, GROUP, errors);
        boolean configured = !reader.values().isEmpty();
        String type = reader.string("type", "kinesis");
        if (!type.equals("kinesis")) {
            reader.error("type", "must be kinesis, not '" + type + "'");
        }
        String streamName = reader.string("streamName", null);
        if (configured && streamName == null) {
            reader.error("streamName", "is required: the name of the Kinesis stream the EventBridge rule writes to");
        } else if (streamName != null && !streamName.matches("[a-zA-Z0-9_.-]{1,128}")) {
            reader.error("streamName", "must be 1-128 letters, digits, '_', '.' or '-', not '" + streamName + "'");
        }
        String region = reader.string("region", null);
        if (configured && region == null) {
            reader.error("region", "is required, for example us-east-1");
        } else if (region != null && !region.matches("[a-z]{2}(-[a-z]+)+-\\d")) {
            reader.error("region", "must be an AWS region such as us-east-1, not '" + region + "'");
        }
        String endpoint = endpoint(reader);
        InitialPosition initialPosition =
                choice(reader, "initialPosition", InitialPosition.class, InitialPosition.LATEST);
        Instant initialTimestamp = initialTimestamp(reader, initialPosition);
        int interval = reader.integer(
                "getRecordsIntervalMillis", DEFAULT_GET_RECORDS_INTERVAL_MILLIS, 50, 60_000);
        CredentialsProvider credentials =
                choice(reader, "credentialsProvider", CredentialsProvider.class, CredentialsProvider.AUTO);
        boolean acceptBareRecords = reader.bool("acceptBareRecords", false);
        reader.rejectUnknownKeys();
        return new SourceConfig(configured, type, streamName, region, endpoint, initialPosition,
                initialTimestamp, interval, credentials, acceptBareRecords);
    }

    private static String endpoint(GroupReader reader) {
        String endpoint = reader.string("endpoint", null);
        if (endpoint == null) {
            return null;
        }
        try {
            URI uri = new URI(endpoint);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                reader.error("endpoint", "must be an http(s) URL such as http://127.0.0.1:4567, not '" + endpoint + "'");
            }
        } catch (URISyntaxException e) {
            reader.error("endpoint", "must be an http(s) URL such as http://127.0.0.1:4567, not '" + endpoint + "'");
        }
        return endpoint;
    }

    private static Instant initialTimestamp(GroupReader reader, InitialPosition position) {
        String text = reader.string("initialTimestamp", null);
        if (position != InitialPosition.AT_TIMESTAMP) {
            if (text != null) {
                reader.error("initialTimestamp", "is only used with initialPosition AT_TIMESTAMP, not " + position);
            }
            return null;
        }
        if (text == null) {
            reader.error("initialTimestamp", "is required with initialPosition AT_TIMESTAMP, for example 2026-01-31T12:00:00Z");
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            reader.error("initialTimestamp", "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, not '" + text + "'");
            return null;
        }
    }

    private static <E extends Enum<E>> E choice(GroupReader reader, String key, Class<E> type, E defaultValue) {
        String text = reader.string(key, null);
        if (text == null) {
            return defaultValue;
        }
        try {
            return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            StringBuilder allowed = new StringBuilder();
            for (E constant : type.getEnumConstants()) {
                allowed.append(allowed.length() == 0 ? "" : ", ").append(constant.name());
            }
            reader.error(key, "must be one of " + allowed + ", not '" + text + "'");
            return defaultValue;
        }
    }

    @Override
    public String toString() {
        return configured
                ? type + " stream " + streamName + " in " + region
                        + (endpoint == null ? "" : " at " + endpoint)
                        + ", from " + initialPosition + (initialTimestamp == null ? "" : " " + initialTimestamp)
                        + ", polling every " + getRecordsIntervalMillis + " ms, credentials " + credentialsProvider
                        + (acceptBareRecords ? ", bare records accepted" : ", EventBridge envelopes only")
                : "no source configured";
    }
}
