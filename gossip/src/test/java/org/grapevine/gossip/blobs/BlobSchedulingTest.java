package org.grapevine.gossip.blobs;

import org.grapevine.gossip.sim.RecordingPeer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.grapevine.gossip.wire.WireMessage.BlobCancel;
import org.grapevine.gossip.wire.WireMessage.BlobGet;
import org.grapevine.gossip.wire.WireMessage.BlobHave;
import org.grapevine.gossip.wire.WireMessage.BlobWant;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.junit.jupiter.api.Test;

/** What one swarm asks of whom, played against fake peers by hand. */
class BlobSchedulingTest {
    private final byte[] blob = MemoryBlobStorage.randomBlob(7, BlobSwarmTest.TEN_CHUNKS);
    private final MemoryBlobStorage seeded = new MemoryBlobStorage();
    private final BlobId id = seeded.seed(blob);
    private final MemoryBlobStorage storage = new MemoryBlobStorage();
    private final List<String> events = new ArrayList<>();
    private long now = 1_000_000;

    private BlobSwarm swarm(BlobSwarm.Config config, long seed) {
        return new BlobSwarm(storage, () -> now, config, new BlobSwarm.Events() {
            @Override
            public void chunkFrom(AuthorId peer, BlobId blob, int index, int bytes) {
                events.add("chunk " + index);
            }

            @Override
            public void completed(BlobId blob) {
                events.add("completed");
            }

            @Override
            public void misbehaved(AuthorId peer, String reason) {
                events.add("misbehaved " + reason);
            }
        }, new SplittableRandom(seed));
    }

    private BlobSwarm swarm() {
        return swarm(BlobSwarm.Config.defaults(), 1);
    }

    private BlobHave haveOf(int from, int to) {
        BitSet held = new BitSet();
        held.set(from, to);
        return BlobHave.of(id, blob.length, held);
    }

    private static List<Integer> asked(RecordingPeer p) {
        List<Integer> out = new ArrayList<>();
        for (BlobGet g : p.sent(BlobGet.class)) out.addAll(g.chunks());
        return out;
    }

    @Test
    void theRarestChunksAreAskedFirst() {
        // B and C hold chunks 0-4 and are heard first; A holds all. With two requests per peer,
        // B and C take four of 0-4 and A, when it is heard, must take two of 5-9 (held by it
        // alone) rather than the last of 0-4 (held by all three) - whatever the random tie-breaks.
        for (long seed = 0; seed < 50; seed++) {
            BlobSwarm swarm = swarm(new BlobSwarm.Config(2, 10_000, 0, 2, 500), seed);
            RecordingPeer a = new RecordingPeer("a");
            RecordingPeer b = new RecordingPeer("b");
            RecordingPeer c = new RecordingPeer("c");
            swarm.fetch(id, blob.length);
            for (RecordingPeer p : List.of(a, b, c)) swarm.connected(p);
            swarm.received(b.id(), haveOf(0, 5));
            swarm.received(c.id(), haveOf(0, 5));
            swarm.received(a.id(), haveOf(0, 10));

            assertEquals(1, a.sent(BlobGet.class).size());
            List<Integer> first = a.sent(BlobGet.class).get(0).chunks();
            assertEquals(2, first.size());
            for (int k : first) assertTrue(k >= 5, "seed " + seed + ": asked A for " + first);
            assertEquals(2, asked(b).size());
            assertEquals(2, asked(c).size());
        }
    }

    @Test
    void peersConnectingLaterHearTheWantAndNoPeerIsAskedTwiceForAChunk() {
        BlobSwarm swarm = swarm();
        swarm.fetch(id, -1, 3);
        RecordingPeer late = new RecordingPeer("late");
        swarm.connected(late);
        assertEquals(List.of(new BlobWant(id, 3, BlobWant.UNKNOWN_SIZE)), late.sent(BlobWant.class));

        swarm.received(late.id(), BlobHave.of(id, blob.length, new BitSet()));
        assertTrue(late.sent(BlobGet.class).isEmpty(), "it has nothing");
        swarm.received(late.id(), haveOf(0, 10));
        assertEquals(List.of(0), asked(late), "only chunk 0 while the size is unknown");
        swarm.received(late.id(), haveOf(0, 10));
        assertEquals(List.of(0), asked(late), "a repeated have asks nothing new");
    }

    @Test
    void aPeerThatLetsRequestsLapseHasItsCapacityHalved() {
        BlobSwarm swarm = swarm();
        RecordingPeer slow = new RecordingPeer("slow");
        swarm.connected(slow);
        swarm.fetch(id, blob.length);
        swarm.received(slow.id(), haveOf(0, 10));
        assertEquals(8, asked(slow).size());

        now += 10_001;
        swarm.tick();
        // The only source: asked again, but for half as many at a time.
        assertEquals(2, slow.sent(BlobGet.class).size());
        assertEquals(4, slow.sent(BlobGet.class).get(1).chunks().size());

        now += 10_001;
        swarm.tick();
        assertEquals(2, slow.sent(BlobGet.class).get(2).chunks().size());
    }

    @Test
    void inTheEndgameOnlyAPeerWithAlmostNothingOutstandingGetsDuplicates() {
        BlobSwarm swarm = swarm();
        RecordingPeer busy = new RecordingPeer("busy");
        RecordingPeer quick = new RecordingPeer("quick");
        swarm.connected(busy);
        swarm.connected(quick);
        swarm.fetch(id, blob.length);
        swarm.received(busy.id(), haveOf(0, 10));
        now += 1;
        swarm.received(quick.id(), haveOf(0, 10));
        assertEquals(8, asked(busy).size());
        assertEquals(2, asked(quick).size(), "the two left; with two outstanding it takes no duplicates");

        for (int k : asked(quick)) swarm.received(quick.id(), seeded.read(id, k));
        List<Integer> duplicates = asked(quick).subList(2, asked(quick).size());
        assertEquals(Fetch.ENDGAME_REQUESTS, duplicates.size(), "idle: duplicates up to the endgame limit, not its capacity");
        assertTrue(asked(busy).containsAll(duplicates));

        // A duplicate that came first: the busy peer's copy stays outstanding (it is still coming),
        // so the busy peer is asked nothing, and the quick one one more duplicate.
        swarm.received(quick.id(), seeded.read(id, duplicates.get(0)));
        assertEquals(8, asked(busy).size());
        assertEquals(2 + Fetch.ENDGAME_REQUESTS + 1, asked(quick).size());
        assertTrue(busy.sent(BlobCancel.class).isEmpty());
    }

    @Test
    void aHaveWithoutTheAskedChunksFreesThemForOthers() {
        BlobSwarm swarm = swarm(new BlobSwarm.Config(2, 10_000, 0, 2, 500), 3);
        RecordingPeer a = new RecordingPeer("a");
        RecordingPeer b = new RecordingPeer("b");
        RecordingPeer c = new RecordingPeer("c");
        for (RecordingPeer p : List.of(a, b, c)) swarm.connected(p);
        swarm.fetch(id, blob.length);
        swarm.received(a.id(), haveOf(0, 10));
        swarm.received(b.id(), haveOf(0, 10));
        List<Integer> askedOfA = asked(a);

        // A lost the blob and says so, as it does when asked for chunks it does not hold. C holds
        // just those chunks: had they stayed in flight at A, C would be asked nothing yet.
        swarm.received(a.id(), BlobHave.of(id, blob.length, new BitSet()));
        BitSet held = new BitSet();
        askedOfA.forEach(held::set);
        swarm.received(c.id(), BlobHave.of(id, blob.length, held));

        assertEquals(askedOfA.stream().sorted().toList(), asked(c).stream().sorted().toList());
    }

    @Test
    void aChunkNotAskedForIsIgnored() {
        BlobSwarm swarm = swarm();
        RecordingPeer a = new RecordingPeer("a");
        swarm.connected(a);
        swarm.fetch(id, blob.length);

        swarm.received(a.id(), seeded.read(id, 3));

        assertEquals(0, storage.holding(id).chunks().cardinality());
        assertTrue(events.isEmpty());
    }

    @Test
    void aLateCopyFromAPeerThatTimedOutIsStillTaken() {
        BlobSwarm swarm = swarm();
        RecordingPeer slow = new RecordingPeer("slow");
        swarm.connected(slow);
        swarm.fetch(id, blob.length);
        swarm.received(slow.id(), haveOf(0, 10));
        int k = asked(slow).get(0);
        now += 10_001;
        swarm.tick();

        swarm.received(slow.id(), seeded.read(id, k));

        assertTrue(storage.holding(id).chunks().get(k));
        assertEquals(List.of("chunk " + k), events);
    }

    @Test
    void requestsPerPeerAreCappedAcrossBlobs() {
        BlobSwarm swarm = swarm();
        byte[] other = MemoryBlobStorage.randomBlob(8, BlobSwarmTest.TEN_CHUNKS);
        BlobId otherId = seeded.seed(other);
        RecordingPeer a = new RecordingPeer("a");
        swarm.connected(a);
        swarm.fetch(id, blob.length);
        swarm.fetch(otherId, other.length);
        swarm.received(a.id(), haveOf(0, 10));
        swarm.received(a.id(), BlobHave.of(otherId, other.length, all(10)));
        assertEquals(8, asked(a).size(), "the first blob took all the room");

        swarm.received(a.id(), seeded.read(id, asked(a).get(0)));
        List<BlobGet> gets = a.sent(BlobGet.class);
        assertEquals(1, gets.get(gets.size() - 1).chunks().size());
    }

    @Test
    void aWantIsAnsweredWithAHaveAndThrottledUpdatesUntilComplete() {
        BlobSwarm swarm = swarm();
        RecordingPeer source = new RecordingPeer("source");
        RecordingPeer wanter = new RecordingPeer("wanter");
        swarm.connected(source);
        swarm.connected(wanter);
        swarm.fetch(id, blob.length);
        swarm.received(source.id(), haveOf(0, 10));
        List<Integer> asked = asked(source);

        swarm.received(wanter.id(), new BlobWant(id, 1, blob.length));
        assertTrue(wanter.sent(BlobHave.class).isEmpty(), "nothing held yet, and no hops to relay: but remembered");

        swarm.received(source.id(), seeded.read(id, asked.get(0)));
        assertEquals(1, wanter.sent(BlobHave.class).size(), "the first news goes out at once");
        swarm.received(source.id(), seeded.read(id, asked.get(1)));
        assertEquals(1, wanter.sent(BlobHave.class).size(), "held back");
        now += 500;
        swarm.tick();
        assertEquals(2, wanter.sent(BlobHave.class).size());
        assertEquals(2, wanter.sent(BlobHave.class).get(1).held().cardinality());

        for (int i = 0; i < 10 && storage.bytes(id) == null; i++) {
            for (int k : asked(source)) if (!storage.holding(id).chunks().get(k)) swarm.received(source.id(), seeded.read(id, k));
        }
        assertArrayEquals(blob, storage.bytes(id));
        List<BlobHave> haves = wanter.sent(BlobHave.class);
        assertTrue(haves.get(haves.size() - 1).complete(), "a final have");
        assertEquals(3, haves.size(), "no updates between: " + haves);

        swarm.received(wanter.id(), new BlobWant(id, 1, blob.length));
        assertTrue(wanter.sent(BlobHave.class).get(3).complete(), "a want of a held blob is answered at once");
    }

    @Test
    void cancelStopsTheFetchAndTellsPeersAsked() {
        BlobSwarm swarm = swarm();
        RecordingPeer a = new RecordingPeer("a");
        RecordingPeer idle = new RecordingPeer("idle");
        swarm.connected(a);
        swarm.connected(idle);
        swarm.fetch(id, blob.length);
        swarm.received(a.id(), haveOf(0, 10));

        swarm.cancel(id);

        assertEquals(List.of(new BlobCancel(id)), a.sent(BlobCancel.class));
        assertEquals(List.of(new BlobCancel(id)), idle.sent(BlobCancel.class), "it holds none: it may be fetching it for us");
        assertNull(swarm.progress(id));
        swarm.received(a.id(), seeded.read(id, asked(a).get(0)));
        assertTrue(events.isEmpty(), "chunks after the cancel are ignored");
    }

    private static BitSet all(int chunks) {
        BitSet b = new BitSet();
        b.set(0, chunks);
        return b;
    }
}
