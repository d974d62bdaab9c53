package org.grapevine.gossip.replication;

import org.grapevine.gossip.sim.SimNet;
import org.grapevine.gossip.sim.SimWire;
import org.grapevine.gossip.wire.WireMessage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;

/** A simulated node: an identity, a {@link MemoryFeedStore} and a {@link Replicator} on the network's clock. */
final class SimNode implements Replicator.Events, SimNet.Node {
    /** How long a source may take before another peer is asked, in every simulated node. */
    static final long SWITCH_AFTER_MILLIS = 2_000;

    private final SimNet<SimNode> network;
    private final String name;
    private final Identity identity;
    private final MemoryFeedStore store = new MemoryFeedStore();
    private final Replicator replicator;
    private final List<AuthorId> misbehavingPeers = new ArrayList<>();
    private final List<String> misbehaviour = new ArrayList<>();
    private int storedReported;

    /** A simulated network of replicating nodes. */
    static SimNet<SimNode> network() {
        return new SimNet<>(SimNode::new);
    }

    SimNode(SimNet<SimNode> network, String name) {
        this.network = network;
        this.name = name;
        this.identity = Identity.fromSeed(seed(name));
        this.replicator = new Replicator(identity.id(), store, network::now, SWITCH_AFTER_MILLIS, this);
        replicator.setWanted(Set.of(identity.id()));
    }

    private static byte[] seed(String name) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Wants its own feed and those of {@code authors}, as the node would within its hop limit. */
    SimNode wants(SimNode... authors) {
        Set<AuthorId> feeds = new LinkedHashSet<>();
        feeds.add(id());
        for (SimNode a : authors) feeds.add(a.id());
        replicator.setWanted(feeds);
        return this;
    }

    /** Signs the next entry of this node's log, stores it and lets replication pass it on. */
    Entry post(String text) {
        List<Entry> log = store.entries(id());
        Entry previous = log.isEmpty() ? null : log.get(log.size() - 1);
        Entry e = Entry.create(identity, log.size() + 1, previous == null ? null : previous.id(), network.now(),
                Content.Post.text(text));
        assertEquals(List.of(FeedStore.Outcome.STORED), store.append(List.of(e)), () -> name + " posting " + text);
        replicator.advanced(id());
        return e;
    }

    /** Posts {@code n} entries "{name} 1", "{name} 2", ... */
    void posts(int n) {
        long first = holds(this) + 1;
        for (long i = first; i < first + n; i++) post(name + " " + i);
    }

    long holds(SimNode author) {
        return store.head(author.id());
    }

    /** The texts of {@code author}'s posts this node holds, in sequence order. */
    List<String> texts(SimNode author) {
        List<String> out = new ArrayList<>();
        for (Entry e : store.entries(author.id())) {
            try {
                out.add(((Content.Post) e.decodeContent()).text());
            } catch (Malformed m) {
                throw new AssertionError(m);
            }
        }
        return out;
    }

    /** True when every wanted feed is as far as any peer has said it goes. */
    boolean caughtUp() {
        return replicator.sync().stream().allMatch(Replicator.FeedSync::caughtUp);
    }

    @Override
    public void stored(AuthorId peer, int count) {
        storedReported += count;
    }

    @Override
    public void misbehaved(AuthorId peer, String reason) {
        misbehavingPeers.add(peer);
        misbehaviour.add(reason);
    }

    List<AuthorId> misbehavingPeers() {
        return List.copyOf(misbehavingPeers);
    }

    List<String> misbehaviour() {
        return List.copyOf(misbehaviour);
    }

    int storedReported() {
        return storedReported;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public AuthorId id() {
        return identity.id();
    }

    @Override
    public boolean connected(SimWire link) {
        return replicator.connected(link);
    }

    @Override
    public void disconnected(AuthorId peer) {
        replicator.disconnected(peer);
    }

    @Override
    public void received(AuthorId from, WireMessage message) {
        replicator.received(from, message);
    }

    @Override
    public void writable(AuthorId peer) {
        replicator.writable(peer);
    }

    @Override
    public void tick() {
        replicator.tick();
    }

    @Override
    public void resetCounters() {
        store.resetCounts();
    }

    Identity identity() {
        return identity;
    }

    MemoryFeedStore store() {
        return store;
    }

    Replicator replicator() {
        return replicator;
    }

    @Override
    public String toString() {
        return name;
    }
}
