package io.trailwarden.event;

/**
 * CloudTrail's {@code eventTime} in the forms real records carry: ISO-8601 with or without a fraction,
 * with {@code Z} or a numeric offset, and Bedrock's {@code 2025-03-26 16:43:57.000000000} (space, nine
 * fraction digits, no zone: UTC). Hand-written rather than {@code DateTimeFormatter} because it runs
 * once per event on the hot path and must not throw for the hostile inputs it is given.
 */
final class EventTimes {
    /** Returned for text that is not a usable timestamp; no real CloudTrail time is this far back. */
    static final long UNUSABLE = Long.MIN_VALUE;

    private static final int[] DAYS_IN_MONTH = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    private EventTimes() {}

    static long parseEpochMillis(String text) {
        int length = text.length();
        if (length < 19 || length > 40) {
            return UNUSABLE;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        char dateTimeSeparator = text.charAt(10);
        if ((year | month | day | hour | minute | second) < 0
                || text.charAt(4) != '-'
                || text.charAt(7) != '-'
                || (dateTimeSeparator != 'T' && dateTimeSeparator != 't' && dateTimeSeparator != ' ')
                || text.charAt(13) != ':'
                || text.charAt(16) != ':'
                || month < 1
                || month > 12
                || day < 1
                || day > daysInMonth(year, month)
                || hour > 23
                || minute > 59
                || second > 59) {
            return UNUSABLE;
        }
        int pos = 19;
        int millis = 0;
        if (pos < length && text.charAt(pos) == '.') {
            int fractionStart = ++pos;
            while (pos < length && isDigit(text.charAt(pos))) {
                if (pos - fractionStart < 3) {
                    millis = millis * 10 + (text.charAt(pos) - '0');
                }
                pos++;
            }
            int fractionDigits = pos - fractionStart;
            if (fractionDigits == 0 || fractionDigits > 9) {
                return UNUSABLE;
            }
            for (int scale = fractionDigits; scale < 3; scale++) {
                millis *= 10;
            }
        }
        int offsetSeconds = 0;
        if (pos < length) {
            char zone = text.charAt(pos);
            if (zone == 'Z' || zone == 'z') {
                pos++;
            } else if (zone == '+' || zone == '-') {
                int offsetHours = digits(text, pos + 1, 2);
                pos += 3;
                if (pos < length && text.charAt(pos) == ':') {
                    pos++;
                }
                int offsetMinutes = digits(text, pos, 2);
                pos += 2;
                if (offsetHours < 0 || offsetHours > 18 || offsetMinutes < 0 || offsetMinutes > 59) {
                    return UNUSABLE;
                }
                offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (zone == '-' ? -1 : 1);
            } else {
                return UNUSABLE;
            }
        }
        if (pos != length) {
            return UNUSABLE;
        }
        long epochSeconds =
                epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
        return epochSeconds * 1000L + millis;
    }

    /** The value of {@code count} decimal digits at {@code start}, or -1. */
    private static int digits(String text, int start, int count) {
        if (start + count > text.length()) {
            return -1;
        }
        int value = 0;
        for (int i = start; i < start + count; i++) {
            char c = text.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int daysInMonth(int year, int month) {
        boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return month == 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
    }

    /** Days since 1970-01-01 in the proleptic Gregorian calendar (the algorithm of java.time.LocalDate). */
    private static long epochDay(int year, int month, int day) {
        long y = year;
        long total = 365 * y;
        if (y >= 0) {
            total += (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
        } else {
            total -= y / -4 - y / -100 + y / -400;
        }
        total += (367 * month - 362) / 12;
        total += day - 1;
        if (month > 2) {
            total--;
            if (!((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) {
                total--;
            }
        }
        return total - 719_528L;
    }
}
