package io.trailwarden.source;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The order CloudTrail delivered its files in, read from their names: a delivery file is named
 * {@code ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_UNIQUE.json.gz}, the time being when the file was
 * delivered, and holds the calls of the minutes before it. Reading files in this order keeps event
 * time near-ordered over a whole archive, so a bounded out-of-orderness holds for it.
 *
 * <p>Files whose names carry no delivery time (a user's own JSON-lines file) come first, in path
 * order; delivery files follow by time, then path (many accounts and regions deliver in one minute).
 */
public final class DeliveryOrder {
    private static final Pattern DELIVERY_TIME = Pattern.compile("_CloudTrail_[^_/]*_(\\d{8}T\\d{4}Z)_[^/]*$");
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'");

    /** Paths or object keys in delivery order. */
    public static final Comparator<String> PATHS = (Comparator<String> & Serializable) DeliveryOrder::compare;

    private DeliveryOrder() {}

    /** When CloudTrail delivered the file at this path or key, if its name says. */
    public static Optional<Instant> deliveryTime(String pathOrKey) {
        Matcher matcher = DELIVERY_TIME.matcher(pathOrKey);
        if (!matcher.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDateTime.parse(matcher.group(1), FORMAT).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException notADate) {
            return Optional.empty();
        }
    }

    private static int compare(String a, String b) {
        Optional<Instant> timeA = deliveryTime(a);
        Optional<Instant> timeB = deliveryTime(b);
        if (timeA.isPresent() != timeB.isPresent()) {
            return timeA.isPresent() ? 1 : -1;
        }
        int byTime = timeA.isPresent() ? timeA.get().compareTo(timeB.get()) : 0;
        return byTime != 0 ? byTime : a.compareTo(b);
    }
}
