package org.grapevine.gossip.replication;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.grapevine.gossip.limits.Limits;
import org.grapevine.gossip.policy.Visibility;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.gossip.wire.WireMessage.CaughtUp;
import org.grapevine.gossip.wire.WireMessage.Clock;
import org.grapevine.gossip.wire.WireMessage.Entries;
import org.grapevine.gossip.wire.WireMessage.FeedState;
import org.grapevine.gossip.wire.WireMessage.Mode;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.Verifier;
import org.grapevine.identity.log.Entry;

/**
 * Log replication with every connected peer (docs/PROTOCOL.md, "Replication"). Peers swap clocks
 * on connect and afterwards only changes. For each wanted feed one peer is the eager source that
 * streams entries; the others send only notes of their latest sequence, and a note of entries the
 * source fails to deliver in time makes that peer the source instead. So each entry reaches a node
 * about once, as in epidemic broadcast trees.
 *
 * <p>This class reads what peers say and stores what they send; three parts hold the rest:
 * {@link Sources} (which peer streams each feed, and when to change it), {@link Routes} (how far
 * each author is), and {@link Streams} (what each peer is sent).
 *
 * <p>Not thread-safe: the node calls it from one thread.
 */
public final class Replicator {
    /** Times running a lazy peer must announce entries before the source brings them to become the source. */
    static final int LEADS_BEFORE_SWITCH = Sources.LEADS_BEFORE_SWITCH;
    /** The longest patience grows, in multiples of the configured switch time. */
    static final int MAX_PATIENCE_FACTOR = 8;
    /** How long a peer whose claim was not kept is not believed, in multiples of the longest patience. */
    static final int DISTRUST_FACTOR = 75;

    private final FeedStore store;
    private final Events events;
    private final Visibility visibility;
    private final Map<AuthorId, ReplicaPeer> peers = new LinkedHashMap<>();
    /** The feeds this node wants; the parts read the same set. */
    private final Set<AuthorId> wanted = new LinkedHashSet<>();
    private final Routes routes;
    private final Streams streams;
    private final Sources sources;
    /** Feeds whose authors forked: nothing past the fork is stored, so nothing more is waited for or asked. */
    private final Set<AuthorId> forkedFeeds = new HashSet<>();
    /** Checks the signatures of fork proofs from peers. */
    private final Verifier verifier = new Verifier(16);

    /** What replication reports to the node (for its event log and peer scoring). */
    public interface Events {
        void stored(AuthorId peer, int count);

        void misbehaved(AuthorId peer, String reason);

        /** The peer did not keep a claim: it stays connected, but its claims are not believed for a while. */
        default void distrusted(AuthorId peer, String reason) {}

        /** {@code author} is now known to have forked its log (an entry, or a peer's proof, showed it). */
        default void forked(AuthorId author) {}
    }

    /**
     * The feeds this node writes besides its own (channel personas): their routes are told as one
     * hop, never as "the author is here".
     */
    public void authored(Set<AuthorId> feeds) {
        routes.authored.clear();
        routes.authored.addAll(feeds);
    }

    /** Replication for the node {@code self}, whose own feed is {@code self}'s. */
    public Replicator(AuthorId self, FeedStore store, LongSupplier millis, long switchAfterMillis, Events events) {
        this(self, store, millis, switchAfterMillis, events, Visibility.PUBLIC);
    }

    /**
     * A replicator that asks a peer for a feed, takes it as the feed's source, or tells it a route,
     * only where {@code visibility} shows the feed to that peer. (What is sent and received is also
     * filtered by the node, per peer; this keeps source choice from settling on a peer that will
     * never hear the request.) When what a peer may see changes within its connection, call
     * {@link #visibilityChanged}.
     */
    public Replicator(AuthorId self, FeedStore store, LongSupplier millis, long switchAfterMillis, Events events, Visibility visibility) {
        this.store = store;
        this.events = events;
        this.visibility = visibility;
        this.routes = new Routes(self, peers, wanted, visibility);
        this.streams = new Streams(store, peers, routes);
        this.sources = new Sources(store, millis, events, visibility, peers, wanted, streams, this::forked,
                new Patience(switchAfterMillis, switchAfterMillis * MAX_PATIENCE_FACTOR),
                switchAfterMillis * MAX_PATIENCE_FACTOR * DISTRUST_FACTOR);
    }

    /** Sets the feeds this node wants (its own among them) and tells peers what changed. */
    public void setWanted(Set<AuthorId> feeds) {
        Set<AuthorId> added = new LinkedHashSet<>(feeds);
        added.removeAll(wanted);
        Set<AuthorId> removed = new LinkedHashSet<>(wanted);
        removed.removeAll(feeds);
        wanted.clear();
        wanted.addAll(feeds);
        Map<ReplicaPeer, List<FeedState>> changes = new LinkedHashMap<>();
        for (AuthorId feed : removed) {
            sources.forget(feed);
            for (ReplicaPeer p : peers.values()) {
                if (p.asked.remove(feed) != null) changes.computeIfAbsent(p, k -> new ArrayList<>()).add(new FeedState(feed, store.head(feed), Mode.NONE));
            }
        }
        routes.wantedChanged(removed);
        for (AuthorId feed : added) {
            routes.wantedChanged(Set.of(feed));
            ReplicaPeer source = sources.choose(feed);
            for (ReplicaPeer p : peers.values()) {
                if (!visibility.feed(p.link.id(), feed)) continue;
                Mode mode = p == source ? Mode.EAGER : Mode.LAZY;
                p.asked.put(feed, mode);
                changes.computeIfAbsent(p, k -> new ArrayList<>()).add(new FeedState(feed, store.head(feed), mode));
            }
        }
        changes.forEach(streams::clock);
        routes.send(false);
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
        return routes.unserved();
    }

    /**
     * A peer finished its handshake. Returns false if one with the same id is already connected
     * (the caller then closes the new connection).
     */
    public boolean connected(PeerLink link) {
        if (peers.containsKey(link.id())) return false;
        ReplicaPeer peer = new ReplicaPeer(link);
        sources.remember(peer);
        peers.put(link.id(), peer);
        List<FeedState> clock = new ArrayList<>(wanted.size());
        for (AuthorId feed : wanted) {
            if (!visibility.feed(link.id(), feed)) continue;
            clock.add(new FeedState(feed, store.head(feed), sources.greet(peer, feed)));
        }
        streams.clock(peer, clock);
        // The peer hears our routes once its clock tells which feeds it replicates.
        if (wanted.contains(link.id())) routes.rerouted(Set.of(link.id())); // The author itself: a route of one hop.
        return true;
    }

    public void disconnected(AuthorId peerId) {
        ReplicaPeer gone = peers.remove(peerId);
        if (gone == null) return;
        Set<AuthorId> lost = new LinkedHashSet<>();
        for (AuthorId feed : wanted) {
            if (Routes.via(gone, feed) != WireMessage.NO_ROUTE) lost.add(feed);
        }
        routes.rerouted(lost);
        sources.disconnected(gone);
        flush();
    }

    /** Handles one message from a connected peer. */
    public void received(AuthorId peerId, WireMessage message) {
        ReplicaPeer peer = peers.get(peerId);
        if (peer == null) return;
        if (message instanceof Clock c) {
            clock(peer, c);
        } else if (message instanceof Entries e) {
            List<ReplicaPeer> senders = new ArrayList<>(e.entries().size());
            List<Entry> entries = new ArrayList<>(e.entries().size());
            keepWanted(peer, e.entries(), senders, entries);
            store(senders, entries);
        } else if (message instanceof CaughtUp c) {
            // Noted only for feeds the peer named or we want: a feed neither side named costs no memory.
            if (peer.holds.containsKey(c.feed()) || wanted.contains(c.feed())) {
                peer.learn(c.feed(), c.seq());
                peer.caughtUp.merge(c.feed(), c.seq(), Math::max);
            }
        } else if (message instanceof WireMessage.Routes r) {
            if (r.routes().stream().noneMatch(route -> falseAuthor(peer, route.feed(), route.hops()))) routes.received(peer, r.routes());
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
        List<ReplicaPeer> senders = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        for (Arrival a : arrivals) {
            ReplicaPeer peer = peers.get(a.peer());
            if (peer != null) keepWanted(peer, a.entries(), senders, entries);
        }
        store(senders, entries);
        flush();
    }

    /** New entries of {@code feed} were stored locally (posted here, or arrived): pass them on. */
    public void advanced(AuthorId feed) {
        long head = store.head(feed);
        streams.advanced(feed, head);
        sources.advanced(feed, head);
        flush();
    }

    /**
     * What {@code peerId} may see changed (it proved it belongs somewhere, or no longer does):
     * wanted feeds it now sees are asked of it as on connect, and it stops being the source, or
     * being streamed, of feeds hidden from it now.
     */
    public void visibilityChanged(AuthorId peerId) {
        ReplicaPeer peer = peers.get(peerId);
        if (peer == null) return;
        List<FeedState> clock = new ArrayList<>();
        for (AuthorId feed : wanted) {
            boolean visible = visibility.feed(peerId, feed);
            if (visible && !peer.asked.containsKey(feed)) {
                clock.add(new FeedState(feed, store.head(feed), sources.greet(peer, feed)));
            } else if (!visible) {
                peer.asked.remove(feed);
                sources.hidden(peer, feed);
            }
        }
        // What it asked of us for feeds hidden from it now is forgotten: nothing more of them is streamed or noted to it.
        peer.wants.keySet().removeIf(feed -> !visibility.feed(peerId, feed));
        peer.routes.keySet().removeIf(feed -> !visibility.feed(peerId, feed));
        peer.streaming.removeIf(feed -> !visibility.feed(peerId, feed));
        peer.notes.removeIf(feed -> !visibility.feed(peerId, feed));
        if (!clock.isEmpty()) streams.clock(peer, clock);
        flush();
    }

    /** A peer's connection can take more bytes again. */
    public void writable(AuthorId peerId) {
        ReplicaPeer peer = peers.get(peerId);
        if (peer != null) streams.pump(peer);
    }

    /**
     * Called now and then: routes that got shorter are told, and sources that do not deliver in
     * time are replaced ({@link Sources#tick}).
     */
    public void tick() {
        routes.send(true);
        sources.tick();
    }

    /** How long a source may now take to bring what another peer announced before it is replaced. */
    long patience() {
        return sources.patience();
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

    private void tellFork(ReplicaPeer peer, WireMessage.ForkProof proof) {
        peer.forkTold.add(proof.author());
        peer.link.send(proof);
    }

    /**
     * A peer's proof that an author forked: checked, recorded, and passed on to the peers that
     * replicate the feed, so every node marks the author forked. Proofs of feeds we neither want
     * nor hold, or of authors known forked already, cost nothing; a proof that does not check out
     * costs the peer its connection.
     */
    private void forkProof(ReplicaPeer peer, WireMessage.ForkProof proof) {
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
        for (ReplicaPeer p : peers.values()) {
            if (p != peer && p.wants.containsKey(feed) && !p.forkTold.contains(feed)) tellFork(p, proof);
        }
    }

    /**
     * Whether {@code peer} claims to be no hops from someone else's feed (only an author is): a
     * lie to draw the feed's traffic, for which it is cut off.
     */
    private boolean falseAuthor(ReplicaPeer peer, AuthorId feed, int hops) {
        if (hops != 0 || feed.equals(peer.link.id())) return false;
        events.misbehaved(peer.link.id(), "claimed to be the author of " + feed);
        peer.link.close(WireMessage.Reason.PROTOCOL, "false route");
        return true;
    }

    private void clock(ReplicaPeer peer, Clock c) {
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
                if (routes.learn(peer, feed, f.route())) rerouted.add(feed);
            }
            if (head > f.seq()) {
                // A peer that no longer asks eagerly (demoted us to lazy, or lost interest) gets no more of a stream under way.
                if (f.mode() == Mode.EAGER) peer.streaming.add(feed);
                else peer.streaming.remove(feed);
                if (f.mode() == Mode.LAZY) peer.notes.add(feed);
            } else {
                peer.streaming.remove(feed);
            }
            if (wanted.contains(feed)) sources.clocked(peer, feed, f.seq(), f.mode(), first);
        }
        peer.greeted = true;
        routes.rerouted(rerouted);
        streams.pump(peer);
    }

    /**
     * Only wanted feeds are stored: a peer cannot push an unwanted (say, blocked) author on us,
     * and entries still in flight when a feed stops being wanted are dropped.
     */
    private void keepWanted(ReplicaPeer peer, List<Entry> received, List<ReplicaPeer> senders, List<Entry> entries) {
        for (Entry e : received) {
            if (wanted.contains(e.header().author())) {
                senders.add(peer);
                entries.add(e);
            }
        }
    }

    /** Appends entries that came from {@code senders} (one per entry) in one append, and acts on each outcome. */
    private void store(List<ReplicaPeer> senders, List<Entry> entries) {
        if (entries.isEmpty()) return;
        List<FeedStore.Outcome> outcomes = store.append(entries);
        // For each feed that advanced, the peer whose entry advanced it last.
        Map<AuthorId, ReplicaPeer> advanced = new LinkedHashMap<>();
        Map<ReplicaPeer, Set<AuthorId>> resync = new LinkedHashMap<>();
        Map<ReplicaPeer, Integer> stored = new LinkedHashMap<>();
        Set<ReplicaPeer> invalid = new HashSet<>();
        Set<AuthorId> forked = new LinkedHashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            ReplicaPeer peer = senders.get(i);
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
                    sources.delivered(feed, peer);
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
            for (ReplicaPeer p : peers.values()) {
                if (p.wants.containsKey(feed) && !p.forkTold.contains(feed)) tellFork(p, proof.get());
            }
        }
        resync.forEach((peer, feeds) -> {
            if (invalid.contains(peer)) return;
            for (AuthorId feed : feeds) {
                // The peer skipped ahead of what we hold: restate where we are so it streams from there.
                streams.clock(peer, List.of(new FeedState(feed, store.head(feed), peer.asked.getOrDefault(feed, Mode.NONE))));
            }
        });
        advanced.forEach((feed, peer) -> {
            sources.settled(feed, peer);
            advanced(feed);
        });
    }

    /** Sends the notes that piled up while handling a message: the routes that changed, then entries and one clock per peer. */
    private void flush() {
        routes.send(false);
        streams.flush();
    }

    /** Per wanted feed: what we hold, the most any peer holds, whether a peer said we have it all. */
    public List<FeedSync> sync() {
        List<FeedSync> out = new ArrayList<>();
        for (AuthorId feed : wanted) {
            long head = store.head(feed);
            long best = Math.max(head, sources.bestHeld(feed));
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
        b.append(wanted.contains(feed) ? "wanted" : "not wanted").append(", hold ").append(store.head(feed))
                .append(", ").append(sources.explainSource(feed, name))
                .append(", ").append(Routes.describe(routes.route(feed, null)))
                .append(sources.explainTrial(feed, name));
        for (ReplicaPeer p : peers.values()) {
            b.append("\n  peer ").append(name.apply(p.link.id())).append(": holds ").append(p.holds(feed))
                    .append(", wants ").append(p.wants.getOrDefault(feed, Mode.NONE))
                    .append(", asked ").append(p.asked.getOrDefault(feed, Mode.NONE));
            if (feed.equals(p.link.id())) b.append(", the author");
            else if (Routes.via(p, feed) != WireMessage.NO_ROUTE) b.append(", ").append(Routes.describe(Routes.via(p, feed)));
            if (p.caughtUp.containsKey(feed)) b.append(", caught us up to ").append(p.caughtUp.get(feed));
            if (p.streaming.contains(feed)) b.append(", streaming to it");
            if (!p.greeted) b.append(", no clock yet");
            if (sources.distrusted(p)) b.append(", its claims not believed");
            if (!p.link.writable()) b.append(", not writable");
        }
        return b.toString();
    }

    /** How many feeds connected peers named that are kept track of, summed over the peers. */
    public int feedsTracked() {
        int sum = 0;
        for (ReplicaPeer p : peers.values()) sum += p.holds.size();
        return sum;
    }

    /** How many feeds {@code peer}'s clocks named that are kept track of (for tests of the bound). */
    int feedsNamedBy(AuthorId peer) {
        ReplicaPeer p = peers.get(peer);
        return p == null ? 0 : p.holds.size();
    }

    public Set<AuthorId> connectedPeers() {
        return Set.copyOf(peers.keySet());
    }
}
