package org.grapevine.gossip.blobs;

import org.grapevine.gossip.sim.RecordingPeer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.grapevine.gossip.limits.Limits;
import org.grapevine.gossip.wire.WireMessage.BlobHave;
import org.grapevine.gossip.wire.WireMessage.BlobWant;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.junit.jupiter.api.Test;

/**
 * Fetches a node runs for others (relays), played against fake peers by hand: each is tied to
 * the peers waiting for it, bounded per peer and in all, and costs no storage until some peer has
 * chunks of it.
 */
class BlobRelayTest {
    private static final long MIB = 1 << 20;
    private long now = 1_700_000_000_000L;
    private final MemoryBlobStorage storage = new MemoryBlobStorage();
    private final BlobSwarm swarm = new BlobSwarm(storage, () -> now, BlobSwarm.Config.defaults(), new BlobSwarm.Events() {
        @Override
        public void chunkFrom(AuthorId peer, BlobId blob, int index, int bytes) {}

        @Override
        public void completed(BlobId blob) {}

        @Override
        public void misbehaved(AuthorId peer, String reason) {}
    }, new SplittableRandom(1));
    private final RecordingPeer neighbour = new RecordingPeer("neighbour");
    private final SplittableRandom random = new SplittableRandom(5);

    BlobRelayTest() {
        swarm.connected(neighbour);
    }

    private BlobId randomId() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return new BlobId(b);
    }

    private RecordingPeer asker(String name) {
        RecordingPeer p = new RecordingPeer(name);
        swarm.connected(p);
        return p;
    }

    /** {@code peer} wants {@code n} blobs nobody has, of 1 MiB each, to go 4 hops. */
    private List<BlobId> wantsNobodyCanMeet(RecordingPeer peer, int n) {
        List<BlobId> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BlobId id = randomId();
            ids.add(id);
            swarm.received(peer.id(), new BlobWant(id, 4, MIB));
        }
        return ids;
    }

    @Test
    void aFloodOfWantsStartsAFewRelaysForThePeerAndOpensNothing() {
        RecordingPeer mallory = asker("mallory");
        List<BlobId> wanted = wantsNobodyCanMeet(mallory, 40);

        assertEquals(Limits.RELAYS_PER_PEER, swarm.relays());
        assertEquals(Limits.RELAYS_PER_PEER * MIB, swarm.relayBytes());
        List<BlobWant> passedOn = neighbour.sent(BlobWant.class);
        assertEquals(wanted.subList(0, Limits.RELAYS_PER_PEER), passedOn.stream().map(BlobWant::blob).toList());
        assertTrue(passedOn.stream().allMatch(w -> w.hops() == 3));
        assertTrue(mallory.sent(BlobWant.class).isEmpty(), "a want is not passed back to who asked");
        for (BlobId id : wanted) assertFalse(storage.holdsAny(id), "nothing is stored before a peer has chunks");
    }

    @Test
    void relaysEndWhenTheAskerLeavesAndTheAllowanceRefillsAtItsPace() {
        RecordingPeer mallory = asker("mallory");
        List<BlobId> wanted = wantsNobodyCanMeet(mallory, 10);
        swarm.disconnected(mallory.id());
        assertEquals(0, swarm.relays(), "nobody waits for them any more");
        assertEquals(0, swarm.relayBytes());
        assertEquals(wanted.subList(0, Limits.RELAYS_PER_PEER), neighbour.sent(org.grapevine.gossip.wire.WireMessage.BlobCancel.class)
                .stream().map(org.grapevine.gossip.wire.WireMessage.BlobCancel::blob).toList(), "the wants passed on are withdrawn");

        // Back at once, it has used its burst: one more per second.
        RecordingPeer again = asker("mallory");
        wantsNobodyCanMeet(again, 10);
        assertEquals(0, swarm.relays());
        now += Limits.RELAY_EVERY_MILLIS;
        wantsNobodyCanMeet(again, 10);
        assertEquals(1, swarm.relays());
    }

    @Test
    void reconnectingDoesNotRenewAPeersShareWhileItsRelaysRunForOthers() {
        RecordingPeer mallory = asker("mallory");
        RecordingPeer accomplice = asker("accomplice");
        List<BlobId> first = wantsNobodyCanMeet(mallory, Limits.RELAYS_PER_PEER);
        for (BlobId id : first) swarm.received(accomplice.id(), new BlobWant(id, 4, MIB)); // joins: the relays outlive mallory's connection
        swarm.disconnected(mallory.id());
        assertEquals(Limits.RELAYS_PER_PEER, swarm.relays());

        RecordingPeer again = asker("mallory"); // a new connection, with a scope of its own
        now += Limits.RELAYS_PER_PEER * Limits.RELAY_EVERY_MILLIS; // its pace allows more by now
        wantsNobodyCanMeet(again, 10);
        assertEquals(Limits.RELAYS_PER_PEER, swarm.relays(), "the relays it started still count against it");
    }

    @Test
    void aRelayThatGainsNothingEndsAfterTheIdleTimeAndACancelEndsItAtOnce() {
        RecordingPeer asker = asker("asker");
        List<BlobId> ids = wantsNobodyCanMeet(asker, 2);
        swarm.received(asker.id(), new org.grapevine.gossip.wire.WireMessage.BlobCancel(ids.get(0)));
        assertEquals(1, swarm.relays());

        now += Limits.RELAY_IDLE_MILLIS - 1;
        swarm.tick();
        assertEquals(1, swarm.relays());
        now += 1;
        swarm.tick();
        assertEquals(0, swarm.relays());
    }

    @Test
    void manyPeersTogetherStartNoMoreRelaysThanTheNodeAllows() {
        for (int i = 0; i < 2 * Limits.RELAYS / Limits.RELAYS_PER_PEER; i++) wantsNobodyCanMeet(asker("sybil " + i), 10);
        assertEquals(Limits.RELAYS, swarm.relays());
        assertTrue(swarm.relayBytes() <= Limits.RELAY_BYTES);
    }

    @Test
    void aRelayIsStoredOnlyForOthersAndGoesWhenItsAskerLeaves() {
        byte[] blob = MemoryBlobStorage.randomBlob(3, BlobSwarmTest.TEN_CHUNKS);
        MemoryBlobStorage seeds = new MemoryBlobStorage();
        BlobId id = seeds.seed(blob);
        RecordingPeer asker = asker("asker");
        swarm.received(asker.id(), new BlobWant(id, 2, blob.length));
        assertFalse(storage.holdsAny(id));

        // The neighbour has some of it: now the relay holds a partial blob, for others only.
        swarm.received(neighbour.id(), BlobHave.of(id, blob.length, bits(0, 1, 2)));
        assertTrue(storage.holdsAny(id));
        assertTrue(storage.isTransient(id));
        swarm.received(neighbour.id(), HashedChunk.of(seeds.read(id, 0)));

        swarm.disconnected(asker.id());
        assertEquals(0, swarm.relays());
        assertFalse(storage.holdsAny(id), "what was fetched for the asker alone goes with it");
        assertEquals(List.of(id), storage.discarded());
    }

    @Test
    void aRelayTheNodeComesToWantItselfIsKept() {
        byte[] blob = MemoryBlobStorage.randomBlob(4, BlobSwarmTest.TEN_CHUNKS);
        MemoryBlobStorage seeds = new MemoryBlobStorage();
        BlobId id = seeds.seed(blob);
        RecordingPeer asker = asker("asker");
        swarm.received(asker.id(), new BlobWant(id, 2, blob.length));
        swarm.received(neighbour.id(), BlobHave.of(id, blob.length, bits(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)));

        swarm.fetch(id, blob.length); // A followed author posted it, say.
        assertEquals(0, swarm.relays(), "no longer counted as a relay");
        assertFalse(storage.isTransient(id));
        swarm.disconnected(asker.id());
        for (int k = 0; k < 10; k++) swarm.received(neighbour.id(), HashedChunk.of(seeds.read(id, k)));
        assertArrayEquals(blob, storage.bytes(id));
        assertTrue(storage.discarded().isEmpty());
    }

    @Test
    void aRelayThatCompletedAndIsThenWantedByTheNodeItselfIsKept() {
        byte[] blob = MemoryBlobStorage.randomBlob(6, BlobSwarmTest.TEN_CHUNKS);
        MemoryBlobStorage seeds = new MemoryBlobStorage();
        BlobId id = seeds.seed(blob);
        RecordingPeer asker = asker("asker");
        swarm.received(asker.id(), new BlobWant(id, 2, blob.length));
        swarm.received(neighbour.id(), BlobHave.of(id, blob.length, bits(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)));
        for (int k = 0; k < 10; k++) swarm.received(neighbour.id(), HashedChunk.of(seeds.read(id, k)));
        assertArrayEquals(blob, storage.bytes(id));
        assertTrue(storage.isTransient(id), "complete, for the asker");

        swarm.fetch(id, blob.length);
        swarm.disconnected(asker.id());
        assertEquals(0, swarm.relays());
        assertArrayEquals(blob, storage.bytes(id));
        assertTrue(storage.discarded().isEmpty());
    }

    private static java.util.BitSet bits(int... chunks) {
        java.util.BitSet b = new java.util.BitSet();
        for (int k : chunks) b.set(k);
        return b;
    }
}
