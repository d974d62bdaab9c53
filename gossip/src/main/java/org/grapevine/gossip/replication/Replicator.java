package org.grapevine.gossip.replication;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.grapevine.gossip.limits.Limits;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.gossip.wire.WireMessage.CaughtUp;
import org.grapevine.gossip.wire.WireMessage.Clock;
import org.grapevine.gossip.wire.WireMessage.Entries;
import org.grapevine.gossip.wire.WireMessage.FeedState;
import org.grapevine.gossip.policy.Visibility;
import org.grapevine.gossip.wire.WireMessage.Mode;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.log.Entry;

/**
 * Log replication with every connected peer (docs/PROTOCOL.md, "Replication"). Peers swap clocks
 * on connect and afterwards only changes. For each wanted feed one peer is the eager source that
 * streams entries; the others send only notes of their latest sequence, and a note of entries the
 * source fails to deliver in time makes that peer the source instead. So each entry reaches a node
 * about once, as in epidemic broadcast trees.
 *
 * <p>The tree also mends itself towards faster paths without extra copies: a lazy peer whose
 * notes keep announcing entries before the source brings them, or the author itself, becomes the
 * source at a moment when we hold everything either of them claimed, so nothing is in flight
 * twice.
 *
 * <p>Not thread-safe: the node calls it from one thread.
 */
public final class Replicator {
    static final int BATCH_ENTRIES = 1024;
    static final int BATCH_BYTES = 512 * 1024;
    /** Times running a lazy peer must announce entries before the source brings them to become the source. */
    static final int LEADS_BEFORE_SWITCH = 2;
    /** How far ahead a newly connected peer must be to take over as source at once, in entries. */
    static final int CATCH_UP_GAP = 8;
    /** The longest {@link #patience()} grows, in multiples of the configured switch time. */
    static final int MAX_PATIENCE_FACTOR = 8;
    /** How long a peer whose claim was not kept is not believed, in multiples of the longest patience. */
    static final int DISTRUST_FACTOR = 75;

    private final AuthorId self;
    private final FeedStore store;
    private final LongSupplier millis;
    private final Events events;
    private final Visibility visibility;
    private final Map<AuthorId, Peer> peers = new LinkedHashMap<>();
    /** For each wanted feed, the peer asked to stream it eagerly. */
    private final Map<AuthorId, Peer> sources = new HashMap<>();
    /** Wanted feeds a peer has more of than we hold, with the time since when we wait for the source. */
    private final Map<AuthorId, Long> waiting = new HashMap<>();
    private final Patience patience;
    /** Per wanted feed, the lazy peer that announced its newest entries before the source brought them. */
    private final Map<AuthorId, Lead> leads = new HashMap<>();
    /** Per wanted feed, a peer asked to stream alongside a source that works, for entries it claims the source lacks. */
    private final Map<AuthorId, Trial> trials = new HashMap<>();
    /** Ids that claimed entries and did not deliver them. */
    private final Distrust distrust = new Distrust(Limits.DISTRUSTED_IDS);
    /** Feeds whose authors forked: nothing past the fork is stored, so nothing more is waited for or asked. */
    private final Set<AuthorId> forkedFeeds = new HashSet<>();
    /** Checks the signatures of fork proofs from peers. */
    private final org.grapevine.identity.Verifier verifier = new org.grapevine.identity.Verifier(16);
    private final long distrustMillis;
    private Set<AuthorId> wanted = new LinkedHashSet<>();

    /** What replication reports to the node (for its event log and peer scoring). */
    public interface Events {
        void stored(AuthorId peer, int count);

        void misbehaved(AuthorId peer, String reason);

        /** The peer did not keep a claim: it stays connected, but its claims are not believed for a while. */
        default void distrusted(AuthorId peer, String reason) {}

        /** {@code author} is now known to have forked its log (an entry, or a peer's proof, showed it). */
        default void forked(AuthorId author) {}
    }

    /** Replication for the node {@code self}, whose own feed is {@code self}'s. */
    public Replicator(AuthorId self, FeedStore store, LongSupplier millis, long switchAfterMillis, Events events) {
        this(self, store, millis, switchAfterMillis, events, Visibility.PUBLIC);
    }

    /**
     * A replicator that asks a peer for a feed, or takes it as the feed's source, only where
     * {@code visibility} shows the feed to that peer. (What is sent is filtered by the peer's
     * link; this keeps source choice from settling on a peer that will never hear the request.)
     */
    public Replicator(AuthorId self, FeedStore store, LongSupplier millis, long switchAfterMillis, Events events, Visibility visibility) {
        this.visibility = visibility;
        this.self = self;
        this.store = store;
        this.millis = millis;
        this.patience = new Patience(switchAfterMillis, switchAfterMillis * MAX_PATIENCE_FACTOR);
        this.distrustMillis = switchAfterMillis * MAX_PATIENCE_FACTOR * DISTRUST_FACTOR;
        this.events = events;
    }

    /** One connected peer and what each side knows of the other. */
    private static final class Peer {
        final PeerLink link;
        /** The highest sequence the peer is known to hold, per feed. */
        final Map<AuthorId, Long> holds = new HashMap<>();
        /** How the peer wants each feed from us. */
        final Map<AuthorId, Mode> wants = new HashMap<>();
        /** Whether its first clock (the one sent on connect) has been read. */
        boolean greeted;
        /** How we asked the peer for each feed. */
        final Map<AuthorId, Mode> asked = new HashMap<>();
        /** The sequence up to which the peer said it sent us all it holds. */
        final Map<AuthorId, Long> caughtUp = new HashMap<>();
        /** Feeds to stream to this peer. */
        final Set<AuthorId> streaming = new LinkedHashSet<>();
        /** Feeds for which the peer has been told it caught up. */
        final Set<AuthorId> caughtUpSent = new java.util.HashSet<>();
        /** Feeds whose latest sequence this peer should hear of. */
        final Set<AuthorId> notes = new LinkedHashSet<>();
        /** Hops from the peer to each feed's author, as it told (absent: no route). */
        final Map<AuthorId, Integer> routes = new HashMap<>();
        /** The route to each feed's author last told the peer (absent: none). */
        final Map<AuthorId, Integer> toldRoutes = new HashMap<>();
        /** Feeds whose route the peer should hear of again. */
        final Set<AuthorId> routeNotes = new LinkedHashSet<>();
        /** Feeds it named that we neither want nor hold, counted against {@link Limits#UNKNOWN_FEEDS_PER_PEER}. */
        int unknownFeeds;
        /** Until when its claims of entries we lack are not believed (it did not keep one); 0 if they are. */
        long distrustedUntil;
        /** Forked feeds the peer was sent the proof of, or sent us one of. */
        final Set<AuthorId> forkTold = new java.util.HashSet<>();

        Peer(PeerLink link) {
            this.link = link;
        }

        long holds(AuthorId feed) {
            return holds.getOrDefault(feed, 0L);
        }

        void learn(AuthorId feed, long seq) {
            holds.merge(feed, seq, Math::max);
        }
    }

    /** A lazy peer that was ahead of the source: up to which sequence, whether that is settled, how often in a row. */
    private static final class Lead {
        final Peer peer;
        long seq;
        boolean open;
        int times;

        Lead(Peer peer) {
            this.peer = peer;
        }
    }

    /**
     * A peer that claimed entries of a feed the working source does not bring, asked for them
     * alongside it: up to which sequence, and since when it has brought nothing.
     */
    private static final class Trial {
        final Peer peer;
        final long seq;
        long quietSince;
        boolean delivered;

        Trial(Peer peer, long seq, long now) {
            this.peer = peer;
            this.seq = seq;
            this.quietSince = now;
        }
    }

    /** Sets the feeds this node wants (its own among them) and tells peers what changed. */
    public void setWanted(Set<AuthorId> feeds) {
        Set<AuthorId> added = new LinkedHashSet<>(feeds);
        added.removeAll(wanted);
        Set<AuthorId> removed = new LinkedHashSet<>(wanted);
        removed.removeAll(feeds);
        wanted = new LinkedHashSet<>(feeds);
        Map<Peer, List<FeedState>> changes = new LinkedHashMap<>();
        for (AuthorId feed : removed) {
            sources.remove(feed);
            waiting.remove(feed);
            leads.remove(feed);
            trials.remove(feed);
            for (Peer p : peers.values()) {
                if (p.asked.remove(feed) != null) changes.computeIfAbsent(p, k -> new ArrayList<>()).add(new FeedState(feed, store.head(feed), Mode.NONE));
                p.routeNotes.add(feed);
            }
        }
        for (AuthorId feed : added) {
            for (Peer p : peers.values()) p.routeNotes.add(feed);
            Peer source = best(feed, null);
            for (Peer p : peers.values()) {
                if (!visibility.feed(p.link.id(), feed)) continue;
                Mode mode = p == source ? Mode.EAGER : Mode.LAZY;
                p.asked.put(feed, mode);
                changes.computeIfAbsent(p, k -> new ArrayList<>()).add(new FeedState(feed, store.head(feed), mode));
            }
            if (source != null) sources.put(feed, source);
        }
        changes.forEach((p, list) -> sendClock(p, list));
        sendRoutes(false);
    }

    public Set<AuthorId> wanted() {
        return Set.copyOf(wanted);
    }

    /**
     * Wanted feeds (other than our own) to whose authors no connected peer knows a route, as far
     * as their clocks and routes told: nobody here can bring their new entries, even where peers
     * replicate them (they may be cut off from the author as we are), so the node should reach
     * their authors directly.
     */
    public Set<AuthorId> unserved() {
        Set<AuthorId> out = new LinkedHashSet<>();
        for (Peer p : peers.values()) {
            if (!p.greeted) return out; // Wait for every clock first.
        }
        for (AuthorId feed : wanted) {
            if (route(feed, null) == WireMessage.NO_ROUTE) out.add(feed);
        }
        return out;
    }

    /**
     * Hops from this node to {@code feed}'s author over connected peers that replicate the feed,
     * leaving out {@code except} (a peer is told the best route not through itself, so that two
     * nodes cut off from the author do not keep each other's routes alive), or
     * {@link WireMessage#NO_ROUTE}.
     */
    private int route(AuthorId feed, Peer except) {
        if (feed.equals(self)) return 0;
        if (!wanted.contains(feed)) return WireMessage.NO_ROUTE;
        int best = WireMessage.NO_ROUTE;
        for (Peer p : peers.values()) {
            if (p != except) best = Math.min(best, routeVia(p, feed));
        }
        return best >= WireMessage.MAX_ROUTE ? WireMessage.NO_ROUTE : best + 1;
    }

    /** The route {@code peer} has to {@code feed}'s author: none unless it replicates the feed. */
    private static int routeVia(Peer peer, AuthorId feed) {
        if (feed.equals(peer.link.id())) return 0;
        if (!peer.wants.containsKey(feed)) return WireMessage.NO_ROUTE;
        return peer.routes.getOrDefault(feed, WireMessage.NO_ROUTE);
    }

    /** Routes of {@code feeds} may have changed: every peer replicating one hears its new route. */
    private void rerouted(Set<AuthorId> feeds) {
        for (Peer p : peers.values()) {
            for (AuthorId feed : feeds) {
                if (p.wants.containsKey(feed)) p.routeNotes.add(feed);
            }
        }
    }

    /**
     * Sends each peer the routes it should hear again that differ from what it was told: with
     * {@code better}, all of them; otherwise only routes that got longer or went, which must
     * travel at once (a loop cut off from the author counts its route up until it is none),
     * while shorter ones wait for the next tick, which sends each peer the improvements of a
     * whole second in one message.
     */
    private void sendRoutes(boolean better) {
        for (Peer p : peers.values()) {
            if (p.routeNotes.isEmpty()) continue;
            List<WireMessage.Route> changed = new ArrayList<>();
            for (var it = p.routeNotes.iterator(); it.hasNext(); ) {
                AuthorId feed = it.next();
                // Neither an author nor the peer of ours that is one needs telling how far the author is.
                if (feed.equals(self) || feed.equals(p.link.id())) {
                    it.remove();
                    continue;
                }
                int hops = route(feed, p);
                Integer told = p.toldRoutes.get(feed);
                if (told == null ? hops == WireMessage.NO_ROUTE : told == hops) {
                    it.remove();
                    continue;
                }
                if (!better && told != null && hops < told) continue;
                if (!better && told == null) continue;
                it.remove();
                if (hops == WireMessage.NO_ROUTE) p.toldRoutes.remove(feed);
                else p.toldRoutes.put(feed, hops);
                changed.add(new WireMessage.Route(feed, hops));
            }
            for (int i = 0; i < changed.size(); i += WireMessage.MAX_CLOCK_FEEDS) {
                p.link.send(new WireMessage.Routes(changed.subList(i, Math.min(changed.size(), i + WireMessage.MAX_CLOCK_FEEDS))));
            }
        }
    }

    /**
     * A peer finished its handshake. Returns false if one with the same id is already connected
     * (the caller then closes the new connection).
     */
    public boolean connected(PeerLink link) {
        if (peers.containsKey(link.id())) return false;
        Peer peer = new Peer(link);
        peer.distrustedUntil = distrust.until(link.id(), millis.getAsLong());
        peers.put(link.id(), peer);
        List<FeedState> clock = new ArrayList<>(wanted.size());
        for (AuthorId feed : wanted) {
            if (!visibility.feed(link.id(), feed)) continue;
            Mode mode = sources.containsKey(feed) ? Mode.LAZY : Mode.EAGER;
            if (mode == Mode.EAGER) sources.put(feed, peer);
            peer.asked.put(feed, mode);
            clock.add(new FeedState(feed, store.head(feed), mode));
        }
        sendClock(peer, clock);
        // The peer hears our routes once its clock tells which feeds it replicates.
        if (wanted.contains(link.id())) rerouted(Set.of(link.id())); // The author itself: a route of one hop.
        return true;
    }

    public void disconnected(AuthorId peerId) {
        Peer gone = peers.remove(peerId);
        if (gone == null) return;
        Set<AuthorId> lost = new LinkedHashSet<>();
        for (AuthorId feed : wanted) {
            if (routeVia(gone, feed) != WireMessage.NO_ROUTE) lost.add(feed);
        }
        rerouted(lost);
        leads.values().removeIf(l -> l.peer == gone);
        trials.values().removeIf(t -> t.peer == gone);
        // Collect first: makeSource puts into sources, which must not happen while iterating it.
        List<AuthorId> orphaned = new ArrayList<>();
        sources.entrySet().removeIf(e -> e.getValue() == gone && orphaned.add(e.getKey()));
        for (AuthorId feed : orphaned) {
            Peer next = best(feed, gone);
            if (next != null) makeSource(feed, next);
        }
        flush();
    }

    /** Handles one message from a connected peer. */
    public void received(AuthorId peerId, WireMessage message) {
        Peer peer = peers.get(peerId);
        if (peer == null) return;
        if (message instanceof Clock c) {
            clock(peer, c);
        } else if (message instanceof Entries e) {
            entries(peer, e.entries());
        } else if (message instanceof CaughtUp c) {
            // Noted only for feeds the peer named or we want: a feed neither side named costs no memory.
            if (peer.holds.containsKey(c.feed()) || wanted.contains(c.feed())) {
                peer.learn(c.feed(), c.seq());
                peer.caughtUp.merge(c.feed(), c.seq(), Math::max);
            }
        } else if (message instanceof WireMessage.Routes r) {
            routes(peer, r.routes());
        } else if (message instanceof WireMessage.ForkProof f) {
            forkProof(peer, f);
        }
        flush();
    }

    /** An Entries message as it arrived: from whom, and what it held. */
    public record Arrival(AuthorId peer, List<Entry> entries) {}

    /**
     * Handles Entries messages that arrived one after another, from one peer or several, in that
     * order, with one append to the store: a busy node pays one commit where each message would
     * have cost one.
     */
    public void receivedEntries(List<Arrival> arrivals) {
        List<Peer> senders = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        for (Arrival a : arrivals) {
            Peer peer = peers.get(a.peer());
            if (peer != null) keepWanted(peer, a.entries(), senders, entries);
        }
        store(senders, entries);
        flush();
    }

    /** New entries of {@code feed} were stored locally (posted here, or arrived): pass them on. */
    public void advanced(AuthorId feed) {
        long head = store.head(feed);
        for (Peer p : peers.values()) {
            if (p.holds(feed) >= head) continue;
            Mode mode = p.wants.getOrDefault(feed, Mode.NONE);
            if (mode == Mode.EAGER) p.streaming.add(feed);
            else if (mode == Mode.LAZY) p.notes.add(feed);
        }
        Long since = waiting.get(feed);
        if (since != null) {
            long now = millis.getAsLong();
            patience.late(now - since);
            if (head >= bestHeld(feed)) waiting.remove(feed);
            else waiting.put(feed, now);
        }
        flush();
    }

    /** A peer's connection can take more bytes again. */
    public void writable(AuthorId peerId) {
        Peer peer = peers.get(peerId);
        if (peer != null) pump(peer);
    }

    /**
     * Called now and then: a source that does not deliver what another peer has within
     * {@link #patience()} is replaced, or asked again when nobody else has more; a peer asked
     * alongside a working source that brought nothing in that time is not believed any more.
     */
    public void tick() {
        sendRoutes(true);
        long now = millis.getAsLong();
        endTrials(now);
        // Any feed a peer holds more of is waited for, however we came to know it (a clock that
        // arrived before we wanted the feed starts no wait of its own).
        for (AuthorId feed : wanted) {
            if (!waiting.containsKey(feed) && store.head(feed) < bestHeld(feed) && !forked(feed)) waiting.put(feed, now);
        }
        long limit = patience.millis();
        // Collected first: switching a source may start a new wait for the same feed.
        List<AuthorId> due = new ArrayList<>();
        for (var e : waiting.entrySet()) if (now - e.getValue() >= limit) due.add(e.getKey());
        for (AuthorId feed : due) {
            patience.late(now - waiting.remove(feed)); // At least this late: a busy network makes us wait longer.
            long head = store.head(feed);
            if (head >= bestHeld(feed) || forked(feed)) continue;
            Peer current = sources.get(feed);
            Peer next = best(feed, current);
            boolean nextHasMore = next != null && believed(next, feed) > head;
            if (current != null && current.holds(feed) > head) {
                // A source that claimed more than it delivered in time is not believed any more:
                // what it holds counts as what we hold. Someone with more takes over.
                current.holds.put(feed, head);
                makeSource(feed, nextHasMore ? next : current);
            } else if (nextHasMore) {
                // The source brought all it claimed, but another peer claims more: it is asked
                // alongside the source rather than instead of it, so a false claim stalls nothing.
                if (current == null) makeSource(feed, next);
                else trial(feed, next);
            } else if (current != null) {
                // Nobody else has more: ask the source again, from what we hold.
                makeSource(feed, current);
            }
        }
    }

    /**
     * Asks {@code peer}, which claims entries of {@code feed} the working source has not brought,
     * to stream them alongside the source (one such peer per feed at a time).
     */
    private void trial(AuthorId feed, Peer peer) {
        if (trials.containsKey(feed) || distrusted(peer)) return;
        trials.put(feed, new Trial(peer, peer.holds(feed), millis.getAsLong()));
        peer.asked.put(feed, Mode.EAGER);
        sendClock(peer, List.of(new FeedState(feed, store.head(feed), Mode.EAGER)));
    }

    /**
     * Ends the trials whose claims were met (by anyone), and those whose peer brought nothing for
     * the patience: that peer is not believed for a while, and goes back to sending notes.
     */
    private void endTrials(long now) {
        if (trials.isEmpty()) return;
        long limit = patience.millis();
        for (AuthorId feed : List.copyOf(trials.keySet())) {
            Trial t = trials.get(feed);
            long head = store.head(feed);
            if (forked(feed)) {
                // Nothing past the fork is taken, from anyone: the trial proves nothing either way.
                trials.remove(feed);
                demote(feed, t.peer);
            } else if (head >= t.seq) {
                settleTrial(feed);
            } else if (now - t.quietSince >= limit) {
                trials.remove(feed);
                t.peer.holds.put(feed, head);
                t.peer.distrustedUntil = now + distrustMillis;
                distrust.add(t.peer.link.id(), t.peer.distrustedUntil);
                events.distrusted(t.peer.link.id(), "claimed entries of " + feed + " up to " + t.seq + " and brought none in "
                        + (now - t.quietSince) + " ms");
                demote(feed, t.peer);
            }
        }
    }

    /**
     * The claim of a trial's peer is met. The peer becomes the source if it brought entries the
     * source did not have; otherwise it goes back to sending notes.
     */
    private void settleTrial(AuthorId feed) {
        Trial t = trials.get(feed);
        if (t == null || store.head(feed) < t.seq) return;
        trials.remove(feed);
        Peer source = sources.get(feed);
        if (t.delivered && (source == null || source.holds(feed) < t.seq)) makeSource(feed, t.peer);
        else if (sources.get(feed) != t.peer) demote(feed, t.peer);
    }

    private void demote(AuthorId feed, Peer peer) {
        if (peers.get(peer.link.id()) != peer || !wanted.contains(feed)) return;
        peer.asked.put(feed, Mode.LAZY);
        sendClock(peer, List.of(new FeedState(feed, store.head(feed), Mode.LAZY)));
    }

    private boolean distrusted(Peer peer) {
        return peer.distrustedUntil > millis.getAsLong();
    }

    /**
     * Whether {@code feed}'s author is known to have forked: told by an append or a proof in this
     * run, or recorded in the store by an earlier one (looked up once, when it matters).
     */
    private boolean forked(AuthorId feed) {
        if (forkedFeeds.contains(feed)) return true;
        if (!store.forkProof(feed).isPresent()) return false;
        forkedFeeds.add(feed);
        return true;
    }

    /** What {@code peer} holds of {@code feed} as far as we believe it: no more than we hold, once it did not keep a claim. */
    private long believed(Peer peer, AuthorId feed) {
        long holds = peer.holds(feed);
        return distrusted(peer) ? Math.min(holds, store.head(feed)) : holds;
    }

    private void tellFork(Peer peer, WireMessage.ForkProof proof) {
        peer.forkTold.add(proof.author());
        peer.link.send(proof);
    }

    /**
     * A peer's proof that an author forked: checked, recorded, and passed on to the peers that
     * replicate the feed, so every node marks the author forked. Proofs of feeds we neither want
     * nor hold, or of authors known forked already, cost nothing; a proof that does not check out
     * costs the peer its connection.
     */
    private void forkProof(Peer peer, WireMessage.ForkProof proof) {
        AuthorId feed = proof.author();
        if (!wanted.contains(feed) && store.head(feed) == 0) return;
        peer.forkTold.add(feed);
        if (forked(feed)) return;
        if (!proof.first().verifySignature(verifier) || !proof.second().verifySignature(verifier)) {
            events.misbehaved(peer.link.id(), "sent a fork proof of " + feed + " that its author did not sign");
            peer.link.close(WireMessage.Reason.INVALID_ENTRY, "invalid fork proof");
            return;
        }
        if (!store.recordFork(proof)) return;
        forkedFeeds.add(feed);
        events.forked(feed);
        for (Peer p : peers.values()) {
            if (p != peer && p.wants.containsKey(feed) && !p.forkTold.contains(feed)) tellFork(p, proof);
        }
    }

    private void routes(Peer peer, List<WireMessage.Route> routes) {
        for (WireMessage.Route r : routes) {
            if (falseAuthor(peer, r.feed(), r.hops())) return;
        }
        Set<AuthorId> changed = new LinkedHashSet<>();
        for (WireMessage.Route r : routes) {
            if (learnRoute(peer, r.feed(), r.hops()) && wanted.contains(r.feed())) changed.add(r.feed());
        }
        rerouted(changed);
    }

    /**
     * Whether {@code peer} claims to be no hops from someone else's feed (only an author is): a
     * lie to draw the feed's traffic, for which it is cut off.
     */
    private boolean falseAuthor(Peer peer, AuthorId feed, int hops) {
        if (hops != 0 || feed.equals(peer.link.id())) return false;
        events.misbehaved(peer.link.id(), "claimed to be the author of " + feed);
        peer.link.close(WireMessage.Reason.PROTOCOL, "false route");
        return true;
    }

    /**
     * Records {@code peer}'s route to the author of a feed it replicates (others are not kept);
     * whether that changed.
     */
    private boolean learnRoute(Peer peer, AuthorId feed, int hops) {
        if (!peer.wants.containsKey(feed)) return false;
        Integer now = hops == WireMessage.NO_ROUTE ? null : hops;
        Integer old = now == null ? peer.routes.remove(feed) : peer.routes.put(feed, now);
        return !Objects.equals(old, now);
    }

    private void clock(Peer peer, Clock c) {
        for (FeedState f : c.feeds()) {
            if (falseAuthor(peer, f.feed(), f.route())) return;
        }
        boolean first = !peer.greeted;
        Set<AuthorId> rerouted = new LinkedHashSet<>();
        for (FeedState f : c.feeds()) {
            AuthorId feed = f.feed();
            long head = store.head(feed);
            if (head == 0 && !peer.holds.containsKey(feed) && !wanted.contains(feed)) {
                // A feed we neither want nor hold: remembered, for the day we want it, up to a
                // bound per peer; past it, ignored. A peer cannot grow our state without end.
                if (f.mode() == Mode.NONE || peer.unknownFeeds >= Limits.UNKNOWN_FEEDS_PER_PEER) continue;
                peer.unknownFeeds++;
            }
            // Whether the peer replicates the feed decides whether its route counts; a peer that
            // starts to replicate it hears our route, if that changed since our last clock said it.
            // (Checked only on that change: clock notes arrive with every new entry.)
            if (peer.wants.containsKey(feed) != (f.mode() != Mode.NONE)) {
                if (wanted.contains(feed)) rerouted.add(feed);
                if (f.mode() != Mode.NONE) {
                    peer.routeNotes.add(feed);
                    // A peer that starts to replicate a feed whose author forked hears the proof, once.
                    if (head > 0 && !peer.forkTold.contains(feed)) store.forkProof(feed).ifPresent(p -> tellFork(peer, p));
                }
            }
            // A clock may trail entries still in flight to the peer, so it only raises what we
            // think the peer holds; an eager request states exactly where to stream from.
            if (f.mode() == Mode.EAGER) peer.holds.put(feed, f.seq());
            else peer.learn(feed, f.seq());
            if (f.mode() == Mode.NONE) {
                peer.wants.remove(feed);
                peer.routes.remove(feed);
            } else {
                peer.wants.put(feed, f.mode());
                if (learnRoute(peer, feed, f.route())) rerouted.add(feed);
            }
            if (head > f.seq()) {
                // A peer that no longer asks eagerly (demoted us to lazy, or lost interest) gets no more of a stream under way.
                if (f.mode() == Mode.EAGER) peer.streaming.add(feed);
                else peer.streaming.remove(feed);
                if (f.mode() == Mode.LAZY) peer.notes.add(feed);
            } else {
                peer.streaming.remove(feed);
            }
            if (!wanted.contains(feed)) continue;
            if (f.seq() > head) {
                if (sources.get(feed) != peer && !distrusted(peer)) lead(feed, peer, f.seq());
                behind(feed, peer, first);
            } else if (f.mode() != Mode.NONE && sources.get(feed) != peer && idle(feed, head)
                    && (sources.get(feed) == null || feed.equals(peer.link.id()))) {
                // Nothing is in flight from the source, so switching costs no copy: the author
                // itself is the shortest path to its feed. (A source that does not list the feed
                // yet is left only when a note comes: leaving it here cost copies, because
                // interest grows while logs arrive.)
                makeSource(feed, peer);
            }
        }
        peer.greeted = true;
        rerouted(rerouted);
        pump(peer);
    }

    /** How long a source may now take to bring what another peer announced before it is replaced. */
    long patience() {
        return patience.millis();
    }

    /** Whether the feed's source, if any, has claimed nothing we do not hold yet. */
    private boolean idle(AuthorId feed, long head) {
        Peer source = sources.get(feed);
        return source == null || source.holds(feed) <= head;
    }

    /** A lazy peer announced {@code seq} of {@code feed}, which we do not hold yet. */
    private void lead(AuthorId feed, Peer peer, long seq) {
        Lead lead = leads.get(feed);
        if (lead != null && lead.open) return; // Another peer announced these entries first.
        if (lead == null || lead.peer != peer) leads.put(feed, lead = new Lead(peer));
        lead.seq = seq;
        lead.open = true;
    }

    /**
     * The source brought entries of {@code feed}. If a lazy peer had announced them first, for
     * the {@link #LEADS_BEFORE_SWITCH}th time running, it becomes the source, now that we hold
     * all it claimed; if nobody had, the source is doing well and the count starts over.
     */
    private void settleLead(AuthorId feed) {
        Lead lead = leads.get(feed);
        if (lead == null) return;
        long head = store.head(feed);
        if (!lead.open) {
            leads.remove(feed);
            return;
        }
        if (head < lead.seq) return;
        lead.open = false;
        if (++lead.times >= LEADS_BEFORE_SWITCH && peers.get(lead.peer.link.id()) == lead.peer
                && lead.peer.holds(feed) <= head && idle(feed, head)) {
            makeSource(feed, lead.peer);
        }
    }

    /** {@code peer} holds more of a wanted feed than we do. */
    private void behind(AuthorId feed, Peer peer, boolean first) {
        if (distrusted(peer) || forked(feed)) return; // Its claims start nothing; past a fork there is nothing to get.
        Peer source = sources.get(feed);
        // A peer's first clock may show it far ahead (we were away), or be the author's own: it
        // takes over at once. Otherwise a peer ahead of us only starts the wait when the source replicates the feed
        // itself: the source is most likely streaming the same new entries already (they reach
        // lazy peers as notes at the same time), and switching at once would bring them twice.
        boolean replicating = source != null && source.wants.containsKey(feed) && source.holds(feed) > 0;
        boolean author = feed.equals(peer.link.id());
        boolean takeOver = first && (peer.holds(feed) - store.head(feed) > CATCH_UP_GAP || author);
        if (source == null) {
            makeSource(feed, peer);
        } else if (source != peer && (takeOver || !replicating)
                && source.holds(feed) < peer.holds(feed) && source.holds(feed) <= store.head(feed)) {
            // A source that replicates the feed and brought all it claimed is not left for a
            // stranger's word (which costs nothing to give): the claimer streams alongside it
            // until its claim is met or it proves empty. The author's word on its own feed stands.
            if (replicating && !author) trial(feed, peer);
            else makeSource(feed, peer);
        } else {
            waiting.putIfAbsent(feed, millis.getAsLong());
        }
    }

    private void makeSource(AuthorId feed, Peer next) {
        Peer old = sources.put(feed, next);
        leads.remove(feed);
        Trial trial = trials.get(feed);
        if (trial != null && trial.peer == next) trials.remove(feed);
        long head = store.head(feed);
        if (old != null && old != next && peers.containsValue(old)) {
            old.asked.put(feed, Mode.LAZY);
            sendClock(old, List.of(new FeedState(feed, head, Mode.LAZY)));
        }
        next.asked.put(feed, Mode.EAGER);
        sendClock(next, List.of(new FeedState(feed, head, Mode.EAGER)));
        if (next.holds(feed) > head) waiting.put(feed, millis.getAsLong());
    }

    private void entries(Peer peer, List<Entry> received) {
        List<Peer> senders = new ArrayList<>(received.size());
        List<Entry> entries = new ArrayList<>(received.size());
        keepWanted(peer, received, senders, entries);
        store(senders, entries);
    }

    /**
     * Only wanted feeds are stored: a peer cannot push an unwanted (say, blocked) author on us,
     * and entries still in flight when a feed stops being wanted are dropped.
     */
    private void keepWanted(Peer peer, List<Entry> received, List<Peer> senders, List<Entry> entries) {
        for (Entry e : received) {
            if (wanted.contains(e.header().author())) {
                senders.add(peer);
                entries.add(e);
            }
        }
    }

    /** Appends entries that came from {@code senders} (one per entry) in one append, and acts on each outcome. */
    private void store(List<Peer> senders, List<Entry> entries) {
        if (entries.isEmpty()) return;
        List<FeedStore.Outcome> outcomes = store.append(entries);
        // For each feed that advanced, the peer whose entry advanced it last.
        Map<AuthorId, Peer> advanced = new LinkedHashMap<>();
        Map<Peer, Set<AuthorId>> resync = new LinkedHashMap<>();
        Map<Peer, Integer> stored = new LinkedHashMap<>();
        Set<Peer> invalid = new HashSet<>();
        Set<AuthorId> forked = new LinkedHashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            Peer peer = senders.get(i);
            AuthorId feed = e.header().author();
            switch (outcomes.get(i)) {
                case INVALID -> {
                    // The peer goes, but what the store kept of its batch is valid: report it and pass it on below.
                    if (invalid.add(peer)) {
                        events.misbehaved(peer.link.id(), "sent an invalid entry of " + feed + " #" + e.header().seq());
                        peer.link.close(WireMessage.Reason.INVALID_ENTRY, "invalid entry " + e.id());
                    }
                }
                case STORED -> {
                    stored.merge(peer, 1, Integer::sum);
                    advanced.put(feed, peer);
                    peer.learn(feed, e.header().seq());
                    Trial trial = trials.get(feed);
                    if (trial != null && trial.peer == peer) {
                        trial.delivered = true;
                        trial.quietSince = millis.getAsLong();
                    }
                }
                case DUPLICATE -> peer.learn(feed, e.header().seq());
                case FORK -> {
                    peer.learn(feed, e.header().seq());
                    forked.add(feed);
                    forkedFeeds.add(feed);
                }
                case PAST_FORK -> {
                    peer.learn(feed, e.header().seq());
                    forkedFeeds.add(feed);
                }
                case OUT_OF_ORDER -> {
                    if (e.header().seq() > store.head(feed) + 1) resync.computeIfAbsent(peer, k -> new LinkedHashSet<>()).add(feed);
                }
            }
        }
        stored.forEach((peer, count) -> events.stored(peer.link.id(), count));
        for (AuthorId feed : forked) {
            Optional<WireMessage.ForkProof> proof = store.forkProof(feed);
            if (proof.isEmpty()) continue;
            events.forked(feed);
            for (Peer p : peers.values()) {
                if (p.wants.containsKey(feed) && !p.forkTold.contains(feed)) tellFork(p, proof.get());
            }
        }
        resync.forEach((peer, feeds) -> {
            if (invalid.contains(peer)) return;
            for (AuthorId feed : feeds) {
                // The peer skipped ahead of what we hold: restate where we are so it streams from there.
                sendClock(peer, List.of(new FeedState(feed, store.head(feed), peer.asked.getOrDefault(feed, Mode.NONE))));
            }
        });
        advanced.forEach((feed, peer) -> {
            if (sources.get(feed) == peer) settleLead(feed);
            settleTrial(feed);
            advanced(feed);
        });
    }

    private void pump(Peer peer) {
        while (!peer.streaming.isEmpty() && peer.link.writable() && peers.get(peer.link.id()) == peer) {
            AuthorId feed = peer.streaming.iterator().next();
            peer.streaming.remove(feed);
            long head = store.head(feed);
            long from = peer.holds(feed) + 1;
            List<Entry> batch = from <= head ? store.read(feed, from, BATCH_ENTRIES, BATCH_BYTES) : List.of();
            if (!batch.isEmpty()) {
                peer.link.send(new Entries(batch));
                peer.learn(feed, batch.get(batch.size() - 1).header().seq());
            }
            if (peer.holds(feed) < head && !batch.isEmpty()) {
                peer.streaming.add(feed); // to the back: feeds take turns
            } else if (head > 0) {
                peer.notes.remove(feed);
                // Said once per feed and connection, when the backlog is done; live pushes need no more.
                if (peer.caughtUpSent.add(feed)) peer.link.send(new CaughtUp(feed, head));
            }
        }
    }

    /** Sends the notes that piled up while handling a message: one clock per peer, and the routes that changed. */
    private void flush() {
        sendRoutes(false);
        for (Peer p : peers.values()) {
            pump(p);
            if (p.notes.isEmpty()) continue;
            List<FeedState> list = new ArrayList<>(p.notes.size());
            for (AuthorId feed : p.notes) {
                long head = store.head(feed);
                if (head > p.holds(feed)) {
                    list.add(new FeedState(feed, head, p.asked.getOrDefault(feed, Mode.NONE)));
                    p.learn(feed, head);
                }
            }
            p.notes.clear();
            if (!list.isEmpty()) sendClock(p, list);
        }
    }

    /** Sends {@code states} to {@code peer}, each with our route to its feed's author as the peer should hear it. */
    private void sendClock(Peer peer, List<FeedState> states) {
        List<FeedState> feeds = new ArrayList<>(states.size());
        for (FeedState f : states) {
            int hops = f.mode() == Mode.NONE ? WireMessage.NO_ROUTE : route(f.feed(), peer);
            if (hops == WireMessage.NO_ROUTE) peer.toldRoutes.remove(f.feed());
            else peer.toldRoutes.put(f.feed(), hops);
            feeds.add(f.withRoute(hops));
        }
        for (int i = 0; i < feeds.size(); i += WireMessage.MAX_CLOCK_FEEDS) {
            peer.link.send(new Clock(feeds.subList(i, Math.min(feeds.size(), i + WireMessage.MAX_CLOCK_FEEDS))));
        }
        if (feeds.isEmpty()) peer.link.send(new Clock(List.of()));
    }

    /**
     * The connected peer (other than {@code except}) holding the most of {@code feed}, as far as
     * we believe it, or any if none holds it.
     */
    private Peer best(AuthorId feed, Peer except) {
        Peer best = null;
        long most = -1;
        for (Peer p : peers.values()) {
            if (p == except || !visibility.feed(p.link.id(), feed)) continue;
            long held = believed(p, feed);
            if (held > most) {
                best = p;
                most = held;
            }
        }
        return best;
    }

    /** The most of {@code feed} a connected peer holds, as far as we believe it. */
    private long bestHeld(AuthorId feed) {
        long best = 0;
        for (Peer p : peers.values()) best = Math.max(best, believed(p, feed));
        return best;
    }

    /** Per wanted feed: what we hold, the most any peer holds, whether a peer said we have it all. */
    public List<FeedSync> sync() {
        List<FeedSync> out = new ArrayList<>();
        for (AuthorId feed : wanted) {
            long head = store.head(feed);
            long best = Math.max(head, bestHeld(feed));
            out.add(new FeedSync(feed, head, best, head >= best));
        }
        return out;
    }

    public record FeedSync(AuthorId feed, long local, long bestSeen, boolean caughtUp) {}

    /**
     * How replication of {@code feed} stands, for a person or a test finding out why entries do
     * not arrive: what we hold, the source and any wait, and what each connected peer told and
     * was asked. Peers are named by {@code name}.
     */
    public String explain(AuthorId feed, Function<AuthorId, String> name) {
        StringBuilder b = new StringBuilder();
        long head = store.head(feed);
        Peer source = sources.get(feed);
        Long since = waiting.get(feed);
        b.append(wanted.contains(feed) ? "wanted" : "not wanted").append(", hold ").append(head)
                .append(", source ").append(source == null ? "none" : name.apply(source.link.id()))
                .append(since == null ? ", not waiting" : ", waiting " + (millis.getAsLong() - since) + " ms of " + patience.millis())
                .append(", ").append(hops(route(feed, null)));
        Trial trial = trials.get(feed);
        if (trial != null) {
            b.append(", trying ").append(name.apply(trial.peer.link.id())).append(" alongside for up to ").append(trial.seq);
        }
        for (Peer p : peers.values()) {
            b.append("\n  peer ").append(name.apply(p.link.id())).append(": holds ").append(p.holds(feed))
                    .append(", wants ").append(p.wants.getOrDefault(feed, Mode.NONE))
                    .append(", asked ").append(p.asked.getOrDefault(feed, Mode.NONE));
            if (feed.equals(p.link.id())) b.append(", the author");
            else if (routeVia(p, feed) != WireMessage.NO_ROUTE) b.append(", ").append(hops(routeVia(p, feed)));
            if (p.caughtUp.containsKey(feed)) b.append(", caught us up to ").append(p.caughtUp.get(feed));
            if (p.streaming.contains(feed)) b.append(", streaming to it");
            if (!p.greeted) b.append(", no clock yet");
            if (distrusted(p)) b.append(", its claims not believed");
            if (!p.link.writable()) b.append(", not writable");
        }
        return b.toString();
    }

    private static String hops(int route) {
        if (route == 0) return "the author";
        return route == WireMessage.NO_ROUTE ? "no route to the author" : "author " + route + (route == 1 ? " hop" : " hops") + " away";
    }

    /** How many feeds connected peers named that are kept track of, summed over the peers. */
    public int feedsTracked() {
        int sum = 0;
        for (Peer p : peers.values()) sum += p.holds.size();
        return sum;
    }

    /** How many feeds {@code peer}'s clocks named that are kept track of (for tests of the bound). */
    int feedsNamedBy(AuthorId peer) {
        Peer p = peers.get(peer);
        return p == null ? 0 : p.holds.size();
    }

    public Set<AuthorId> connectedPeers() {
        return Set.copyOf(peers.keySet());
    }
}
