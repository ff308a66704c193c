package io.trailwarden.respond;

import java.util.ArrayList;
import java.util.List;

/**
 * At most {@code max} containments per sliding window. Pure: the caller owns the clock and keeps the
 * admitted times (in Flink state, so the cap survives restarts and holds across parallel instances).
 */
public final class BlastRadiusCap {
    private final int max;
    private final long windowMillis;

    public BlastRadiusCap(int max, long windowMillis) {
        this.max = max;
        this.windowMillis = windowMillis;
    }

    /** The admitted times still inside the window ending at {@code now}. */
    public List<Long> inWindow(List<Long> admitted, long now) {
        List<Long> kept = new ArrayList<>();
        for (Long time : admitted) {
            if (time > now - windowMillis) {
                kept.add(time);
            }
        }
        return kept;
    }

    /** Admits one more containment at {@code now} if the window has room, recording it in {@code recent}. */
    public boolean tryAdmit(List<Long> recent, long now) {
        if (recent.size() >= max) {
            return false;
        }
        recent.add(now);
        return true;
    }
}
