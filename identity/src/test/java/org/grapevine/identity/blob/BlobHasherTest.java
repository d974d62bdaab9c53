package org.grapevine.identity.blob;

import static org.grapevine.identity.blob.BlobHasher.CHUNK_SIZE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.grapevine.identity.BlobId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobHasherTest {
    /** Sizes around every boundary that matters: empty, one byte, chunk edges, odd and even leaf counts. */
    private static final int[] SIZES = {
        0, 1, 2, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE - 1, 2 * CHUNK_SIZE,
        2 * CHUNK_SIZE + 1, 3 * CHUNK_SIZE, 3 * CHUNK_SIZE + CHUNK_SIZE / 2, 5 * CHUNK_SIZE - 7
    };

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void emptyBlobIsOneEmptyLeaf() throws Exception {
        BlobHasher h = new BlobHasher();
        BlobId id = h.finish();
        byte[] leaf = MessageDigest.getInstance("SHA-256").digest(new byte[] {0});
        assertEquals(1, h.leafHashes().size());
        assertArrayEquals(leaf, h.leafHashes().get(0));
        assertEquals(BlobHasher.id(0, leaf), id);
        assertEquals(id, BlobHasher.of(new byte[0]));
        assertEquals(0, h.size());
    }

    @Test
    void streamingInOddPiecesEqualsOneShot() {
        Random pieces = new Random(7);
        for (int size : SIZES) {
            byte[] blob = random(size, size);
            BlobId oneShot = BlobHasher.of(blob);
            BlobHasher h = new BlobHasher();
            int off = 0;
            while (off < blob.length) {
                int n = Math.min(blob.length - off, pieces.nextInt(3) == 0 ? pieces.nextInt(7) : pieces.nextInt(100_000));
                h.update(blob, off, n);
                off += n;
            }
            assertEquals(oneShot, h.finish(), "size " + size);
            assertEquals(size, h.size());

            BlobHasher bytewise = new BlobHasher();
            if (size <= CHUNK_SIZE + 1) {
                for (int i = 0; i < size; i++) bytewise.update(blob, i, 1);
                assertEquals(oneShot, bytewise.finish(), "byte by byte, size " + size);
            }
        }
    }

    @Test
    void leafHashesAreTheChunksInOrder() {
        for (int size : SIZES) {
            byte[] blob = random(size, 31L * size);
            BlobHasher h = new BlobHasher();
            h.update(blob);
            BlobId id = h.finish();
            List<byte[]> leaves = h.leafHashes();
            assertEquals(BlobHasher.chunkCount(size), leaves.size(), "size " + size);
            for (int k = 0; k < leaves.size(); k++) {
                int off = k * CHUNK_SIZE;
                int len = Math.min(CHUNK_SIZE, size - off);
                assertArrayEquals(BlobHasher.leafHash(blob, off, len), leaves.get(k), "size " + size + " chunk " + k);
            }
            assertEquals(id, BlobHasher.id(size, BlobHasher.treeRoot(leaves)));
        }
    }

    @Test
    void chunkCounts() {
        assertEquals(1, BlobHasher.chunkCount(0));
        assertEquals(1, BlobHasher.chunkCount(1));
        assertEquals(1, BlobHasher.chunkCount(CHUNK_SIZE));
        assertEquals(2, BlobHasher.chunkCount(CHUNK_SIZE + 1));
        assertEquals(8192, BlobHasher.chunkCount(2L << 30));
        assertThrows(IllegalArgumentException.class, () -> BlobHasher.chunkCount(-1));
    }

    @Test
    void aFullLastChunkAddsNoEmptyLeaf() {
        BlobHasher h = new BlobHasher();
        h.update(new byte[CHUNK_SIZE]);
        assertEquals(0, h.leafHashes().size(), "the chunk stays open until the next byte or finish");
        h.finish();
        assertEquals(1, h.leafHashes().size());

        BlobHasher two = new BlobHasher();
        two.update(new byte[CHUNK_SIZE + 1]);
        assertEquals(1, two.leafHashes().size(), "the first chunk closed when the next byte came");
        two.finish();
        assertEquals(2, two.leafHashes().size());
    }

    @Test
    void differentContentOrSizeGivesDifferentIds() {
        Set<BlobId> ids = new HashSet<>();
        for (int size : SIZES) assertTrue(ids.add(BlobHasher.of(new byte[size])), "zeros of size " + size);
        byte[] blob = random(2 * CHUNK_SIZE + 5, 1);
        assertTrue(ids.add(BlobHasher.of(blob)));
        for (int at : new int[] {0, CHUNK_SIZE - 1, CHUNK_SIZE, blob.length - 1}) {
            byte[] flipped = blob.clone();
            flipped[at] ^= 1;
            assertTrue(ids.add(BlobHasher.of(flipped)), "one bit flipped at " + at);
        }
        assertTrue(ids.add(BlobHasher.of(Arrays.copyOf(blob, blob.length - 1))), "one byte shorter");
    }

    @Test
    void sizeIsBoundIntoTheId() {
        byte[] blob = random(CHUNK_SIZE + 10, 3);
        BlobHasher h = new BlobHasher();
        h.update(blob);
        BlobId id = h.finish();
        byte[] root = BlobHasher.treeRoot(h.leafHashes());
        assertEquals(id, BlobHasher.id(blob.length, root));
        assertNotEquals(id, BlobHasher.id(blob.length + 1, root), "same tree, other size claimed");
        assertNotEquals(id, new BlobId(root), "the id is not the bare tree root");
    }

    @Test
    void oddNodesArePromotedUnchanged() throws Exception {
        byte[] a = random(32, 1), b = random(32, 2), c = random(32, 3);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update((byte) 1);
        md.update(a);
        md.update(b);
        byte[] ab = md.digest();
        md.update((byte) 1);
        md.update(ab);
        md.update(c);
        assertArrayEquals(md.digest(), BlobHasher.treeRoot(List.of(a, b, c)));
        assertArrayEquals(a, BlobHasher.treeRoot(List.of(a)), "one leaf is its own root");
    }

    /** The tree equals RFC 6962's shape: the left subtree holds the largest power of two below n. */
    @Test
    void treeHasTheShapeOfRfc6962() throws Exception {
        List<byte[]> leaves = new ArrayList<>();
        for (int n = 1; n <= 40; n++) {
            leaves.add(random(32, n));
            assertArrayEquals(rfc6962(leaves), BlobHasher.treeRoot(leaves), n + " leaves");
        }
    }

    private static byte[] rfc6962(List<byte[]> leaves) throws Exception {
        if (leaves.size() == 1) return leaves.get(0);
        int k = Integer.highestOneBit(leaves.size() - 1);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update((byte) 1);
        md.update(rfc6962(leaves.subList(0, k)));
        md.update(rfc6962(leaves.subList(k, leaves.size())));
        return md.digest();
    }

    @Test
    void fileHashingEqualsByteHashing(@TempDir Path dir) throws IOException {
        for (int size : SIZES) {
            byte[] blob = random(size, 100 + size);
            Path file = dir.resolve("blob-" + size);
            Files.write(file, blob);
            assertEquals(BlobHasher.of(blob), BlobHasher.of(file), "size " + size);
        }
    }

    @Test
    void finishIsFinal() {
        BlobHasher h = new BlobHasher();
        h.update(new byte[] {1, 2, 3});
        BlobId id = h.finish();
        assertEquals(id, h.finish());
        assertThrows(IllegalStateException.class, () -> h.update(new byte[] {4}));
        assertThrows(IndexOutOfBoundsException.class, () -> new BlobHasher().update(new byte[3], 2, 2));
    }

    @Test
    void leafHashesCannotBeChangedFromOutside() {
        BlobHasher h = new BlobHasher();
        BlobId id = h.finish();
        h.leafHashes().get(0)[0] ^= 1;
        assertEquals(id, BlobHasher.id(0, BlobHasher.treeRoot(h.leafHashes())));
        assertEquals("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                HexFormat.of().formatHex(h.leafHashes().get(0)), "SHA-256 of the single byte 00");
    }
}
