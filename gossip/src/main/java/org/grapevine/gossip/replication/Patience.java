package org.grapevine.gossip.replication;

/**
 * How long to wait for a feed's source to bring entries another peer announced before asking
 * someone else: a configured minimum, or longer while sources are late anyway. On a busy node or
 * network every source is slow, and switching would only bring each entry twice. Estimated from
 * how late sources were, with a smoothed mean and mean deviation as TCP estimates its
 * retransmission timeout (RFC 6298), and bounded above so a dead path is still left in time.
 */
final class Patience {
    private final long minMillis;
    private final long maxMillis;
    /** Smoothed lateness in milliseconds, negative before the first sample. */
    private double mean = -1;
    private double deviation;

    Patience(long minMillis, long maxMillis) {
        if (minMillis < 0 || maxMillis < minMillis) throw new IllegalArgumentException("bad patience bounds");
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
    }

    /** A source brought entries {@code millis} after they were announced, or was given up on after that long. */
    void late(long millis) {
        if (mean < 0) {
            mean = millis;
            deviation = millis / 2.0;
        } else {
            deviation = 0.75 * deviation + 0.25 * Math.abs(mean - millis);
            mean = 0.875 * mean + 0.125 * millis;
        }
    }

    long millis() {
        if (mean < 0) return minMillis;
        return Math.max(minMillis, Math.min(maxMillis, Math.round(mean + 4 * deviation)));
    }
}
