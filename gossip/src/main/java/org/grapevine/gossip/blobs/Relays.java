package org.grapevine.gossip.blobs;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.grapevine.gossip.limits.Limits;
import org.grapevine.gossip.limits.Scope;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;

/**
 * The blobs a node fetches on others' behalf (relays), each tied to the peers that asked for it:
 * how many one peer may start and how fast, how many and how many bytes in all, and when each
 * ends (its askers left or cancelled, it gained nothing for a while, or it lived long enough).
 * Plain state for {@link BlobSwarm}, on its thread, with the time passed in.
 */
final class Relays {
    private final int perPeer;
    private final Map<BlobId, Relay> relays = new LinkedHashMap<>();
    /** Per asking peer: relays it started that are under way, and its allowance for new ones. */
    private final Map<AuthorId, Asker> askers = new LinkedHashMap<>();
    private long bytes;

    /** One blob fetched for others: who started it, who waits for it, when it started and last gained a chunk. */
    static final class Relay {
        final BlobId blob;
        final long size;
        final AuthorId starter;
        /** Where the relay is accounted: its starter's scope. */
        final Scope scope;
        final Set<AuthorId> waiting = new LinkedHashSet<>();
        final long started;
        long lastGain;
        boolean complete;

        Relay(BlobId blob, long size, AuthorId starter, Scope scope, long now) {
            this.scope = scope;
            this.blob = blob;
            this.size = size;
            this.starter = starter;
            this.started = now;
            this.lastGain = now;
            waiting.add(starter);
        }
    }

    /** A token bucket of relays a peer may start, refilled one per {@link Limits#RELAY_EVERY_MILLIS}. */
    private static final class Asker {
        int running;
        double tokens;
        long refilled;
    }

    Relays() {
        this.perPeer = Limits.RELAYS_PER_PEER;
    }

    /**
     * Whether {@code peer} may have a blob of {@code size} bytes fetched for it now: within its
     * pace, and within what its {@code scope} and the node's allow of relays and their bytes
     * ({@link Limits#peerScope}). If so, the relay is recorded and accounted there.
     */
    boolean start(AuthorId peer, Scope scope, BlobId blob, long size, long now) {
        Asker a = askers.get(peer);
        if (a == null) {
            if (askers.size() >= 4 * Limits.INBOUND) forgetIdle();
            askers.put(peer, a = new Asker());
            a.tokens = perPeer;
            a.refilled = now;
        }
        a.tokens = Math.min(perPeer, a.tokens + (now - a.refilled) / (double) Limits.RELAY_EVERY_MILLIS);
        a.refilled = now;
        // Counted per identity too: a connection's scope starts empty, and a relay outlives its
        // starter's connection while others wait for it.
        if (a.running >= perPeer || a.tokens < 1) return false;
        if (!scope.reserve(Scope.Resource.RELAYS, 1)) return false;
        if (!scope.reserve(Scope.Resource.RELAY_BYTES, size)) {
            scope.release(Scope.Resource.RELAYS, 1);
            return false;
        }
        a.tokens -= 1;
        a.running++;
        relays.put(blob, new Relay(blob, size, peer, scope, now));
        bytes += size;
        return true;
    }

    Relay get(BlobId blob) {
        return relays.get(blob);
    }

    /** Another peer waits for a relay under way (at no cost to it: the fetch runs anyway). */
    void join(BlobId blob, AuthorId peer) {
        Relay r = relays.get(blob);
        if (r != null) r.waiting.add(peer);
    }

    /** {@code peer} no longer waits for {@code blob}; whether the relay has nobody left to wait for it. */
    boolean leave(BlobId blob, AuthorId peer) {
        Relay r = relays.get(blob);
        if (r == null) return false;
        r.waiting.remove(peer);
        return r.waiting.isEmpty();
    }

    /** The relays {@code peer} was the last to wait for (it left). */
    List<BlobId> left(AuthorId peer) {
        List<BlobId> orphaned = new ArrayList<>();
        for (Relay r : relays.values()) {
            if (r.waiting.remove(peer) && r.waiting.isEmpty()) orphaned.add(r.blob);
        }
        return orphaned;
    }

    /** The relays to end now: idle past {@link Limits#RELAY_IDLE_MILLIS} (complete ones excepted) or older than the lifetime. */
    List<BlobId> expired(long now) {
        List<BlobId> out = new ArrayList<>();
        for (Relay r : relays.values()) {
            if (now - r.started >= Limits.RELAY_LIFETIME_MILLIS || !r.complete && now - r.lastGain >= Limits.RELAY_IDLE_MILLIS) {
                out.add(r.blob);
            }
        }
        return out;
    }

    /** A relay ended (or became the node's own fetch): its count and bytes are free again. */
    void end(BlobId blob) {
        Relay r = relays.remove(blob);
        if (r == null) return;
        r.scope.release(Scope.Resource.RELAYS, 1);
        r.scope.release(Scope.Resource.RELAY_BYTES, r.size);
        bytes -= r.size;
        Asker a = askers.get(r.starter);
        if (a != null) a.running--;
    }

    int count() {
        return relays.size();
    }

    long bytes() {
        return bytes;
    }

    /** Relays {@code peer} started that are under way. */
    int startedBy(AuthorId peer) {
        Asker a = askers.get(peer);
        return a == null ? 0 : a.running;
    }

    /** Forgets the allowances of peers with nothing under way, oldest first, to keep the map small. */
    private void forgetIdle() {
        for (Iterator<Asker> it = askers.values().iterator(); it.hasNext(); ) {
            if (it.next().running == 0) it.remove();
        }
    }
}
