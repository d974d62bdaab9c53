package org.grapevine.gossip.limits;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Accounting of what peers make a node hold, in nested scopes: the node, and under it one scope
 * per peer connection. Every amount taken in a scope is taken in all its ancestors too, and each
 * scope may bound each resource, so a peer is held to its own share and all peers together to the
 * node's. {@link Limits} declares the scopes and their bounds. Thread-safe: Netty threads, the node
 * loop and the blob thread account in the same scopes.
 */
public final class Scope {
    /** What is counted. */
    public enum Resource {
        /** Decoded size of messages received and not yet handled by the node. */
        UNHANDLED_BYTES,
        /** Blob fetches run on a peer's behalf. */
        RELAYS,
        /** Bytes of those fetches. */
        RELAY_BYTES
    }

    /** A bound: past {@code limit} the scope is over; it counts as caught up again under {@code resume}. */
    public record Bound(long limit, long resume) {
        public Bound {
            if (limit < 0 || resume < 0 || resume > limit) throw new IllegalArgumentException("bad bound " + limit + "/" + resume);
        }

        /** A hard cap with no separate resume mark. */
        public static Bound of(long limit) {
            return new Bound(limit, limit);
        }
    }

    private static final Resource[] RESOURCES = Resource.values();

    private final String name;
    private final Scope parent;
    private final Bound[] bounds = new Bound[RESOURCES.length];
    private final AtomicLongArray used = new AtomicLongArray(RESOURCES.length);

    private Scope(String name, Scope parent, Map<Resource, Bound> bounds) {
        this.name = name;
        this.parent = parent;
        bounds.forEach((r, b) -> this.bounds[r.ordinal()] = b);
    }

    /** A scope with no parent (the node). */
    public static Scope root(String name, Map<Resource, Bound> bounds) {
        return new Scope(name, null, bounds);
    }

    /** A scope under this one (a peer under the node). */
    public Scope child(String name, Map<Resource, Bound> bounds) {
        return new Scope(name, this, bounds);
    }

    public Scope parent() {
        return parent;
    }

    /**
     * Takes {@code n} of {@code r} here and in every ancestor if each stays within its limit;
     * otherwise takes nothing. For work not begun yet, which may be refused.
     */
    public boolean reserve(Resource r, long n) {
        for (Scope s = this; s != null; s = s.parent) {
            if (!s.tryAdd(r, n)) {
                for (Scope t = this; t != s; t = t.parent) t.used.addAndGet(r.ordinal(), -n);
                return false;
            }
        }
        return true;
    }

    private boolean tryAdd(Resource r, long n) {
        Bound b = bounds[r.ordinal()];
        int i = r.ordinal();
        while (true) {
            long now = used.get(i);
            if (b != null && now + n > b.limit()) return false;
            if (used.compareAndSet(i, now, now + n)) return true;
        }
    }

    /**
     * Takes {@code n} of {@code r} here and in every ancestor whatever the bounds (for what has
     * arrived already); whether this scope or an ancestor is now over its limit.
     */
    public boolean charge(Resource r, long n) {
        boolean over = false;
        for (Scope s = this; s != null; s = s.parent) {
            long now = s.used.addAndGet(r.ordinal(), n);
            Bound b = s.bounds[r.ordinal()];
            if (b != null && now > b.limit()) over = true;
        }
        return over;
    }

    /** Gives back {@code n} of {@code r} here and in every ancestor. */
    public void release(Resource r, long n) {
        for (Scope s = this; s != null; s = s.parent) s.used.addAndGet(r.ordinal(), -n);
    }

    /** Whether this scope and every ancestor are under their resume marks for {@code r}. */
    public boolean caughtUp(Resource r) {
        for (Scope s = this; s != null; s = s.parent) {
            Bound b = s.bounds[r.ordinal()];
            if (b != null && s.used.get(r.ordinal()) >= b.resume()) return false;
        }
        return true;
    }

    /** Whether this scope alone is under its resume mark for {@code r}. */
    public boolean caughtUpHere(Resource r) {
        Bound b = bounds[r.ordinal()];
        return b == null || used.get(r.ordinal()) < b.resume();
    }

    public long used(Resource r) {
        return used.get(r.ordinal());
    }

    /** What this scope holds now, by resource (for reports and tests). */
    public Map<Resource, Long> usage() {
        Map<Resource, Long> out = new EnumMap<>(Resource.class);
        for (Resource r : RESOURCES) out.put(r, used.get(r.ordinal()));
        return out;
    }

    @Override
    public String toString() {
        return (parent == null ? "" : parent + "/") + name;
    }
}
