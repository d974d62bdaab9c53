package org.grapevine.gossip.blobs;

import org.grapevine.gossip.sim.RecordingPeer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.gossip.wire.WireMessage.BlobCancel;
import org.grapevine.gossip.wire.WireMessage.BlobChunk;
import org.grapevine.gossip.wire.WireMessage.BlobGet;
import org.grapevine.gossip.wire.WireMessage.BlobHave;
import org.grapevine.gossip.wire.WireMessage.Reason;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.junit.jupiter.api.Test;

/** How a swarm answers chunk requests, played against fake peers by hand. */
class BlobServingTest {
    private final byte[] blob = MemoryBlobStorage.randomBlob(9, BlobSwarmTest.TEN_CHUNKS);
    private final MemoryBlobStorage storage = new MemoryBlobStorage();
    private final BlobId id = storage.seed(blob);
    private final List<String> misbehaviour = new ArrayList<>();
    private final BlobSwarm swarm = new BlobSwarm(storage, () -> 0L, BlobSwarm.Config.defaults(), new BlobSwarm.Events() {
        @Override
        public void chunkFrom(AuthorId peer, BlobId blob, int index, int bytes) {}

        @Override
        public void completed(BlobId blob) {}

        @Override
        public void misbehaved(AuthorId peer, String reason) {
            misbehaviour.add(reason);
        }
    }, new SplittableRandom(1));
    private final RecordingPeer peer = new RecordingPeer("peer");

    BlobServingTest() {
        swarm.connected(peer);
    }

    @Test
    void heldChunksAreSentInTheOrderAsked() {
        swarm.received(peer.id(), new BlobGet(id, List.of(3, 0, 9)));

        assertEquals(List.of(storage.read(id, 3), storage.read(id, 0), storage.read(id, 9)), peer.sent());
    }

    @Test
    void aGetForAChunkNotHeldIsAnsweredWithOneHave() {
        MemoryBlobStorage partial = new MemoryBlobStorage();
        byte[] other = MemoryBlobStorage.randomBlob(10, 3 * 256 * 1024);
        BlobId otherId = storage.seed(other);
        BlobId unknown = partial.seed(new byte[] {1, 2, 3});

        swarm.received(peer.id(), new BlobGet(unknown, List.of(0, 1, 2)));
        assertEquals(List.of(BlobHave.of(unknown, 0, new BitSet())), peer.sent(), "one empty have for a blob not held");

        peer.clear();
        swarm.received(peer.id(), new BlobGet(otherId, List.of(1, 5, 6)));
        assertEquals(List.of(BlobHave.of(otherId, other.length, all(3)), storage.read(otherId, 1)), peer.sent());
    }

    @Test
    void requestsWaitWhileTheLinkIsFullAndGoOutWhenItDrains() {
        peer.setWritable(false);
        swarm.received(peer.id(), new BlobGet(id, List.of(1, 2, 3)));
        assertTrue(peer.sent().isEmpty());

        peer.setWritable(true);
        swarm.writable(peer.id());

        assertEquals(List.of(1, 2, 3), peer.sent(BlobChunk.class).stream().map(BlobChunk::index).toList());
    }

    @Test
    void aCancelDropsTheQueuedRequestsOfThatBlob() {
        BlobId other = storage.seed(new byte[] {7});
        peer.setWritable(false);
        swarm.received(peer.id(), new BlobGet(id, List.of(1, 2)));
        swarm.received(peer.id(), new BlobGet(other, List.of(0)));
        swarm.received(peer.id(), new BlobCancel(id));

        peer.setWritable(true);
        swarm.writable(peer.id());

        assertEquals(List.of(storage.read(other, 0)), peer.sent());
    }

    @Test
    void morethanSixtyFourQueuedRequestsCloseThePeer() {
        peer.setWritable(false);
        List<Integer> all = IntStream.range(0, 10).boxed().toList();
        for (int i = 0; i < 6; i++) swarm.received(peer.id(), new BlobGet(id, all));
        swarm.received(peer.id(), new BlobGet(id, List.of(0, 1, 2, 3)));
        assertFalse(peer.closed(), "64 may wait");

        swarm.received(peer.id(), new BlobGet(id, List.of(4)));
        assertEquals(Reason.PROTOCOL, peer.closeReason());
        assertEquals("too many chunk requests", peer.closeDetail());
        assertEquals(1, misbehaviour.size());

        peer.setWritable(true);
        swarm.writable(peer.id());
        swarm.received(peer.id(), new BlobGet(id, List.of(0)));
        assertTrue(peer.sent().isEmpty(), "a peer closed is forgotten: " + peer.sent());
    }

    @Test
    void aPeerThatReconnectsStartsWithAnEmptyQueue() {
        peer.setWritable(false);
        swarm.received(peer.id(), new BlobGet(id, List.of(1, 2)));
        swarm.disconnected(peer.id());
        RecordingPeer again = new RecordingPeer("peer");
        swarm.connected(again);
        swarm.received(again.id(), new BlobGet(id, List.of(3)));

        assertEquals(List.<WireMessage>of(storage.read(id, 3)), again.sent());
    }

    private static BitSet all(int chunks) {
        BitSet b = new BitSet();
        b.set(0, chunks);
        return b;
    }
}
