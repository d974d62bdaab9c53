package org.grapevine.gossip.discovery;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import org.grapevine.identity.AuthorId;

/**
 * The addresses a node knows, where they came from, and when each may be tried again. Failing
 * addresses back off exponentially; bootstrap addresses are never forgotten, learned ones are
 * dropped after repeated failures. Plain Java with the time passed in, so tests need no clock.
 */
public final class PeerTable {
    static final long FIRST_BACKOFF_MILLIS = 1_000;
    static final long MAX_BACKOFF_MILLIS = 5 * 60_000;
    static final int FORGET_AFTER_FAILURES = 8;
    static final int MAX_KNOWN = 1_000;

    public enum Source { BOOTSTRAP, INVITE, EXCHANGE, LAN, INBOUND }

    /** One known address. */
    public static final class Known {
        private final String endpoint;
        private PeerAddress address;
        private final Source source;
        private AuthorId id;
        private int failures;
        private long retryAt;
        private long lastSeen;

        Known(PeerAddress address, Source source) {
            this.endpoint = address.endpoint();
            this.address = address;
            this.source = source;
            this.id = address.expected();
        }

        public PeerAddress address() {
            return address;
        }

        public Source source() {
            return source;
        }

        public AuthorId id() {
            return id;
        }

        public long lastSeen() {
            return lastSeen;
        }

        public int failures() {
            return failures;
        }
    }

    private final Map<String, Known> known = new LinkedHashMap<>();

    /** Adds an address unless known already (a learned one never replaces a bootstrap one). */
    public void add(PeerAddress address, Source source) {
        if (known.size() >= MAX_KNOWN && !known.containsKey(address.endpoint())) return;
        known.computeIfAbsent(address.endpoint(), k -> new Known(address, source));
    }

    /** Restores an address with its history (from the node's saved table). */
    public void restore(PeerAddress address, Source source, long lastSeen) {
        Known k = known.computeIfAbsent(address.endpoint(), e -> new Known(address, source));
        k.lastSeen = Math.max(k.lastSeen, lastSeen);
        if (k.id == null) k.id = address.expected();
    }

    /** A dial to or a connection from {@code endpoint} proved {@code id}. */
    public void succeeded(String endpoint, AuthorId id, long now) {
        Known k = known.get(endpoint);
        if (k == null) return;
        k.failures = 0;
        k.retryAt = 0;
        k.lastSeen = now;
        k.id = id;
        k.address = new PeerAddress(k.address.host(), k.address.port(), id);
    }

    /** A dial failed or the connection broke: wait longer before the next try. */
    public void failed(String endpoint, long now) {
        Known k = known.get(endpoint);
        if (k == null) return;
        k.failures++;
        long backoff = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(20, k.failures - 1));
        k.retryAt = now + backoff;
        boolean keep = k.source == Source.BOOTSTRAP || k.source == Source.INVITE || k.lastSeen > 0;
        if (!keep && k.failures >= FORGET_AFTER_FAILURES) known.remove(endpoint);
    }

    /**
     * Up to {@code slots} addresses to dial now: due, not connected, not our own, the ones that
     * worked most recently first.
     */
    public List<PeerAddress> toDial(long now, int slots, Collection<String> busyEndpoints, Collection<AuthorId> connectedIds, AuthorId self) {
        List<Known> due = new ArrayList<>();
        for (Known k : known.values()) {
            if (k.retryAt > now || busyEndpoints.contains(k.endpoint)) continue;
            if (k.id != null && (k.id.equals(self) || connectedIds.contains(k.id))) continue;
            due.add(k);
        }
        due.sort(Comparator.comparingLong((Known k) -> -k.lastSeen).thenComparingInt(k -> k.failures));
        List<PeerAddress> out = new ArrayList<>();
        for (Known k : due) {
            if (out.size() >= slots) break;
            out.add(k.address);
        }
        return out;
    }

    /**
     * Up to {@code max} addresses to dial now of the ids in {@code wanted} (the people a node
     * follows, whom it would rather reach directly): due, not busy, not connected.
     */
    public List<PeerAddress> toDialFor(Set<AuthorId> wanted, long now, int max, Collection<String> busyEndpoints,
                                       Collection<AuthorId> connectedIds) {
        List<PeerAddress> out = new ArrayList<>();
        if (wanted.isEmpty()) return out;
        for (Known k : known.values()) {
            if (out.size() >= max) break;
            if (k.id == null || !wanted.contains(k.id) || connectedIds.contains(k.id)) continue;
            if (k.retryAt > now || busyEndpoints.contains(k.endpoint)) continue;
            out.add(k.address);
        }
        return out;
    }

    /** Addresses worth telling other peers about: those we reached ourselves. */
    public List<PeerAddress> reached(int max) {
        List<PeerAddress> out = new ArrayList<>();
        for (Known k : known.values()) {
            if (out.size() >= max) break;
            if (k.lastSeen > 0 && k.failures == 0 && k.id != null) out.add(k.address);
        }
        return out;
    }

    /**
     * Up to {@code max} addresses known for {@code id} that have not failed since they last
     * worked, the ones reached most recently first and then those learned from others and not
     * tried yet: the answer to a Locate. (The asker's handshake proves the id, so an address
     * passed on unchecked costs it one dial at worst.)
     */
    public List<PeerAddress> addressesOf(AuthorId id, int max) {
        List<Known> found = new ArrayList<>();
        for (Known k : known.values()) {
            if (id.equals(k.id) && k.failures == 0) found.add(k);
        }
        found.sort(Comparator.comparingLong((Known k) -> -k.lastSeen));
        return found.stream().limit(max).map(k -> k.address).toList();
    }

    /** Whether some address of {@code id} is known that did not fail at its last try. */
    public boolean mayReach(AuthorId id) {
        for (Known k : known.values()) {
            if (id.equals(k.id) && k.failures == 0) return true;
        }
        return false;
    }

    public Collection<Known> all() {
        return List.copyOf(known.values());
    }

    public Known get(String endpoint) {
        return known.get(endpoint);
    }
}
