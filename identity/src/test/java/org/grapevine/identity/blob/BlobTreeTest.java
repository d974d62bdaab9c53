package org.grapevine.identity.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.Malformed;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class BlobTreeTest {
    private static final int C = BlobHasher.CHUNK_SIZE;

    private static byte[] blob(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    private static BlobTree full(byte[] blob) {
        BlobHasher h = new BlobHasher();
        h.update(blob);
        h.finish();
        return BlobTree.of(blob.length, h.leafHashes());
    }

    private static int offset(int k) {
        return k * C;
    }

    @Test
    void aLeafHashComputedAheadIsCheckedAsTheChunkItselfWouldBe() {
        byte[] data = blob(3 * C + 5);
        BlobId id = BlobHasher.of(data);
        BlobTree whole = full(data);
        BlobTree fetched = BlobTree.empty(data.length);
        byte[] leaf = BlobHasher.leafHash(data, offset(1), C);
        byte[] otherLeaf = BlobHasher.leafHash(data, offset(2), C);

        assertFalse(BlobTree.verifyHashed(id, data.length, 1, C, otherLeaf, whole.proof(1)), "another chunk's leaf");
        assertFalse(BlobTree.verifyHashed(id, data.length, 1, C - 1, leaf, whole.proof(1)), "a wrong length");
        assertFalse(BlobTree.verifyHashed(id, data.length, 1, C, Arrays.copyOf(leaf, 31), whole.proof(1)), "a short hash");
        assertFalse(fetched.acceptHashed(id, 1, C, otherLeaf, whole.proof(1)));
        assertFalse(fetched.canProve(1), "nothing learned from a rejected chunk");

        assertTrue(BlobTree.verifyHashed(id, data.length, 1, C, leaf, whole.proof(1)));
        assertTrue(fetched.acceptHashed(id, 1, C, leaf, whole.proof(1)));
        assertProofEquals(whole.proof(1), fetched.proof(1));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, C, C + 1, 2 * C, 5 * C, 7 * C + 3})
    void everyChunkProvesItselfAloneAndAFetchedTreeEndsEqualToTheWholeOne(int size) {
        byte[] data = blob(size);
        BlobId id = BlobHasher.of(data);
        BlobTree whole = full(data);
        assertEquals(id, whole.id());

        BlobTree fetched = BlobTree.empty(size);
        // Accept the chunks in a scrambled order, as a swarm delivers them.
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < whole.chunks(); k++) order.add(k);
        java.util.Collections.shuffle(order, new Random(size));
        for (int k : order) {
            List<byte[]> proof = whole.proof(k);
            int len = whole.chunkLength(k);
            assertTrue(BlobTree.verify(id, size, k, data, offset(k), len, proof), "chunk " + k);
            assertTrue(fetched.accept(id, k, data, offset(k), len, proof), "chunk " + k);
            assertTrue(fetched.canProve(k));
            assertProofEquals(proof, fetched.proof(k));
        }
        assertEquals(id, fetched.id());
        for (int k = 0; k < whole.chunks(); k++) assertProofEquals(whole.proof(k), fetched.proof(k));
    }

    @Test
    void aChangedByteAWrongIndexOrAWrongSizeFails() {
        int size = 5 * C + 10;
        byte[] data = blob(size);
        BlobId id = BlobHasher.of(data);
        BlobTree whole = full(data);
        List<byte[]> proof = whole.proof(2);

        byte[] tampered = data.clone();
        tampered[offset(2) + 77] ^= 1;
        assertFalse(BlobTree.verify(id, size, 2, tampered, offset(2), C, proof));
        assertFalse(BlobTree.verify(id, size, 3, data, offset(2), C, proof), "chunk 2 offered as chunk 3");
        assertFalse(BlobTree.verify(id, size + 1, 2, data, offset(2), C, proof), "a size the id does not bind");
        assertFalse(BlobTree.verify(id, size, 2, data, offset(2), C - 1, proof), "a short chunk");
        assertFalse(BlobTree.verify(id, size, 9, data, 0, C, proof), "an index past the end");

        BlobTree fetching = BlobTree.empty(size);
        assertFalse(fetching.accept(id, 2, tampered, offset(2), C, proof));
        assertFalse(fetching.canProve(2), "a failed chunk teaches the tree nothing");
    }

    @Test
    void aProofWithAHashTooManyTooFewOrChangedFails() {
        int size = 6 * C;
        byte[] data = blob(size);
        BlobId id = BlobHasher.of(data);
        List<byte[]> proof = full(data).proof(4);

        List<byte[]> longer = new ArrayList<>(proof);
        longer.add(new byte[32]);
        assertFalse(BlobTree.verify(id, size, 4, data, offset(4), C, longer));
        assertFalse(BlobTree.verify(id, size, 4, data, offset(4), C, proof.subList(0, proof.size() - 1)));
        List<byte[]> changed = new ArrayList<>(proof);
        byte[] h = changed.get(0).clone();
        h[0] ^= 1;
        changed.set(0, h);
        assertFalse(BlobTree.verify(id, size, 4, data, offset(4), C, changed));
        List<byte[]> shortHash = new ArrayList<>(proof);
        shortHash.set(0, new byte[31]);
        assertFalse(BlobTree.verify(id, size, 4, data, offset(4), C, shortHash));
    }

    @Test
    void theLastChunkOfAnOddLevelIsProvedWithoutAHashForTheLevelWhereItIsPromoted() {
        int size = 4 * C + 1; // five chunks: chunk 4 is promoted twice before it meets the rest
        byte[] data = blob(size);
        BlobTree whole = full(data);
        assertEquals(1, whole.proof(4).size());
        assertEquals(3, whole.proof(0).size());
    }

    @Test
    void aPartTreeRoundTripsThroughItsEncoding() throws Malformed {
        int size = 3 * C + 5;
        byte[] data = blob(size);
        BlobId id = BlobHasher.of(data);
        BlobTree whole = full(data);
        BlobTree part = BlobTree.empty(size);
        assertTrue(part.accept(id, 1, data, offset(1), C, whole.proof(1)));

        BlobTree back = BlobTree.decode(size, part.encode());
        assertTrue(back.canProve(1));
        assertTrue(back.canProve(0), "chunk 1's proof holds chunk 0's leaf");
        assertFalse(back.canProve(2), "nothing is known of chunk 2's leaf");
        assertProofEquals(whole.proof(1), back.proof(1));
        assertArrayEquals(part.encode(), back.encode());

        byte[] encoded = part.encode();
        assertThrows(Malformed.class, () -> BlobTree.decode(size, Arrays.copyOf(encoded, encoded.length - 1)));
        assertThrows(Malformed.class, () -> BlobTree.decode(size + C, encoded));
    }

    private static void assertProofEquals(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) assertArrayEquals(expected.get(i), actual.get(i));
    }
}
