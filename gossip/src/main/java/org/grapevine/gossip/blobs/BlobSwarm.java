package org.grapevine.gossip.blobs;

import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.gossip.wire.WireMessage.BlobCancel;
import org.grapevine.gossip.wire.WireMessage.BlobChunk;
import org.grapevine.gossip.wire.WireMessage.BlobGet;
import org.grapevine.gossip.wire.WireMessage.BlobHave;
import org.grapevine.gossip.wire.WireMessage.BlobWant;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.blob.BlobTree;
import org.grapevine.gossip.limits.Limits;
import org.grapevine.gossip.limits.Scope;

/**
 * Fetches blobs (photos, videos: by id) from many peers at once and serves them
 * (docs/PROTOCOL.md, "Blob exchange"). A fetch wants the blob of every peer; peers answer with
 * haves, and chunks are asked of whoever has them, rarest first and a few at a time per peer, each
 * checked against the id by its Merkle proof as it arrives. A peer holding none of a small blob
 * may fetch it itself for the one that wants it (a relay, limited by hops and by {@link Relays}:
 * tied to the peers waiting for it, bounded per peer and in all, and stored only once some peer
 * has chunks of it).
 *
 * <p>Not thread-safe: the node calls it from one thread, and {@link BlobPeer#send} must not call
 * back into it.
 */
public final class BlobSwarm {
    private final BlobStorage storage;
    private final LongSupplier millis;
    private final Config config;
    private final Events events;
    private final RandomGenerator random;
    private final BlobServer server;
    private final Map<AuthorId, BlobPeer> peers = new LinkedHashMap<>();
    /** Where each peer's relays are accounted: its connection's scope, or one under {@link #node}. */
    private final Map<AuthorId, Scope> scopes = new HashMap<>();
    /** The scope for peers that come without one (in tests: the node's limits, on their own). */
    private final Scope node = Limits.nodeScope();
    private final Map<BlobId, Fetch> fetches = new LinkedHashMap<>();
    /** How this node's own fetches that completed here ended, for {@link #progress}; the latest few. */
    private final Map<BlobId, Progress> finished = new org.grapevine.gossip.limits.Lru<>(FINISHED_KEPT);
    static final int FINISHED_KEPT = 1_024;
    /** The fetches under way for others, and their bounds. */
    private final Relays relays = new Relays();

    /**
     * @param inFlightPerPeer chunk requests a peer may have outstanding (across all blobs)
     * @param requestTimeoutMillis after this, a request is given up and may go to another peer
     * @param relayCap the largest blob (bytes) fetched on behalf of a peer that wants it
     * @param defaultHops how far a want travels when the caller does not say
     * @param haveUpdateMillis the least time between two haves of one blob to one peer that wants it
     */
    public record Config(int inFlightPerPeer, long requestTimeoutMillis, long relayCap, int defaultHops, long haveUpdateMillis) {
        public Config {
            if (inFlightPerPeer < 1) throw new IllegalArgumentException("inFlightPerPeer must be at least 1");
            if (requestTimeoutMillis < 1) throw new IllegalArgumentException("requestTimeoutMillis must be positive");
            if (relayCap < 0) throw new IllegalArgumentException("negative relayCap");
            if (defaultHops < 1 || defaultHops > WireMessage.MAX_HOPS) throw new IllegalArgumentException("defaultHops not in 1.." + WireMessage.MAX_HOPS);
            if (haveUpdateMillis < 0) throw new IllegalArgumentException("negative haveUpdateMillis");
        }

        /** 8 requests per peer, 10 s to answer one, relays up to 16 MiB, wants go 2 hops, haves every 500 ms. */
        public static Config defaults() {
            return new Config(8, 10_000, 16L << 20, 2, 500);
        }
    }

    /** What the swarm reports to the node (for its event log, progress display and peer scoring). */
    public interface Events {
        /** A chunk from {@code peer} checked out and was stored (or was held already). */
        void chunkFrom(AuthorId peer, BlobId blob, int index, int bytes);

        void completed(BlobId blob);

        /** The peer sent what it cannot have sent in good faith; it has been closed. */
        void misbehaved(AuthorId peer, String reason);
    }

    /**
     * How a fetch stands. {@code size} is -1 (and {@code chunks} 0) until known; {@code sources}
     * are the peers that delivered chunks; {@code bytesReceived} counts the chunk bytes they sent.
     */
    public record Progress(long size, int chunks, int held, long bytesReceived, Set<AuthorId> sources, boolean complete) {
        public Progress {
            sources = Set.copyOf(sources);
        }
    }

    public BlobSwarm(BlobStorage storage, LongSupplier millis, Config config, Events events, RandomGenerator random) {
        this.storage = storage;
        this.millis = millis;
        this.config = config;
        this.events = events;
        this.random = random;
        this.server = new BlobServer(storage, millis, config.haveUpdateMillis());
    }

    /** A peer finished its handshake: it hears every blob we are fetching. A second link of the same peer replaces the first. */
    public void connected(BlobPeer peer) {
        if (peers.containsKey(peer.id())) disconnected(peer.id());
        peers.put(peer.id(), peer);
        scopes.put(peer.id(), peer.scope() != null ? peer.scope() : Limits.peerScope(node, peer.id().toString()));
        for (Fetch f : fetches.values()) peer.send(new BlobWant(f.blob, f.hops, f.size()));
    }

    /** The peer is gone: what it was asked for is asked of others. */
    public void disconnected(AuthorId peerId) {
        if (peers.remove(peerId) == null) return;
        scopes.remove(peerId);
        server.forget(peerId);
        for (Fetch f : fetches.values()) f.forget(peerId);
        for (BlobId orphaned : relays.left(peerId)) endRelay(orphaned);
        schedule();
    }

    /** Handles one blob message from a connected peer; other messages are ignored. */
    public void received(AuthorId peerId, WireMessage message) {
        BlobPeer peer = peers.get(peerId);
        if (peer == null) return;
        if (message instanceof BlobWant w) {
            want(peer, w);
        } else if (message instanceof BlobHave h) {
            have(peer, h);
        } else if (message instanceof BlobGet g) {
            get(peer, g);
        } else if (message instanceof BlobChunk c) {
            chunk(peer, HashedChunk.of(c));
        } else if (message instanceof BlobCancel c) {
            server.cancel(peerId, c.blob());
            if (relays.leave(c.blob(), peerId)) endRelay(c.blob());
        }
    }

    /** Handles a chunk from a connected peer that was hashed ahead, off this thread. */
    public void received(AuthorId peerId, HashedChunk chunk) {
        BlobPeer peer = peers.get(peerId);
        if (peer != null) chunk(peer, chunk);
    }

    /** A peer's link can take more bytes again: send the chunks it is waiting for. */
    /** What {@code peerId} may see changed: it hears every blob we are fetching (its link leaves out those still hidden from it). */
    public void visibilityChanged(AuthorId peerId) {
        BlobPeer peer = peers.get(peerId);
        if (peer == null) return;
        for (Fetch f : fetches.values()) peer.send(new BlobWant(f.blob, f.hops, f.size()));
    }

    public void writable(AuthorId peerId) {
        BlobPeer peer = peers.get(peerId);
        if (peer != null) server.pump(peer);
    }

    /** Called now and then: requests unanswered too long go to other peers; held-back haves go out. */
    public void tick() {
        long now = millis.getAsLong();
        for (BlobId expired : relays.expired(now)) endRelay(expired);
        long askedBy = now - config.requestTimeoutMillis() - 1;
        for (Fetch f : fetches.values()) f.expire(askedBy);
        schedule();
        server.flush();
    }

    /** Fetches {@code blob} with wants that travel {@link Config#defaultHops} hops. */
    public void fetch(BlobId blob, long size) {
        fetch(blob, size, config.defaultHops());
    }

    /**
     * Fetches {@code blob} of {@code size} bytes (-1 if unknown: the first chunk's proof settles
     * it), asking peers up to {@code hops} away. A no-op if it is held whole or already fetched;
     * nothing happens either if storage refuses a blob of that size.
     */
    public void fetch(BlobId blob, long size, int hops) {
        if (hops < 1 || hops > WireMessage.MAX_HOPS) throw new IllegalArgumentException("hops " + hops + " not in 1.." + WireMessage.MAX_HOPS);
        if (size < -1 || size > WireMessage.MAX_BLOB_SIZE) throw new IllegalArgumentException("blob size " + size + " out of range");
        start(blob, size, hops);
    }

    /** Stops fetching {@code blob} (the user removed it); peers asked for chunks are told to drop the requests. */
    public void cancel(BlobId blob) {
        finished.remove(blob);
        relays.end(blob);
        Fetch f = fetches.remove(blob);
        if (f == null) return;
        server.drop(blob);
        unwant(f);
        schedule();
    }

    /**
     * Withdraws our want of {@code f}'s blob (wants stand until cancelled) from every peer that may
     * still act on it: those with requests outstanding drop them, and those that did not hold all
     * of it stop any fetch they run for us. A peer that held it whole has nothing to stop.
     */
    private void unwant(Fetch f) {
        BlobCancel cancel = new BlobCancel(f.blob);
        java.util.Set<AuthorId> busy = new java.util.HashSet<>(f.busy());
        for (BlobPeer p : peers.values()) {
            if (busy.contains(p.id()) || !f.holdsAll(p.id())) p.send(cancel);
        }
    }

    /** How the fetch of {@code blob} stands (or ended, if it completed here); null if there is none. */
    public Progress progress(BlobId blob) {
        Fetch f = fetches.get(blob);
        return f != null ? f.progress(false) : finished.get(blob);
    }

    private boolean start(BlobId blob, long size, int hops) {
        Fetch under = fetches.get(blob);
        if (under != null) {
            if (under.relay) own(under);
            return false;
        }
        if (relays.get(blob) != null) {
            // Fetched for others and complete: the node wants it itself now, so it stays.
            relays.end(blob);
            storage.keep(blob);
        }
        BlobStorage.Holding holding = storage.holding(blob);
        if (holding != null && holding.complete()) return false;
        boolean proven = false;
        if (holding != null) {
            // Begun before (a fetch resumed): the size it was begun with stands.
            size = holding.size();
            proven = !holding.chunks().isEmpty();
        } else if (size >= 0 && !storage.begin(blob, size)) {
            return false;
        }
        Fetch f = new Fetch(blob, size, proven, hops, BlobServer.held(holding), config.inFlightPerPeer());
        fetches.put(blob, f);
        finished.remove(blob);
        BlobWant want = new BlobWant(blob, hops, size);
        for (BlobPeer p : peers.values()) p.send(want);
        return true;
    }

    /**
     * A fetch under way for others becomes this node's own (the user or a followed post wants
     * the blob): it no longer counts against the relay bounds, and storage keeps what it holds.
     */
    private void own(Fetch f) {
        f.relay = false;
        relays.end(f.blob);
        if (f.begun) {
            storage.keep(f.blob);
        } else if (storage.begin(f.blob, f.size())) {
            f.begun = true;
        } else {
            cancel(f.blob);
        }
    }

    private void want(BlobPeer peer, BlobWant w) {
        BlobId blob = w.blob();
        BlobStorage.Holding holding = storage.holding(blob);
        if (holding != null && (holding.complete() || !holding.chunks().isEmpty())) {
            if (!holding.complete()) server.wants(peer, blob);
            server.tell(peer, blob, holding);
            relays.join(blob, peer.id());
        } else if (fetches.containsKey(blob)) {
            server.wants(peer, blob);
            relays.join(blob, peer.id());
        } else if (w.hops() > 1 && w.sizeKnown() && w.size() <= config.relayCap()
                && relays.start(peer.id(), scopes.get(peer.id()), blob, w.size(), millis.getAsLong())) {
            relay(blob, w.size(), w.hops() - 1, peer.id());
            server.wants(peer, blob);
        }
    }

    /**
     * Fetches {@code blob} for {@code asker}, which holds none of it: its want goes on to the other
     * peers with a hop less. Nothing is stored (and no file opened) until a peer says it has chunks.
     */
    private void relay(BlobId blob, long size, int hops, AuthorId asker) {
        fetches.put(blob, new Fetch(blob, size, false, hops, new java.util.BitSet(), config.inFlightPerPeer(), true));
        BlobWant want = new BlobWant(blob, hops, size);
        for (BlobPeer p : peers.values()) {
            if (!p.id().equals(asker)) p.send(want);
        }
    }

    /**
     * Ends a relay: nobody waits for it any more, it gained nothing for too long, or it lived long
     * enough. Its requests are cancelled and what storage holds of it goes (unless the node made
     * the blob its own meanwhile).
     */
    private void endRelay(BlobId blob) {
        if (relays.get(blob) == null) return;
        relays.end(blob);
        Fetch f = fetches.get(blob);
        if (f != null && f.relay) {
            fetches.remove(blob);
            server.drop(blob);
            unwant(f);
        }
        storage.discard(blob);
    }

    /** Fetches under way or held for others, and the bytes they take (for the node's accounting and tests). */
    public int relays() {
        return relays.count();
    }

    public long relayBytes() {
        return relays.bytes();
    }

    private void have(BlobPeer peer, BlobHave h) {
        Fetch f = fetches.get(h.blob());
        if (f == null) return;
        BitSet has = h.held();
        if (f.sizeKnown() && h.size() != f.size() && !has.isEmpty()) {
            // The id fixes the size: once a chunk proved ours, a peer claiming chunks of another size lies.
            if (f.sizeProven()) {
                misbehaving(peer, "claimed " + h.blob() + " has " + h.size() + " bytes, not " + f.size(), "wrong blob size");
                return;
            }
            has = new BitSet(); // we cannot tell yet whose size is wrong; ask it nothing
        }
        f.have(peer.id(), h.size(), has);
        if (!f.begun && f.anySource()) {
            if (!storage.beginTransient(f.blob, f.size())) {
                endRelay(f.blob);
                return;
            }
            f.begun = true;
        }
        schedule();
    }

    private void get(BlobPeer peer, BlobGet g) {
        if (server.get(peer, g)) return;
        events.misbehaved(peer.id(), "asked for more than " + BlobServer.MAX_QUEUED + " chunks while its link was full");
        peer.close(WireMessage.Reason.PROTOCOL, "too many chunk requests");
        disconnected(peer.id());
    }

    private void chunk(BlobPeer peer, HashedChunk hashed) {
        BlobChunk c = hashed.chunk();
        Fetch f = fetches.get(c.blob());
        if (f == null || !f.asked(peer.id(), c.index())) return; // unsolicited: ignored
        if (f.held(c.index())) {
            f.answered(peer.id(), c.index()); // a copy that came late, after another peer's
            return;
        }
        if (!f.sizeKnown() && !proveSize(peer, f, hashed)) return;
        BlobStorage.Stored stored = c.size() == f.size() ? storage.store(hashed) : BlobStorage.Stored.INVALID;
        if (stored == BlobStorage.Stored.INVALID) {
            misbehaving(peer, "sent chunk " + c.index() + " of " + c.blob() + " that does not check out", "bad chunk");
            return;
        }
        f.arrived(peer.id(), c.index(), c.dataUnsafe().length);
        events.chunkFrom(peer.id(), c.blob(), c.index(), c.dataUnsafe().length);
        Relays.Relay relay = f.relay ? relays.get(f.blob) : null;
        if (relay != null) relay.lastGain = millis.getAsLong();
        if (stored == BlobStorage.Stored.COMPLETE || f.allHeld()) {
            fetches.remove(f.blob);
            if (relay != null) {
                relay.complete = true; // Served to those waiting until they leave or the relay's lifetime ends.
            } else {
                finished.put(f.blob, f.progress(true));
            }
            unwant(f);
            server.completed(f.blob);
            events.completed(f.blob);
        } else if (stored == BlobStorage.Stored.STORED) {
            server.gained(f.blob);
        }
        schedule();
    }

    /**
     * The first chunk of a blob of unknown size: checked with the size it states, which the id
     * binds, so a chunk that checks out proves the size. False if the fetch cannot go on.
     */
    private boolean proveSize(BlobPeer peer, Fetch f, HashedChunk hashed) {
        BlobChunk c = hashed.chunk();
        if (!BlobTree.verifyHashed(c.blob(), c.size(), c.index(), c.dataUnsafe().length, hashed.leaf(), c.proof())) {
            misbehaving(peer, "sent chunk " + c.index() + " of " + c.blob() + " that its proof does not bind to the id", "bad chunk");
            return false;
        }
        if (!storage.begin(c.blob(), c.size())) {
            cancel(c.blob());
            return false;
        }
        for (AuthorId liar : f.learnSize(c.size())) {
            if (!liar.equals(peer.id())) misbehaving(peers.get(liar), "claimed a wrong size for " + c.blob(), "wrong blob size");
        }
        return true;
    }

    /** Reports and closes a peer, and forgets it at once: what it was asked for goes to others. */
    private void misbehaving(BlobPeer peer, String reason, String detail) {
        events.misbehaved(peer.id(), reason);
        peer.close(WireMessage.Reason.INVALID_ENTRY, detail);
        disconnected(peer.id());
    }

    /** Asks peers for chunks wherever there is room. */
    private void schedule() {
        long now = millis.getAsLong();
        for (Fetch f : fetches.values()) {
            if (!f.begun) continue;
            f.plan(this::room, random, now).forEach((id, chunks) -> {
                BlobPeer p = peers.get(id);
                for (int i = 0; i < chunks.size(); i += WireMessage.MAX_GET) {
                    p.send(new BlobGet(f.blob, chunks.subList(i, Math.min(chunks.size(), i + WireMessage.MAX_GET))));
                }
            });
        }
    }

    /** Requests {@code peer} can still take, across all fetches. */
    private int room(AuthorId peer) {
        int used = 0;
        for (Fetch f : fetches.values()) used += f.outstanding(peer);
        return config.inFlightPerPeer() - used;
    }
}
