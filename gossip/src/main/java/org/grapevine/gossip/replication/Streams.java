package org.grapevine.gossip.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.grapevine.gossip.wire.WireMessage.CaughtUp;
import org.grapevine.gossip.wire.WireMessage.Clock;
import org.grapevine.gossip.wire.WireMessage.Entries;
import org.grapevine.gossip.wire.WireMessage.FeedState;
import org.grapevine.gossip.wire.WireMessage.Mode;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.log.Entry;

/**
 * What each peer is sent of the feeds it replicates from us: entries streamed to eager peers in
 * batches while their link takes them (feeds taking turns), a caught-up note once a backlog is
 * done, notes of our latest sequence to lazy peers, and every clock, with our routes.
 */
final class Streams {
    static final int BATCH_ENTRIES = 1024;
    static final int BATCH_BYTES = 512 * 1024;

    private final FeedStore store;
    private final Map<AuthorId, ReplicaPeer> peers;
    private final Routes routes;

    Streams(FeedStore store, Map<AuthorId, ReplicaPeer> peers, Routes routes) {
        this.store = store;
        this.peers = peers;
        this.routes = routes;
    }

    /** New entries of {@code feed} are held here: eager peers lacking them get them streamed, lazy ones a note. */
    void advanced(AuthorId feed, long head) {
        for (ReplicaPeer p : peers.values()) {
            if (p.holds(feed) >= head) continue;
            Mode mode = p.wants.getOrDefault(feed, Mode.NONE);
            if (mode == Mode.EAGER) p.streaming.add(feed);
            else if (mode == Mode.LAZY) p.notes.add(feed);
        }
    }

    /** Streams to {@code peer} while its link takes more. */
    void pump(ReplicaPeer peer) {
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

    /** Sends what piled up while handling a message: entries, then one clock of notes, per peer. */
    void flush() {
        for (ReplicaPeer p : peers.values()) {
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
            if (!list.isEmpty()) clock(p, list);
        }
    }

    /** Sends {@code states} to {@code peer}, each with our route to its feed's author as the peer should hear it. */
    void clock(ReplicaPeer peer, List<FeedState> states) {
        List<FeedState> feeds = new ArrayList<>(states.size());
        for (FeedState f : states) feeds.add(routes.tell(peer, f));
        for (int i = 0; i < feeds.size(); i += WireMessage.MAX_CLOCK_FEEDS) {
            peer.link.send(new Clock(feeds.subList(i, Math.min(feeds.size(), i + WireMessage.MAX_CLOCK_FEEDS))));
        }
        if (feeds.isEmpty()) peer.link.send(new Clock(List.of()));
    }

    /** Asks {@code peer} for {@code feed} in {@code mode}, from what we hold. */
    void ask(ReplicaPeer peer, AuthorId feed, Mode mode) {
        peer.asked.put(feed, mode);
        clock(peer, List.of(new FeedState(feed, store.head(feed), mode)));
    }
}
