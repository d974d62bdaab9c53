package org.grapevine.gossip.limits;

/**
 * Strikes against one party (an address, say) within a window of time: enough of them and it is
 * refused for a while, twice as long each time it comes back to it soon after, up to a limit.
 * Plain state with the time passed in; not thread-safe.
 */
public final class Strikes {
    private final int threshold;
    private final long windowMillis;
    private final long firstMillis;
    private final long maxMillis;
    private int count;
    private long windowStart;
    private long refusedUntil;
    private long refusal;

    public Strikes(int threshold, long windowMillis, long firstMillis, long maxMillis) {
        this.threshold = threshold;
        this.windowMillis = windowMillis;
        this.firstMillis = firstMillis;
        this.maxMillis = maxMillis;
    }

    /** One more strike at {@code now}; the one that reaches the threshold starts a refusal. */
    public void strike(long now) {
        if (now - windowStart > windowMillis) {
            windowStart = now;
            count = 0;
        }
        if (++count < threshold) return;
        boolean again = refusedUntil > 0 && now - refusedUntil < maxMillis;
        refusal = again ? Math.min(maxMillis, 2 * refusal) : firstMillis;
        refusedUntil = now + refusal;
        count = 0;
        windowStart = now;
    }

    public boolean refusing(long now) {
        return now < refusedUntil;
    }
}
