package org.grapevine.identity.blob;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.Malformed;

/**
 * The Merkle tree of one blob (see {@link BlobHasher}), as far as it is known: complete for a
 * blob held whole, growing chunk by chunk while one is fetched. It gives the proof that lets a
 * peer check one chunk alone, and checks such proofs.
 *
 * <p>Level 0 holds the leaves; level {@code l + 1} has {@code ceil(count(l) / 2)} nodes, node
 * {@code i} made of nodes {@code 2i} and {@code 2i + 1} below, or equal to node {@code 2i} when
 * that is the odd one out. A proof for chunk {@code k} is the sibling of its path node at every
 * level where that node has one, bottom up. Thread-safe.
 */
public final class BlobTree {
    private static final int HASH = 32;

    private final long size;
    private final int[] levelStart;
    private final int[] levelCount;
    private final byte[] nodes;
    private final BitSet known;

    private BlobTree(long size) {
        long chunks = BlobHasher.chunkCount(size);
        if (chunks > Integer.MAX_VALUE / 4) throw new IllegalArgumentException("blob of " + size + " bytes is too large");
        this.size = size;
        List<Integer> counts = new ArrayList<>();
        int c = (int) chunks;
        counts.add(c);
        while (c > 1) {
            c = (c + 1) / 2;
            counts.add(c);
        }
        levelCount = counts.stream().mapToInt(Integer::intValue).toArray();
        levelStart = new int[levelCount.length];
        int total = 0;
        for (int l = 0; l < levelCount.length; l++) {
            levelStart[l] = total;
            total += levelCount[l];
        }
        nodes = new byte[total * HASH];
        known = new BitSet(total);
    }

    /** A tree of which nothing is known yet, for a blob about to be fetched. */
    public static BlobTree empty(long size) {
        return new BlobTree(size);
    }

    /** The whole tree over a blob's leaf hashes, in chunk order. */
    public static BlobTree of(long size, List<byte[]> leafHashes) {
        BlobTree t = new BlobTree(size);
        if (leafHashes.size() != t.chunks()) {
            throw new IllegalArgumentException(leafHashes.size() + " leaves for a blob of " + t.chunks() + " chunks");
        }
        for (int k = 0; k < leafHashes.size(); k++) t.set(0, k, leafHashes.get(k));
        MessageDigest md = sha256();
        for (int l = 1; l < t.levelCount.length; l++) {
            for (int i = 0; i < t.levelCount[l]; i++) {
                int left = 2 * i;
                if (left + 1 < t.levelCount[l - 1]) {
                    t.set(l, i, combine(md, t.get(l - 1, left), t.get(l - 1, left + 1)));
                } else {
                    t.set(l, i, t.get(l - 1, left));
                }
            }
        }
        return t;
    }

    public long size() {
        return size;
    }

    public int chunks() {
        return levelCount[0];
    }

    /** The length of chunk {@code k}: {@link BlobHasher#CHUNK_SIZE} but for the last. */
    public int chunkLength(int k) {
        return chunkLength(size, k);
    }

    public static int chunkLength(long size, int k) {
        long chunks = BlobHasher.chunkCount(size);
        if (k < 0 || k >= chunks) throw new IndexOutOfBoundsException("chunk " + k + " of " + chunks);
        if (k < chunks - 1) return BlobHasher.CHUNK_SIZE;
        return (int) (size - (long) k * BlobHasher.CHUNK_SIZE);
    }

    /** The blob id this tree proves, once its root is known. */
    public synchronized BlobId id() {
        int top = levelCount.length - 1;
        if (!known.get(levelStart[top])) throw new IllegalStateException("tree root not known yet");
        return BlobHasher.id(size, get(top, 0));
    }

    /** True when every sibling on chunk {@code k}'s path, and its leaf, is known. */
    public synchronized boolean canProve(int k) {
        if (k < 0 || k >= chunks() || !known.get(levelStart[0] + k)) return false;
        int i = k;
        for (int l = 0; l < levelCount.length - 1; l++, i >>= 1) {
            int sibling = i ^ 1;
            if (sibling < levelCount[l] && !known.get(levelStart[l] + sibling)) return false;
        }
        return true;
    }

    /** The proof for chunk {@code k}. */
    public synchronized List<byte[]> proof(int k) {
        if (!canProve(k)) throw new IllegalStateException("cannot prove chunk " + k + " yet");
        List<byte[]> out = new ArrayList<>(levelCount.length);
        int i = k;
        for (int l = 0; l < levelCount.length - 1; l++, i >>= 1) {
            int sibling = i ^ 1;
            if (sibling < levelCount[l]) out.add(get(l, sibling));
        }
        return out;
    }

    /**
     * Checks chunk {@code k} of blob {@code id} against {@code proof}; when it holds, remembers the
     * leaf, the proof and the path, so this tree can prove the chunk to others.
     */
    public boolean accept(BlobId id, int k, byte[] data, int off, int len, List<byte[]> proof) {
        return acceptHashed(id, k, len, BlobHasher.leafHash(data, off, len), proof);
    }

    /**
     * {@link #accept} for a chunk of {@code len} bytes whose leaf hash ({@link BlobHasher#leafHash})
     * the caller computed from the chunk's bytes, perhaps on another thread: hashing the chunk is
     * the costly part of the check, and this does the rest.
     */
    public boolean acceptHashed(BlobId id, int k, int len, byte[] leaf, List<byte[]> proof) {
        byte[][] path = walk(id, size, k, len, leaf, proof);
        if (path == null) return false;
        synchronized (this) {
            int i = k;
            int p = 0;
            for (int l = 0; l < levelCount.length; l++, i >>= 1) {
                set(l, i, path[l]);
                int sibling = i ^ 1;
                if (l < levelCount.length - 1 && sibling < levelCount[l]) set(l, sibling, proof.get(p++));
            }
        }
        return true;
    }

    /** Checks chunk {@code k} of blob {@code id}, {@code size} bytes long, against {@code proof}. */
    public static boolean verify(BlobId id, long size, int k, byte[] data, int off, int len, List<byte[]> proof) {
        return verifyHashed(id, size, k, len, BlobHasher.leafHash(data, off, len), proof);
    }

    /** {@link #verify} for a chunk of {@code len} bytes whose leaf hash the caller computed from its bytes. */
    public static boolean verifyHashed(BlobId id, long size, int k, int len, byte[] leaf, List<byte[]> proof) {
        return walk(id, size, k, len, leaf, proof) != null;
    }

    /**
     * The path from leaf to root that a chunk of {@code len} bytes with leaf hash {@code leaf} and
     * its proof give, or null when they do not prove {@code id}.
     */
    private static byte[][] walk(BlobId id, long size, int k, int len, byte[] leaf, List<byte[]> proof) {
        if (size < 0) return null;
        long chunks = BlobHasher.chunkCount(size);
        if (k < 0 || k >= chunks || len != chunkLength(size, k) || leaf == null || leaf.length != HASH) return null;
        List<Integer> counts = new ArrayList<>();
        for (long c = chunks; ; c = (c + 1) / 2) {
            counts.add((int) c);
            if (c == 1) break;
        }
        byte[][] path = new byte[counts.size()][];
        MessageDigest md = sha256();
        path[0] = leaf;
        int i = k;
        int p = 0;
        for (int l = 0; l < counts.size() - 1; l++, i >>= 1) {
            byte[] up = path[l];
            if ((i ^ 1) < counts.get(l)) {
                if (p >= proof.size()) return null;
                byte[] sibling = proof.get(p++);
                if (sibling == null || sibling.length != HASH) return null;
                up = (i & 1) == 0 ? combine(md, path[l], sibling) : combine(md, sibling, path[l]);
            }
            path[l + 1] = up;
        }
        if (p != proof.size()) return null;
        return BlobHasher.id(size, path[counts.size() - 1]).equals(id) ? path : null;
    }

    /** The known nodes, for keeping beside a blob file: a bitmap of which are known, then every node. */
    public synchronized byte[] encode() {
        int total = nodes.length / HASH;
        byte[] map = Arrays.copyOf(known.toByteArray(), (total + 7) / 8);
        byte[] out = Arrays.copyOf(map, map.length + nodes.length);
        System.arraycopy(nodes, 0, out, map.length, nodes.length);
        return out;
    }

    /**
     * Reads what {@link #encode} wrote for a blob of {@code size} bytes. Only the layout is
     * checked; a chunk counts as held only after its proof is checked again.
     */
    public static BlobTree decode(long size, byte[] encoded) throws Malformed {
        BlobTree t = new BlobTree(size);
        int total = t.nodes.length / HASH;
        int mapBytes = (total + 7) / 8;
        if (encoded.length != mapBytes + t.nodes.length) {
            throw new Malformed("blob tree of " + encoded.length + " bytes, expected " + (mapBytes + t.nodes.length));
        }
        BitSet map = BitSet.valueOf(Arrays.copyOf(encoded, mapBytes));
        if (map.length() > total) throw new Malformed("blob tree marks nodes past its end");
        t.known.or(map);
        System.arraycopy(encoded, mapBytes, t.nodes, 0, t.nodes.length);
        return t;
    }

    private byte[] get(int level, int i) {
        int at = (levelStart[level] + i) * HASH;
        return Arrays.copyOfRange(nodes, at, at + HASH);
    }

    private void set(int level, int i, byte[] hash) {
        System.arraycopy(hash, 0, nodes, (levelStart[level] + i) * HASH, HASH);
        known.set(levelStart[level] + i);
    }

    private static byte[] combine(MessageDigest md, byte[] left, byte[] right) {
        md.update(BlobHasher.NODE);
        md.update(left);
        md.update(right);
        return md.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
