package org.grapevine.node.mesh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.blob.BlobHasher;
import org.grapevine.identity.blob.BlobTree;
import org.grapevine.node.Node;
import org.grapevine.node.blob.BlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blobs between whole nodes on real sockets: attachments of followed authors arrive by
 * themselves, a blob comes from every seeder at once, a seeder sending a bad chunk is cut off and
 * one that dies does not stall the fetch, and a fetch cut short resumes where it stopped.
 */
class BlobIT {
    private static final int C = BlobHasher.CHUNK_SIZE;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private TestNet net;

    @BeforeEach
    void startNet() {
        net = new TestNet(dir);
    }

    @AfterEach
    void stopNet() {
        net.close();
    }

    private Path file(String name, int size) {
        byte[] bytes = new byte[size];
        new Random(size ^ name.hashCode()).nextBytes(bytes);
        Path f = dir.resolve(name);
        try {
            Files.write(f, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return f;
    }

    private static BlobStore files(TestNode n) {
        return n.node().blobFiles();
    }

    private static Node.BlobProgress progress(TestNode n, BlobId id) {
        try {
            return n.node().blobProgress(id).get(5, TimeUnit.SECONDS).orElse(null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitComplete(TestNode n, BlobId id) {
        net.waitFor(n + " holds blob " + id, PATIENCE, () -> files(n).isComplete(id));
    }

    private static void assertSameBytes(Path expected, TestNode n, BlobId id) throws IOException {
        assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(files(n).path(id).orElseThrow()));
    }

    @Test
    void attachmentsOfAFollowedAuthorArriveWholeFromEmptyToTenMebibytes() throws IOException {
        TestNode alice = net.node("alice");
        TestNode bob = net.node("bob");
        bob.follow(alice);
        bob.connect(alice);
        int[] sizes = {0, 1, C, C + 1, 10 << 20};
        List<Path> sources = new ArrayList<>();
        List<BlobId> ids = new ArrayList<>();
        for (int size : sizes) {
            Path f = file("blob-" + size, size);
            sources.add(f);
            ids.add(BlobHasher.of(f));
            alice.postAttaching("a file of " + size + " bytes", f);
        }
        for (int i = 0; i < sizes.length; i++) {
            awaitComplete(bob, ids.get(i));
            assertSameBytes(sources.get(i), bob, ids.get(i));
        }
        net.assertNoInternalErrors();
    }

    @Test
    void aBlobOverTheAutomaticCapWaitsUntilItIsAskedFor() throws IOException {
        TestNode alice = net.node("alice");
        TestNode bob = net.node("bob", c -> c.withBlobs(new Node.Blobs(C, Node.Blobs.DEFAULTS.maxSize(), 2)));
        bob.follow(alice);
        bob.connect(alice);
        Path big = file("big", 2 * C);
        BlobId id = BlobHasher.of(big);
        alice.postAttaching("too big to fetch unasked", big);
        Path small = file("small", C);
        BlobId smallId = BlobHasher.of(small);
        alice.postAttaching("small enough", small);
        awaitComplete(bob, smallId);
        assertFalse(files(bob).held(id).isPresent(), "the big one was fetched without being asked for");

        bob.node().fetchBlob(id, 2L * C);
        awaitComplete(bob, id);
        assertSameBytes(big, bob, id);
    }

    @Test
    void aCorruptSeederIsCutOffThenFourHonestSeedersAllServeChunks() throws Exception {
        int size = 128 * C + 7;
        Path f = file("shared", size);
        BlobId id = BlobHasher.of(f);
        TestNode fetcher = net.node("fetcher");
        List<TestNode> seeders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            TestNode s = net.node("seeder" + i);
            files(s).add(f);
            seeders.add(s);
        }

        // The liar is the only peer when the fetch starts: it claims the whole blob and answers
        // every request with the right chunk, one bit changed.
        Identity mallory = Identity.generate(RANDOM);
        BlobTree tree = treeOf(f, size);
        try (RawPeer liar = RawPeer.connect(fetcher.address(), mallory, TestNet.NETWORK)) {
            liar.send(new WireMessage.Clock(List.of()));
            net.waitFor("the liar connected", PATIENCE, () -> fetcher.connectedPeers().contains(mallory.id()));
            fetcher.node().fetchBlob(id, size);
            WireMessage.Goodbye goodbye = null;
            for (WireMessage m = liar.receive(); m != null; m = liar.receive()) {
                if (m instanceof WireMessage.BlobWant) {
                    liar.send(WireMessage.BlobHave.of(id, size, all(tree.chunks())));
                } else if (m instanceof WireMessage.BlobGet get) {
                    try {
                        for (int k : get.chunks()) {
                            byte[] data = readChunk(f, size, k);
                            data[data.length / 2] ^= 1;
                            liar.send(new WireMessage.BlobChunk(id, size, k, tree.proof(k), data));
                        }
                    } catch (java.net.SocketException hungUp) {
                        // The fetcher hung up after the first bad chunk; its goodbye is still to be read.
                    }
                } else if (m instanceof WireMessage.Goodbye g) {
                    goodbye = g;
                    break;
                }
            }
            assertNotNull(goodbye, "the fetcher hung up on the liar without a goodbye");
            assertEquals(WireMessage.Reason.INVALID_ENTRY, goodbye.reason());
        }
        net.await(fetcher).logs("disconnecting " + mallory.id() + ": ");
        assertEquals(0, progress(fetcher, id).held(), "no chunk of the liar's was stored");

        for (TestNode s : seeders) fetcher.connect(s);
        awaitComplete(fetcher, id);
        assertSameBytes(f, fetcher, id);
        assertEquals(4, progress(fetcher, id).sources(), "every honest seeder served chunks");
    }

    @Test
    void aSeederThatDiesMidTransferDoesNotStallTheFetch() throws IOException {
        int size = 64 * C;
        Path f = file("video", size);
        BlobId id = BlobHasher.of(f);
        TestNode fetcher = net.node("fetcher");
        TestNode doomed = net.node("doomed");
        TestNode steady = net.node("steady");
        files(doomed).add(f);
        files(steady).add(f);
        fetcher.connect(doomed);
        fetcher.connect(steady);
        net.await(fetcher).isConnectedTo(doomed).isConnectedTo(steady);

        fetcher.node().fetchBlob(id, size);
        net.waitFor("the fetch under way", PATIENCE, () -> {
            Node.BlobProgress p = progress(fetcher, id);
            return p != null && p.held() >= 4;
        });
        doomed.stop();
        awaitComplete(fetcher, id);
        assertSameBytes(f, fetcher, id);
    }

    @Test
    void aFetchCutShortResumesAfterARestartWithoutFetchingHeldChunksAgain() throws IOException {
        int size = 96 * C;
        Path f = file("album", size);
        BlobId id = BlobHasher.of(f);
        TestNode seeder = net.node("seeder");
        TestNode fetcher = net.node("fetcher");
        files(seeder).add(f);
        fetcher.connect(seeder);
        net.await(fetcher).isConnectedTo(seeder);

        fetcher.node().fetchBlob(id, size);
        net.waitFor("a third of the blob", PATIENCE, () -> {
            Node.BlobProgress p = progress(fetcher, id);
            return p != null && p.held() >= 32;
        });
        fetcher.stop();
        // What the store recorded is what the restarted node must not fetch again.
        BitSet heldAtStop;
        try (var store = org.grapevine.node.store.Store.open(dir.resolve("fetcher").resolve("data/store.db"))) {
            heldAtStop = store.blob(id).orElseThrow().chunks();
        }
        assertTrue(heldAtStop.cardinality() >= 32 && heldAtStop.cardinality() < tree(size).chunks(), "held " + heldAtStop);

        fetcher.restart();
        fetcher.connect(seeder);
        awaitComplete(fetcher, id);
        assertSameBytes(f, fetcher, id);
        long missing = (long) (tree(size).chunks() - heldAtStop.cardinality()) * C;
        assertEquals(missing, progress(fetcher, id).bytesReceived(), "only the chunks not held at the stop were fetched");
    }

    private static BlobTree tree(long size) {
        return BlobTree.empty(size);
    }

    private static BlobTree treeOf(Path f, long size) throws IOException {
        BlobHasher h = new BlobHasher();
        h.update(Files.readAllBytes(f));
        h.finish();
        return BlobTree.of(size, h.leafHashes());
    }

    private static byte[] readChunk(Path f, long size, int k) throws IOException {
        byte[] all = Files.readAllBytes(f);
        int len = BlobTree.chunkLength(size, k);
        byte[] out = new byte[len];
        System.arraycopy(all, k * C, out, 0, len);
        return out;
    }

    private static BitSet all(int n) {
        BitSet b = new BitSet();
        b.set(0, n);
        return b;
    }
}
