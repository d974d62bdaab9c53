package org.grapevine.gossip.replication;

import org.grapevine.gossip.sim.RecordingPeer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.grapevine.gossip.policy.Visibility;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.gossip.wire.WireMessage.FeedState;
import org.grapevine.gossip.wire.WireMessage.Mode;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.junit.jupiter.api.Test;

/** What a peer is sent of the feeds it replicates from us. */
class StreamsTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Identity self = Identity.generate(RANDOM);
    private final Identity author = Identity.generate(RANDOM);
    private final MemoryFeedStore store = new MemoryFeedStore();
    private final Map<AuthorId, ReplicaPeer> peers = new LinkedHashMap<>();
    private final Set<AuthorId> wanted = new LinkedHashSet<>();
    private final Routes routes = new Routes(self.id(), peers, wanted, Visibility.PUBLIC);
    private final Streams streams = new Streams(store, peers, routes);

    private ReplicaPeer peer() {
        ReplicaPeer p = new ReplicaPeer(new RecordingPeer(Identity.generate(RANDOM).id()));
        peers.put(p.link.id(), p);
        return p;
    }

    private void posts(int n) {
        List<Entry> entries = new ArrayList<>();
        Entry previous = null;
        for (int seq = 1; seq <= n; seq++) {
            Entry e = Entry.create(author, seq, previous == null ? null : previous.id(), 1_700_000_000_000L + seq, Content.Post.text("post " + seq));
            entries.add(e);
            previous = e;
        }
        store.append(entries);
    }

    @Test
    void anEagerPeerIsStreamedInBatchesWhileItsLinkTakesThemThenToldItCaughtUpOnce() {
        posts(Streams.BATCH_ENTRIES + 10);
        ReplicaPeer p = peer();
        RecordingPeer link = (RecordingPeer) p.link;
        p.wants.put(author.id(), Mode.EAGER);
        p.streaming.add(author.id());

        link.setWritable(false);
        streams.pump(p);
        assertEquals(List.of(), link.sent(), "nothing while the link is full");

        link.setWritable(true);
        streams.pump(p);
        List<Integer> batches = link.sent().stream().filter(m -> m instanceof WireMessage.Entries)
                .map(m -> ((WireMessage.Entries) m).entries().size()).toList();
        assertEquals(List.of(Streams.BATCH_ENTRIES, 10), batches);
        assertEquals(List.of(new WireMessage.CaughtUp(author.id(), Streams.BATCH_ENTRIES + 10)), link.take(WireMessage.CaughtUp.class));

        streams.advanced(author.id(), store.head(author.id()));
        streams.pump(p);
        assertEquals(List.of(), link.sent(), "nothing new: nothing sent, and no second caught-up note");
    }

    @Test
    void aLazyPeerHearsOneClockOfTheFeedsWeHoldMoreOf() {
        posts(3);
        ReplicaPeer lazy = peer();
        ReplicaPeer level = peer();
        lazy.wants.put(author.id(), Mode.LAZY);
        level.wants.put(author.id(), Mode.LAZY);
        level.learn(author.id(), 3);
        lazy.asked.put(author.id(), Mode.LAZY);

        streams.advanced(author.id(), 3);
        streams.flush();
        assertEquals(List.of(new WireMessage.Clock(List.of(new FeedState(author.id(), 3, Mode.LAZY, WireMessage.NO_ROUTE)))),
                ((RecordingPeer) lazy.link).take(WireMessage.Clock.class));
        assertEquals(List.of(), ((RecordingPeer) level.link).sent(), "a peer that holds as much hears nothing");
        streams.flush();
        assertEquals(List.of(), ((RecordingPeer) lazy.link).sent(), "a note is sent once");
    }
}
