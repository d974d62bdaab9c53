package org.grapevine.gossip.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.grapevine.gossip.policy.Visibility;
import org.grapevine.gossip.sim.RecordingPeer;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.gossip.wire.WireMessage.FeedState;
import org.grapevine.gossip.wire.WireMessage.Mode;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.junit.jupiter.api.Test;

/** A peer that comes to see a feed within its connection is asked for it then; one that stops seeing it stops being its source. */
class VisibilityChangeTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final AuthorId self = Identity.generate(RANDOM).id();
    private final Identity personaKey = Identity.generate(RANDOM);
    private final AuthorId persona = personaKey.id();
    private final MemoryFeedStore store = new MemoryFeedStore();
    /** The peers a persona's feed is shown to (members proven in this session). */
    private final Set<AuthorId> members = ConcurrentHashMap.newKeySet();
    private final Visibility membersOnly = new Visibility() {
        @Override
        public boolean feed(AuthorId peer, AuthorId feed) {
            return !feed.equals(persona) || members.contains(peer);
        }

        @Override
        public boolean blob(AuthorId peer, BlobId blob) {
            return true;
        }
    };
    private final Replicator replicator = new Replicator(self, store, System::currentTimeMillis, 2_000,
            new Replicator.Events() {
                @Override
                public void stored(AuthorId peer, int count) {}

                @Override
                public void misbehaved(AuthorId peer, String reason) {}
            }, membersOnly);

    private boolean namesPersona(WireMessage m) {
        if (m instanceof WireMessage.Clock c) return c.feeds().stream().anyMatch(f -> f.feed().equals(persona));
        if (m instanceof WireMessage.Entries e) return e.entries().stream().anyMatch(x -> x.header().author().equals(persona));
        if (m instanceof WireMessage.CaughtUp c) return c.feed().equals(persona);
        if (m instanceof WireMessage.Routes r) return r.routes().stream().anyMatch(x -> x.feed().equals(persona));
        return false;
    }

    private static List<FeedState> clocked(RecordingPeer peer) {
        return peer.take(WireMessage.Clock.class).stream().flatMap(c -> c.feeds().stream()).toList();
    }

    @Test
    void aPeerIsAskedForAFeedOnceItMaySeeItAndLeftAsItsSourceOnceItMayNot() {
        replicator.setWanted(Set.of(self, persona));
        RecordingPeer carol = new RecordingPeer("carol");
        replicator.connected(carol);
        assertEquals(List.of(self), clocked(carol).stream().map(FeedState::feed).toList(), "the persona's feed is not named to a stranger");

        members.add(carol.id());
        replicator.visibilityChanged(carol.id());
        List<FeedState> asked = clocked(carol);
        assertEquals(List.of(persona), asked.stream().map(FeedState::feed).toList());
        assertEquals(Mode.EAGER, asked.get(0).mode(), "nobody else streams it: carol is its source");

        RecordingPeer dave = new RecordingPeer("dave");
        members.add(dave.id());
        replicator.connected(dave);
        assertTrue(clocked(dave).stream().anyMatch(f -> f.feed().equals(persona) && f.mode() == Mode.LAZY));

        // carol replicates the feed from us too; then she leaves the channel.
        replicator.received(carol.id(), new WireMessage.Clock(List.of(new FeedState(persona, 0, Mode.LAZY, WireMessage.NO_ROUTE))));
        carol.clear();
        members.remove(carol.id());
        replicator.visibilityChanged(carol.id());
        assertEquals(List.of(new FeedState(persona, 0, Mode.EAGER, WireMessage.NO_ROUTE)), clocked(dave), "dave streams it now");
        replicator.visibilityChanged(carol.id());
        assertEquals(List.of(), clocked(carol), "nothing is asked of carol again");

        // A new entry of the feed arrives from dave: carol, who asked for it while she could see it, hears nothing of it.
        Entry first = Entry.create(personaKey, 1, null, 1_700_000_000_000L, Content.Post.text("for members"));
        replicator.receivedEntries(List.of(new Replicator.Arrival(dave.id(), List.of(first))));
        assertEquals(1, store.head(persona));
        assertTrue(carol.sent().stream().noneMatch(this::namesPersona), "carol was told: " + carol.sent());
    }
}
