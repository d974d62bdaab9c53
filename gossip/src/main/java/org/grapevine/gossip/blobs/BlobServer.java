package org.grapevine.gossip.blobs;

import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.gossip.wire.WireMessage.BlobChunk;
import org.grapevine.gossip.wire.WireMessage.BlobGet;
import org.grapevine.gossip.wire.WireMessage.BlobHave;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.blob.BlobHasher;

/**
 * The serving half of the swarm: answers chunk requests (holding them back while a peer's link is
 * full) and keeps peers that want a blob told, at a limited rate, of the chunks we gain.
 */
final class BlobServer {
    /** Requests a peer may have waiting on its full link; a peer asking for more is closed. */
    static final int MAX_QUEUED = WireMessage.MAX_GET;

    private final BlobStorage storage;
    private final LongSupplier millis;
    private final long haveUpdateMillis;
    private final Map<AuthorId, Deque<Request>> queues = new HashMap<>();
    private final Map<BlobId, Map<AuthorId, Wanter>> wanters = new HashMap<>();

    private record Request(BlobId blob, int index) {}

    /** A peer that wants a blob we are gaining: when it may next hear of it, and whether there is news. */
    private static final class Wanter {
        final BlobPeer peer;
        long nextAt;
        boolean news;

        Wanter(BlobPeer peer) {
            this.peer = peer;
        }
    }

    BlobServer(BlobStorage storage, LongSupplier millis, long haveUpdateMillis) {
        this.storage = storage;
        this.millis = millis;
        this.haveUpdateMillis = haveUpdateMillis;
    }

    /**
     * Queues the held chunks of a request and sends what the link takes; answers chunks not held
     * with one have. False when that would queue more than {@link #MAX_QUEUED} for the peer.
     */
    boolean get(BlobPeer peer, BlobGet get) {
        BlobStorage.Holding holding = storage.holding(get.blob());
        BitSet held = held(holding);
        Deque<Request> queue = queues.computeIfAbsent(peer.id(), p -> new ArrayDeque<>());
        boolean lacking = false;
        for (int index : get.chunks()) {
            if (held.get(index)) queue.add(new Request(get.blob(), index));
            else lacking = true;
        }
        if (queue.size() > MAX_QUEUED) return false;
        if (lacking) peer.send(have(get.blob(), holding));
        pump(peer);
        return true;
    }

    /** Sends queued chunks while the peer's link takes them. */
    void pump(BlobPeer peer) {
        Deque<Request> queue = queues.get(peer.id());
        if (queue == null) return;
        BlobId told = null;
        while (!queue.isEmpty() && peer.writable()) {
            Request r = queue.poll();
            BlobChunk chunk = storage.read(r.blob(), r.index());
            if (chunk != null) {
                peer.send(chunk);
            } else if (!r.blob().equals(told)) {
                // Removed since it was asked for: say what is left, once.
                peer.send(have(r.blob(), storage.holding(r.blob())));
                told = r.blob();
            }
        }
    }

    /** The peer cancelled its requests for {@code blob}: it needs nothing more of it from us. */
    void cancel(AuthorId peer, BlobId blob) {
        Deque<Request> queue = queues.get(peer);
        if (queue != null) queue.removeIf(r -> r.blob().equals(blob));
        Map<AuthorId, Wanter> w = wanters.get(blob);
        if (w != null) {
            w.remove(peer);
            if (w.isEmpty()) wanters.remove(blob);
        }
    }

    /** Tells a peer what we hold of {@code blob}, now. */
    void tell(BlobPeer peer, BlobId blob, BlobStorage.Holding holding) {
        peer.send(have(blob, holding));
        Wanter w = wanter(blob, peer.id());
        if (w != null) {
            w.nextAt = millis.getAsLong() + haveUpdateMillis;
            w.news = false;
        }
    }

    /** Remembers that {@code peer} wants {@code blob}, to tell it of chunks as we gain them. */
    void wants(BlobPeer peer, BlobId blob) {
        wanters.computeIfAbsent(blob, b -> new LinkedHashMap<>()).computeIfAbsent(peer.id(), p -> new Wanter(peer));
    }

    /** We stored a chunk of {@code blob}: wanters hear of it, each at most once per update interval. */
    void gained(BlobId blob) {
        Map<AuthorId, Wanter> w = wanters.get(blob);
        if (w == null) return;
        for (Wanter x : w.values()) x.news = true;
        flush(blob, w);
    }

    /** We hold all of {@code blob}: every wanter hears so now, and needs no more updates. */
    void completed(BlobId blob) {
        Map<AuthorId, Wanter> w = wanters.remove(blob);
        if (w == null) return;
        BlobHave have = have(blob, storage.holding(blob));
        for (Wanter x : w.values()) x.peer.send(have);
    }

    /** Sends the updates held back by the rate limit whose time has come. */
    void flush() {
        wanters.forEach(this::flush);
    }

    private void flush(BlobId blob, Map<AuthorId, Wanter> w) {
        long now = millis.getAsLong();
        BlobHave have = null;
        for (Wanter x : w.values()) {
            if (!x.news || now < x.nextAt) continue;
            if (have == null) have = have(blob, storage.holding(blob));
            x.peer.send(have);
            x.news = false;
            x.nextAt = now + haveUpdateMillis;
        }
    }

    /** We stopped fetching {@code blob}: no more updates of it. */
    void drop(BlobId blob) {
        wanters.remove(blob);
    }

    void forget(AuthorId peer) {
        queues.remove(peer);
        wanters.values().removeIf(w -> {
            w.remove(peer);
            return w.isEmpty();
        });
    }

    private Wanter wanter(BlobId blob, AuthorId peer) {
        Map<AuthorId, Wanter> w = wanters.get(blob);
        return w == null ? null : w.get(peer);
    }

    /** Our have of {@code blob}; with nothing held (size unknown) an empty have of the empty blob's size. */
    static BlobHave have(BlobId blob, BlobStorage.Holding holding) {
        return BlobHave.of(blob, holding == null ? 0 : holding.size(), held(holding));
    }

    static BitSet held(BlobStorage.Holding holding) {
        if (holding == null) return new BitSet();
        BitSet held = holding.chunks();
        if (holding.complete()) held.set(0, (int) BlobHasher.chunkCount(holding.size()));
        return held;
    }
}
