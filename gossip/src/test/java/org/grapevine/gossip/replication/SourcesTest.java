package org.grapevine.gossip.replication;

import org.grapevine.gossip.sim.RecordingPeer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.grapevine.gossip.policy.Visibility;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.gossip.wire.WireMessage.FeedState;
import org.grapevine.gossip.wire.WireMessage.Mode;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.junit.jupiter.api.Test;

/** Which peer streams a feed, and when that changes, with the time in the test's hand. */
class SourcesTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long SWITCH = 1_000;
    private final AuthorId self = Identity.generate(RANDOM).id();
    private final Identity author = Identity.generate(RANDOM);
    private final AuthorId feed = author.id();
    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final MemoryFeedStore store = new MemoryFeedStore();
    private final Map<AuthorId, ReplicaPeer> peers = new LinkedHashMap<>();
    private final Set<AuthorId> wanted = new LinkedHashSet<>(List.of(self, feed));
    private final List<String> distrusted = new ArrayList<>();
    private final Routes routes = new Routes(self, peers, wanted, Visibility.PUBLIC);
    private final Streams streams = new Streams(store, peers, routes);
    private final Sources sources = new Sources(store, now::get, new Replicator.Events() {
        @Override
        public void stored(AuthorId peer, int count) {}

        @Override
        public void misbehaved(AuthorId peer, String reason) {}

        @Override
        public void distrusted(AuthorId peer, String reason) {
            distrusted.add(reason);
        }
    }, Visibility.PUBLIC, peers, wanted, streams, f -> false, new Patience(SWITCH, 8 * SWITCH), 600 * SWITCH);

    private ReplicaPeer connect() {
        ReplicaPeer p = new ReplicaPeer(new RecordingPeer(Identity.generate(RANDOM).id()));
        sources.remember(p);
        peers.put(p.link.id(), p);
        return p;
    }

    private static List<Mode> asked(ReplicaPeer p) {
        return ((RecordingPeer) p.link).take(WireMessage.Clock.class).stream()
                .flatMap(c -> c.feeds().stream()).map(FeedState::mode).toList();
    }

    @Test
    void theFirstPeerIsAskedEagerlyAndTheRestLazily() {
        ReplicaPeer a = connect();
        ReplicaPeer b = connect();
        assertEquals(Mode.EAGER, sources.greet(a, feed));
        assertEquals(Mode.LAZY, sources.greet(b, feed));
        assertSame(a, sources.of(feed));
        sources.forget(feed);
        assertEquals(null, sources.of(feed));
    }

    @Test
    void aSourceThatDoesNotBringWhatAnotherPeerHasInTimeIsReplaced() {
        ReplicaPeer a = connect();
        ReplicaPeer b = connect();
        sources.greet(a, feed);
        sources.greet(b, feed);
        // b announces 5 entries; a, the source, does not replicate the feed itself (it holds nothing).
        b.wants.put(feed, Mode.LAZY);
        b.learn(feed, 5);
        sources.clocked(b, feed, 5, Mode.LAZY, false);
        assertSame(b, sources.of(feed), "a source that does not replicate the feed is left at once");
        assertEquals(List.of(Mode.LAZY), asked(a));
        assertEquals(List.of(Mode.EAGER), asked(b));

        // b brings nothing in the patience, and a now claims more: a takes over again.
        a.wants.put(feed, Mode.LAZY);
        a.learn(feed, 7);
        now.addAndGet(SWITCH);
        sources.tick();
        assertSame(a, sources.of(feed));
        assertEquals(List.of(Mode.EAGER), asked(a));
    }

    @Test
    void aStrangersClaimAgainstAWorkingSourceIsTriedAlongsideAndAnEmptyOneIsNotBelievedForAWhile() {
        ReplicaPeer source = connect();
        ReplicaPeer stranger = connect();
        sources.greet(source, feed);
        sources.greet(stranger, feed);
        // The source replicates the feed and brought all it claimed.
        List<Entry> three = new ArrayList<>();
        for (int seq = 1; seq <= 3; seq++) {
            three.add(Entry.create(author, seq, seq == 1 ? null : three.get(seq - 2).id(), 1_700_000_000_000L + seq, Content.Post.text("#" + seq)));
        }
        store.append(three);
        source.wants.put(feed, Mode.EAGER);
        source.learn(feed, 3);
        // A stranger claims far more.
        stranger.wants.put(feed, Mode.LAZY);
        stranger.learn(feed, 50);
        sources.clocked(stranger, feed, 50, Mode.LAZY, false);
        assertSame(source, sources.of(feed), "a replicating source is not left for a stranger's word");
        assertEquals(List.of(), asked(stranger));

        now.addAndGet(8 * SWITCH);
        sources.tick();
        assertSame(source, sources.of(feed), "the source keeps streaming");
        assertEquals(List.of(Mode.EAGER), asked(stranger), "the stranger is asked alongside it");
        assertFalse(sources.distrusted(stranger));

        now.addAndGet(8 * SWITCH);
        sources.tick();
        assertEquals(1, distrusted.size(), "it brought nothing: " + distrusted);
        assertTrue(sources.distrusted(stranger));
        assertEquals(List.of(Mode.LAZY), asked(stranger), "and goes back to notes");
        assertEquals(3, sources.believed(stranger, feed), "its claim counts for no more than we hold");
    }
}
