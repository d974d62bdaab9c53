package org.grapevine.gossip.blobs;

import org.grapevine.gossip.sim.SimNet;
import org.grapevine.gossip.sim.SimWire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.grapevine.gossip.wire.WireMessage.BlobCancel;
import org.grapevine.gossip.wire.WireMessage.BlobChunk;
import org.grapevine.gossip.wire.WireMessage.BlobGet;
import org.grapevine.gossip.wire.WireMessage.BlobHave;
import org.grapevine.gossip.wire.WireMessage.BlobWant;
import org.grapevine.gossip.wire.WireMessage.Reason;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.blob.BlobHasher;
import org.junit.jupiter.api.Test;

/** Blob fetching stories on a simulated network: who ends up holding what, from whom, and who is cut off. */
class BlobSwarmTest {
    /** Ten chunks, the last one short. */
    static final int TEN_CHUNKS = 9 * BlobHasher.CHUNK_SIZE + 1000;

    private final SimNet<SwarmNode> net = SwarmNode.network();
    private final SwarmNode leecher = net.node("leecher");
    private final byte[] blob = MemoryBlobStorage.randomBlob(1, TEN_CHUNKS);

    @Test
    void oneSeederDeliversAllTenChunksOnce() {
        SwarmNode seeder = net.node("seeder");
        BlobId id = seeder.seed(blob);
        net.connect(seeder, leecher);

        leecher.swarm().fetch(id, blob.length);
        net.deliverAll();

        assertArrayEquals(blob, leecher.bytes(id));
        assertEquals(List.of(id), leecher.completed());
        assertEquals(new BlobSwarm.Progress(blob.length, 10, 10, blob.length, Set.of(seeder.id()), true),
                leecher.swarm().progress(id));
        assertEquals(10, net.link(seeder, leecher).sent(BlobChunk.class).size(), "no chunk twice from a single seeder");
        assertEquals(List.of(new BlobWant(id, 2, blob.length)), net.link(leecher, seeder).sent(BlobWant.class));
        assertTrue(net.link(leecher, seeder).sent(BlobCancel.class).isEmpty(), "nothing left to cancel");
        assertTrue(leecher.misbehaviour().isEmpty());
        assertNull(seeder.swarm().progress(id), "the seeder fetched nothing");
    }

    @Test
    void fourSeedersEachDeliverPartOfTheBlob() {
        byte[] big = MemoryBlobStorage.randomBlob(2, 40 * BlobHasher.CHUNK_SIZE);
        List<SwarmNode> seeders = List.of(net.node("s1"), net.node("s2"), net.node("s3"), net.node("s4"));
        BlobId id = null;
        for (SwarmNode s : seeders) {
            id = s.seed(big);
            net.connect(s, leecher);
        }

        leecher.swarm().fetch(id, big.length);
        net.deliverAll();

        assertArrayEquals(big, leecher.bytes(id));
        for (SwarmNode s : seeders) assertTrue(leecher.chunksFrom(s) > 0, () -> s + " delivered nothing");
        assertEquals(seeders.stream().map(SwarmNode::id).collect(Collectors.toSet()), leecher.swarm().progress(id).sources());
        assertEquals(40, leecher.storage().count(BlobStorage.Stored.STORED) + 1);
    }

    @Test
    void aCorruptSeederIsClosedAndTheBlobCompletesFromTheOthers() {
        SwarmNode corrupt = net.add(new SwarmNode(net, "corrupt", new MemoryBlobStorage().corrupt(), BlobSwarm.Config.defaults()));
        SwarmNode honest1 = net.node("honest1");
        SwarmNode honest2 = net.node("honest2");
        BlobId id = corrupt.seed(blob);
        honest1.seed(blob);
        honest2.seed(blob);
        net.connect(corrupt, leecher);
        net.connect(honest1, leecher);
        net.connect(honest2, leecher);

        leecher.swarm().fetch(id, blob.length);
        net.deliverAll();

        SimWire toCorrupt = net.link(leecher, corrupt);
        assertEquals(Reason.INVALID_ENTRY, toCorrupt.closeReason());
        assertEquals("bad chunk", toCorrupt.closeDetail());
        assertFalse(net.connected(leecher, corrupt));
        assertEquals(List.of(corrupt.id()), leecher.misbehaving());
        assertArrayEquals(blob, leecher.bytes(id));
        assertEquals(Set.of(honest1.id(), honest2.id()), leecher.swarm().progress(id).sources());
        assertEquals(1, leecher.storage().count(BlobStorage.Stored.INVALID), "the first bad chunk cuts the peer off");
    }

    @Test
    void aSeederLeavingMidTransferDoesNotStallTheFetch() {
        SwarmNode leaving = net.node("leaving");
        SwarmNode staying = net.node("staying");
        BlobId id = leaving.seed(blob);
        staying.seed(blob);
        net.connect(leaving, leecher);
        net.connect(staying, leecher);

        leecher.swarm().fetch(id, blob.length);
        assertTrue(net.deliverUntil(() -> leecher.chunksFrom(leaving) == 2));
        net.disconnect(leaving, leecher);
        net.deliverAll();

        assertArrayEquals(blob, leecher.bytes(id));
        assertEquals(2, leecher.chunksFrom(leaving));
        assertEquals(8, leecher.chunksFrom(staying));
    }

    @Test
    void aSeederThatReconnectsIsAskedAfresh() {
        SwarmNode seeder = net.node("seeder");
        BlobId id = seeder.seed(blob);
        net.connect(seeder, leecher);
        leecher.swarm().fetch(id, blob.length);
        assertTrue(net.deliverUntil(() -> leecher.chunksFrom(seeder) == 3));

        net.disconnect(seeder, leecher);
        net.deliverAll();
        net.connect(seeder, leecher);
        net.deliverAll();

        assertArrayEquals(blob, leecher.bytes(id));
        assertEquals(10, leecher.chunksFrom(seeder));
    }

    @Test
    void seedersThatNeverAnswerAreTimedOutAndTheirChunksFetchedElsewhere() {
        // Three silent seeders take both chunks up to their limit of copies in flight (one request
        // and two endgame duplicates each: a blob of no more chunks than a peer takes duplicates at
        // once), so the honest one gets nothing until the requests time out.
        byte[] blob = MemoryBlobStorage.randomBlob(2, BlobHasher.CHUNK_SIZE + 1000);
        assertTrue(Fetch.ENDGAME_REQUESTS >= 2);
        List<SwarmNode> silent = List.of(net.node("silent1"), net.node("silent2"), net.node("silent3"));
        SwarmNode honest = net.node("honest");
        BlobId id = honest.seed(blob);
        for (SwarmNode s : silent) {
            s.seed(blob);
            net.connect(s, leecher);
            net.link(s, leecher).silent();
        }
        net.connect(honest, leecher);

        leecher.swarm().fetch(id, blob.length);
        net.deliverAll();
        int before = leecher.swarm().progress(id).held();
        assertEquals(0, before);

        net.advance(BlobSwarm.Config.defaults().requestTimeoutMillis() - 1);
        net.tickAll();
        net.deliverAll();
        assertEquals(before, leecher.swarm().progress(id).held(), "not timed out yet");

        net.advance(2);
        net.tickAll();
        net.deliverAll();
        assertArrayEquals(blob, leecher.bytes(id));
        assertEquals(Set.of(honest.id()), leecher.swarm().progress(id).sources());
        assertEquals(2, chunksAsked(net.link(leecher, honest)).size());
    }

    @Test
    void inTheEndgameAChunkInFlightAtASilentPeerIsAlsoAskedOfAnother() {
        SwarmNode silent = net.node("silent");
        SwarmNode honest = net.node("honest");
        BlobId id = silent.seed(blob);
        honest.seed(blob);
        net.connect(silent, leecher);
        net.link(silent, leecher).silent();
        net.connect(honest, leecher);

        leecher.swarm().fetch(id, blob.length);
        net.deliverAll();

        // No clock moved: the duplicates, not a timeout, completed it.
        assertArrayEquals(blob, leecher.bytes(id));
        Set<Integer> askedOfSilent = chunksAsked(net.link(leecher, silent));
        Set<Integer> askedOfHonest = chunksAsked(net.link(leecher, honest));
        assertEquals(8, askedOfSilent.size());
        assertTrue(askedOfHonest.containsAll(askedOfSilent), askedOfHonest + " should include " + askedOfSilent);
        assertEquals(List.of(new BlobCancel(id)), net.link(leecher, silent).sent(BlobCancel.class));
        assertTrue(net.link(leecher, honest).sent(BlobCancel.class).isEmpty(), "the honest peer has nothing outstanding");
    }

    @Test
    void onCompletionPeersStillAskedAreCancelledAndDropTheirQueue() {
        SwarmNode stuck = net.node("stuck");
        SwarmNode honest = net.node("honest");
        BlobId id = stuck.seed(blob);
        honest.seed(blob);
        net.connect(stuck, leecher);
        net.link(stuck, leecher).setWritable(false);
        net.connect(honest, leecher);

        leecher.swarm().fetch(id, blob.length);
        net.deliverAll();
        assertArrayEquals(blob, leecher.bytes(id));
        assertEquals(List.of(new BlobCancel(id)), net.link(leecher, stuck).sent(BlobCancel.class));

        net.link(stuck, leecher).setWritable(true);
        net.deliverAll();
        assertEquals(0, net.link(stuck, leecher).sent(BlobChunk.class).size(), "cancelled requests are not served");
    }

    @Test
    void anUnknownSizeIsLearnedFromAVerifiedFirstChunkAndALiarIsClosed() {
        SwarmNode liar = net.node("liar");
        SwarmNode honest = net.node("honest");
        BlobId id = liar.seed(blob);
        honest.seed(blob);
        long claimed = blob.length + BlobHasher.CHUNK_SIZE;
        net.connect(liar, leecher);
        net.link(liar, leecher).tamper(m -> {
            if (m instanceof BlobHave h) return new BlobHave(h.blob(), claimed, true, new byte[0]);
            if (m instanceof BlobChunk c) return new BlobChunk(c.blob(), claimed, c.index(), c.proof(), c.data());
            return m;
        });
        net.connect(honest, leecher);

        leecher.swarm().fetch(id, -1);
        assertEquals(List.of(new BlobWant(id, 2, BlobWant.UNKNOWN_SIZE)), net.link(leecher, honest).sent(BlobWant.class));
        assertEquals(-1, leecher.swarm().progress(id).size());
        net.deliverAll();

        assertArrayEquals(blob, leecher.bytes(id));
        assertEquals(blob.length, leecher.swarm().progress(id).size());
        assertEquals(List.of(liar.id()), leecher.misbehaving());
        assertEquals(Reason.INVALID_ENTRY, net.link(leecher, liar).closeReason());
        assertEquals("bad chunk", net.link(leecher, liar).closeDetail());
        // Only chunk 0 was asked while the size was unknown.
        assertEquals(List.of(List.of(0)), net.link(leecher, liar).sent(BlobGet.class).stream().map(BlobGet::chunks).toList());
    }

    @Test
    void aPeerClaimingAnotherSizeAfterTheSizeIsProvenIsClosed() {
        SwarmNode seeder = net.node("seeder");
        SwarmNode liar = net.node("liar");
        BlobId id = seeder.seed(blob);
        net.connect(seeder, leecher);
        // The seeder sends chunk 0 only, so the fetch is still under way when the liar speaks.
        net.link(seeder, leecher).tamper(m -> m instanceof BlobChunk c && c.index() > 0 ? null : m);
        leecher.swarm().fetch(id, -1);
        net.deliverAll();
        assertEquals(blob.length, leecher.swarm().progress(id).size());

        net.connect(liar, leecher);
        net.link(liar, leecher).inject(new BlobHave(id, 5, true, new byte[0]));
        net.deliverAll();

        assertEquals(List.of(liar.id()), leecher.misbehaving());
        assertEquals("wrong blob size", net.link(leecher, liar).closeDetail());
        assertTrue(net.link(leecher, liar).sent(BlobGet.class).isEmpty());
    }

    @Test
    void aPeerHoldingNothingFetchesASmallBlobForTheOneThatWantsIt() {
        SwarmNode relay = net.node("relay");
        SwarmNode source = net.node("source");
        BlobId id = source.seed(blob);
        net.connect(leecher, relay);
        net.connect(relay, source);

        leecher.swarm().fetch(id, blob.length, 2);
        net.deliverAll();

        assertArrayEquals(blob, leecher.bytes(id));
        assertTrue(relay.bytes(id) != null, "the relay serves it while the leecher is there");
        net.disconnect(leecher, relay);
        assertTrue(relay.bytes(id) == null, "what the relay fetched for the leecher alone goes once the leecher left");
        assertEquals(List.of(id), relay.storage().discarded());
        assertEquals(Set.of(relay.id()), leecher.swarm().progress(id).sources());
        assertEquals(List.of(new BlobWant(id, 1, blob.length)), net.link(relay, source).sent(BlobWant.class));
        assertTrue(net.link(relay, leecher).sent(BlobHave.class).size() >= 2, "an early update and a final have");
    }

    @Test
    void aWantWithOneHopOrForALargeBlobIsNotRelayed() {
        SimNet<SwarmNode> small = SwarmNode.network(new BlobSwarm.Config(8, 10_000, blob.length - 1, 2, 500));
        SwarmNode a = small.node("a");
        SwarmNode relay = small.node("relay");
        SwarmNode source = small.node("source");
        BlobId id = source.seed(blob);
        small.connect(a, relay);
        small.connect(relay, source);

        a.swarm().fetch(id, blob.length, 2);
        small.deliverAll();
        assertNull(relay.swarm().progress(id), "over the relay cap");
        assertTrue(small.link(relay, source).sent().isEmpty());

        SwarmNode b = net.node("b");
        SwarmNode relay2 = net.node("relay2");
        SwarmNode source2 = net.node("source2");
        source2.seed(blob);
        net.connect(b, relay2);
        net.connect(relay2, source2);
        b.swarm().fetch(id, blob.length, 1);
        net.deliverAll();
        assertNull(relay2.swarm().progress(id), "no hops left");
        assertEquals(0, b.swarm().progress(id).held());
    }

    @Test
    void theEmptyBlobAndAOneByteBlobComplete() {
        SwarmNode seeder = net.node("seeder");
        byte[] empty = new byte[0];
        byte[] one = {42};
        BlobId emptyId = seeder.seed(empty);
        BlobId oneId = seeder.seed(one);
        net.connect(seeder, leecher);

        leecher.swarm().fetch(emptyId, 0);
        leecher.swarm().fetch(oneId, -1);
        net.deliverAll();

        assertArrayEquals(empty, leecher.bytes(emptyId));
        assertArrayEquals(one, leecher.bytes(oneId));
        assertEquals(new BlobSwarm.Progress(0, 1, 1, 0, Set.of(seeder.id()), true), leecher.swarm().progress(emptyId));
        assertEquals(new BlobSwarm.Progress(1, 1, 1, 1, Set.of(seeder.id()), true), leecher.swarm().progress(oneId));
        assertEquals(List.of(emptyId, oneId), leecher.completed());
    }

    @Test
    void aFetchTheStorageRefusesRecordsNothing() {
        SwarmNode small = net.add(new SwarmNode(net, "small", new MemoryBlobStorage().limit(1000), BlobSwarm.Config.defaults()));
        SwarmNode seeder = net.node("seeder");
        BlobId id = seeder.seed(blob);
        net.connect(seeder, small);

        small.swarm().fetch(id, blob.length);
        assertNull(small.swarm().progress(id));
        assertTrue(net.link(small, seeder).sent().isEmpty());

        small.swarm().fetch(id, -1);
        net.deliverAll();
        assertNull(small.swarm().progress(id), "given up once chunk 0 proved the size too large");
        assertNull(small.bytes(id));
        assertTrue(small.misbehaviour().isEmpty());
    }

    private static Set<Integer> chunksAsked(SimWire link) {
        return link.sent(BlobGet.class).stream().flatMap(g -> g.chunks().stream()).collect(Collectors.toSet());
    }
}
