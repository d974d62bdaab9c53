package org.grapevine.node.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import org.grapevine.gossip.replication.Replicator;
import org.grapevine.gossip.transport.PeerChannel;
import org.grapevine.gossip.wire.MessageType;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.content.ContentKinds;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.protocol.Protocol;
import org.grapevine.node.store.Store;

/**
 * The replication protocol on a node: {@link Replicator} over the store, for the feeds the
 * follow graph makes interesting ({@link Interest}). Entries messages that follow one another
 * (from one peer or several) are stored with one append, so a node that falls behind catches up
 * with one commit per run instead of one per message.
 */
public final class ReplicationProtocol implements Protocol {
    /** At most this many entries per append. */
    static final int RUN_ENTRIES = 4096;

    private final Replicator replicator;
    private final Store store;
    private final AuthorId self;
    private final Interest interest;
    /** Hears of every batch of entries a peer sends, copies included, before they are checked. */
    private final BiConsumer<AuthorId, List<Entry>> observer;
    private final List<Replicator.Arrival> run = new ArrayList<>();
    private final List<Runnable> runDone = new ArrayList<>();
    private int runEntries;
    private boolean graphChanged;
    /** The feeds this node wants, for Netty's threads: entries of others are dropped unchecked. */
    private volatile Set<AuthorId> wantedFeeds = Set.of();

    public ReplicationProtocol(Replicator replicator, Store store, AuthorId self, Interest interest, BiConsumer<AuthorId, List<Entry>> observer) {
        this.replicator = replicator;
        this.store = store;
        this.self = self;
        this.interest = interest;
        this.observer = observer;
    }

    @Override
    public Set<MessageType> types() {
        return Set.of(MessageType.CLOCK, MessageType.ENTRIES, MessageType.CAUGHT_UP, MessageType.ROUTES, MessageType.FORK_PROOF);
    }

    public Replicator replicator() {
        return replicator;
    }

    @Override
    public void connected(PeerChannel peer) {
        replicator.connected(peer);
    }

    @Override
    public void disconnected(AuthorId peer) {
        replicator.disconnected(peer);
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
    public void received(PeerChannel peer, WireMessage message, Runnable done) {
        if (message instanceof WireMessage.Entries e) {
            observer.accept(peer.id(), e.entries());
            run.add(new Replicator.Arrival(peer.id(), e.entries()));
            runDone.add(done);
            runEntries += e.entries().size();
            graphChanged |= touchesGraph(e.entries());
            if (runEntries >= RUN_ENTRIES) flush();
            return;
        }
        try {
            flush();
        } finally {
            try {
                replicator.received(peer.id(), message);
            } finally {
                done.run();
            }
        }
    }

    /** Stores the run of Entries messages received since the last flush. */
    @Override
    public void flush() {
        if (run.isEmpty()) return;
        boolean refresh = graphChanged;
        List<Replicator.Arrival> arrivals = List.copyOf(run);
        List<Runnable> done = List.copyOf(runDone);
        run.clear();
        runDone.clear();
        runEntries = 0;
        graphChanged = false;
        try {
            replicator.receivedEntries(arrivals);
        } finally {
            // Handled whatever became of the run: its bytes must count as handled.
            done.forEach(Runnable::run);
        }
        if (refresh) refreshInterest();
    }

    /**
     * The node stored {@code entry} in a log it writes (the user's own, or a channel persona's):
     * push it, and work out the wanted feeds again if its kind changes them.
     */
    public void published(Entry entry) {
        replicator.advanced(entry.header().author());
        if (ContentKinds.changesInterest(entry.header().contentType())) refreshInterest();
    }

    /** Works out the wanted feeds again from the interest rules (a follow or block was stored, a channel joined). */
    public void refreshInterest() {
        Set<AuthorId> feeds = interest.feeds(store.indexes(), self);
        replicator.setWanted(feeds);
        wantedFeeds = Set.copyOf(feeds);
    }

    /** Whether entries of {@code feed} are wanted; safe from any thread. */
    public boolean wants(AuthorId feed) {
        return wantedFeeds.contains(feed);
    }

    private static boolean touchesGraph(List<Entry> entries) {
        for (Entry e : entries) {
            if (ContentKinds.changesInterest(e.header().contentType())) return true;
        }
        return false;
    }
}
