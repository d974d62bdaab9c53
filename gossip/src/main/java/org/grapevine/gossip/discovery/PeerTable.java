package org.grapevine.gossip.discovery;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import org.grapevine.gossip.limits.Limits;
import org.grapevine.gossip.limits.Lru;
import org.grapevine.identity.AuthorId;

/**
 * The addresses a node knows, where they came from, and when each may be tried again. Failing
 * addresses back off exponentially; bootstrap addresses are never forgotten, learned ones are
 * dropped after repeated failures. Plain Java with the time passed in, so tests need no clock.
 *
 * <p>An address is <em>verified</em> once this node dialed it and the handshake proved who is
 * there; only verified addresses are passed on, and a verified address keeps its id whoever else
 * claims it. What peers say (addresses they pass on, the port an inbound peer says it listens on)
 * is a hint: bounded per peer that said it and per host, dialed a few at a time, and forgotten
 * after two failures.
 */
public final class PeerTable {
    static final long FIRST_BACKOFF_MILLIS = 1_000;
    static final long MAX_BACKOFF_MILLIS = 5 * 60_000;
    static final int FORGET_AFTER_FAILURES = 8;
    /** An address learned from a peer and never reached is forgotten after this many failed dials. */
    static final int FORGET_UNVERIFIED_AFTER_FAILURES = 2;
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
        /** The peer that told us of it (learned or claimed addresses), or null. */
        private final AuthorId teller;

        Known(PeerAddress address, Source source, AuthorId teller) {
            this.endpoint = address.endpoint();
            this.address = address;
            this.source = source;
            this.id = address.expected();
            this.teller = teller;
        }

        /** This node dialed it and the handshake proved {@link #id()} there. */
        public boolean verified() {
            return lastSeen > 0;
        }

        /**
         * Whether the id expected here must be the one found: it was verified, or given by the user
         * (bootstrap, invite). Otherwise it is only a hint, and a dial there learns who is there.
         */
        public boolean strict() {
            return address.expected() != null && (verified() || source == Source.BOOTSTRAP || source == Source.INVITE);
        }

        /** Heard of from a peer (passed on, or claimed by an inbound one) and never reached. */
        boolean hearsay() {
            return !verified() && (source == Source.EXCHANGE || source == Source.INBOUND);
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
    /** Addresses each peer taught us, over all it said (while it is remembered): not a count of what is left. */
    private final Map<AuthorId, Integer> taught = new Lru<>(Limits.REMEMBERED);
    /** Dials of hearsay left in this tick, across {@link #toDial} and {@link #toDialFor}. */
    private int hearsayDials = Limits.UNVERIFIED_DIALS_PER_TICK;

    /**
     * Adds an address unless known already (a learned one never replaces a bootstrap one). One
     * the user gave (bootstrap, invite) replaces what peers merely said of that address.
     */
    public void add(PeerAddress address, Source source) {
        Known k = known.get(address.endpoint());
        boolean given = source == Source.BOOTSTRAP || source == Source.INVITE;
        if (k != null && !(given && k.hearsay())) return;
        if (k == null && known.size() >= MAX_KNOWN) return;
        known.put(address.endpoint(), new Known(address, source, null));
    }

    /**
     * Adds an address {@code teller} passed on ({@link Source#EXCHANGE}) or claimed for itself
     * ({@link Source#INBOUND}), unless known already or over a bound: {@link
     * Limits#LEARNED_PER_SOURCE} from one teller ever, {@link Limits#UNVERIFIED_PER_HOST} unverified on
     * one host, {@link Limits#UNVERIFIED} unverified in all (past which the oldest unverified one
     * not from this teller makes room). Whether it was added.
     */
    public boolean learn(PeerAddress address, Source source, AuthorId teller) {
        return learn(address, source, teller, false);
    }

    /**
     * As {@link #learn(PeerAddress, Source, AuthorId)}; an address {@code solicited} (the answer to
     * a question this node asked, bounded by how often it asks) is taken whatever its teller taught
     * before and however many its host has; the bound in all holds.
     */
    public boolean learn(PeerAddress address, Source source, AuthorId teller, boolean solicited) {
        if (known.containsKey(address.endpoint())) return false;
        if (!solicited && taught.getOrDefault(teller, 0) >= Limits.LEARNED_PER_SOURCE) return false;
        int onHost = 0;
        int unverified = 0;
        Known oldest = null;
        for (Known k : known.values()) {
            if (!k.hearsay()) continue;
            unverified++;
            if (oldest == null && !teller.equals(k.teller)) oldest = k;
            if (k.address.host().equals(address.host())) onHost++;
        }
        if (!solicited && onHost >= Limits.UNVERIFIED_PER_HOST) return false;
        if (unverified >= Limits.UNVERIFIED || known.size() >= MAX_KNOWN) {
            if (oldest == null) return false;
            known.remove(oldest.endpoint);
        }
        known.put(address.endpoint(), new Known(address, source, teller));
        if (!solicited) taught.merge(teller, 1, Integer::sum);
        return true;
    }

    /** A new tick: its allowance of hearsay dials ({@link Limits#UNVERIFIED_DIALS_PER_TICK}). */
    public void newTick() {
        hearsayDials = Limits.UNVERIFIED_DIALS_PER_TICK;
    }

    /** Restores an address with its history (from the node's saved table). */
    public void restore(PeerAddress address, Source source, long lastSeen) {
        if (known.size() >= MAX_KNOWN && !known.containsKey(address.endpoint())) return;
        Known k = known.computeIfAbsent(address.endpoint(), e -> new Known(address, source, null));
        k.lastSeen = Math.max(k.lastSeen, lastSeen);
        if (k.id == null) k.id = address.expected();
    }

    /**
     * A dial to {@code endpoint} proved {@code id} there: the address is verified. False, and
     * nothing changes, when it was verified for another id before (a new identity never takes over
     * a known node's address).
     */
    public boolean succeeded(String endpoint, AuthorId id, long now) {
        Known k = known.get(endpoint);
        if (k == null) return true;
        if (k.verified() && k.id != null && !k.id.equals(id)) return false;
        k.failures = 0;
        k.retryAt = 0;
        k.lastSeen = now;
        k.id = id;
        k.address = new PeerAddress(k.address.host(), k.address.port(), id);
        return true;
    }

    /** A dial failed or the connection broke: wait longer before the next try. */
    public void failed(String endpoint, long now) {
        Known k = known.get(endpoint);
        if (k == null) return;
        k.failures++;
        long backoff = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(20, k.failures - 1));
        k.retryAt = now + backoff;
        boolean keep = k.source == Source.BOOTSTRAP || k.source == Source.INVITE || k.lastSeen > 0;
        int forgetAfter = k.hearsay() ? FORGET_UNVERIFIED_AFTER_FAILURES : FORGET_AFTER_FAILURES;
        if (!keep && k.failures >= forgetAfter) known.remove(endpoint);
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
            if (k.hearsay() && !spendHearsayDial()) continue;
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
            if (k.hearsay() && !spendHearsayDial()) continue;
            out.add(k.address);
        }
        return out;
    }

    /** What strangers said is dialed a little at a time, never in bulk: whether this tick has a dial of it left. */
    private boolean spendHearsayDial() {
        if (hearsayDials <= 0) return false;
        hearsayDials--;
        return true;
    }

    /**
     * Addresses worth telling other peers about, first-hand only: those we reached ourselves
     * (verified), then those nodes said of themselves when they connected here (their own word,
     * at the address they came from); none that failed since. What others said is never passed on.
     */
    public List<PeerAddress> firstHand(int max) {
        List<PeerAddress> out = new ArrayList<>();
        for (Known k : known.values()) {
            if (out.size() >= max) break;
            if (k.verified() && k.failures == 0 && k.id != null) out.add(k.address);
        }
        for (Known k : known.values()) {
            if (out.size() >= max) break;
            if (selfClaimed(k)) out.add(k.address);
        }
        return out;
    }

    /** An unverified address its own node claimed when it connected here, and that has not failed. */
    private static boolean selfClaimed(Known k) {
        return !k.verified() && k.source == Source.INBOUND && k.id != null && k.id.equals(k.teller) && k.failures == 0;
    }

    /**
     * Up to {@code max} addresses of {@code id} that have not failed since, for a peer asking where
     * it is (Locate): first those where this node reached it itself, the most recent first, then
     * those {@code id} itself said it listens on when it connected here (its own word, at the
     * address it came from). What others said of {@code id} is never passed on.
     */
    public List<PeerAddress> addressesOf(AuthorId id, int max) {
        List<Known> reached = new ArrayList<>();
        List<Known> claimed = new ArrayList<>();
        for (Known k : known.values()) {
            if (!id.equals(k.id) || k.failures != 0) continue;
            if (k.verified()) reached.add(k);
            else if (selfClaimed(k)) claimed.add(k);
        }
        reached.sort(Comparator.comparingLong((Known k) -> -k.lastSeen));
        reached.addAll(claimed);
        return reached.stream().limit(max).map(k -> k.address).toList();
    }

    /** Whether {@code endpoint} is verified as {@code id}'s. */
    public boolean verified(String endpoint, AuthorId id) {
        Known k = known.get(endpoint);
        return k != null && k.verified() && id.equals(k.id);
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
