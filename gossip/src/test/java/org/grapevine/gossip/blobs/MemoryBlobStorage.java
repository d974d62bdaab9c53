package org.grapevine.gossip.blobs;

import java.util.BitSet;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.grapevine.gossip.wire.WireMessage.BlobChunk;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.blob.BlobHasher;
import org.grapevine.identity.blob.BlobTree;

/**
 * A {@link BlobStorage} in memory that checks chunks like the node's (a {@link BlobTree} per blob),
 * counts what was offered to it, and can be told to refuse large blobs or to serve corrupt chunks.
 */
final class MemoryBlobStorage implements BlobStorage {
    private final Map<BlobId, Held> blobs = new HashMap<>();
    private final Map<Stored, Integer> outcomes = new EnumMap<>(Stored.class);
    private long sizeLimit = Long.MAX_VALUE;
    private boolean corrupt;
    /** Blobs begun only for others, and every blob discarded so far. */
    private final java.util.Set<BlobId> transients = new java.util.HashSet<>();
    private final java.util.List<BlobId> discarded = new java.util.ArrayList<>();

    private static final class Held {
        final long size;
        final BlobTree tree;
        final Map<Integer, byte[]> chunks = new HashMap<>();

        Held(long size, BlobTree tree) {
            this.size = size;
            this.tree = tree;
        }

        boolean complete() {
            return chunks.size() == tree.chunks();
        }
    }

    /** {@code size} bytes from a seeded generator: the same seed gives the same blob. */
    static byte[] randomBlob(long seed, int size) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** Holds all of {@code blob}, as the node does for one it posted; returns its id. */
    BlobId seed(byte[] blob) {
        BlobHasher hasher = new BlobHasher();
        hasher.update(blob);
        BlobId id = hasher.finish();
        Held h = new Held(blob.length, BlobTree.of(blob.length, hasher.leafHashes()));
        for (int k = 0; k < h.tree.chunks(); k++) {
            int from = k * BlobHasher.CHUNK_SIZE;
            h.chunks.put(k, java.util.Arrays.copyOfRange(blob, from, from + h.tree.chunkLength(k)));
        }
        blobs.put(id, h);
        return id;
    }

    /** Refuses to begin blobs larger than this. */
    MemoryBlobStorage limit(long bytes) {
        sizeLimit = bytes;
        return this;
    }

    /** Serves every chunk with one byte flipped (and the honest proof), as a broken or hostile peer would. */
    MemoryBlobStorage corrupt() {
        corrupt = true;
        return this;
    }

    @Override
    public Holding holding(BlobId blob) {
        Held h = blobs.get(blob);
        if (h == null) return null;
        BitSet chunks = new BitSet();
        h.chunks.keySet().forEach(chunks::set);
        return new Holding(h.size, chunks, h.complete());
    }

    @Override
    public BlobChunk read(BlobId blob, int index) {
        Held h = blobs.get(blob);
        byte[] data = h == null ? null : h.chunks.get(index);
        if (data == null) return null;
        if (corrupt && data.length > 0) {
            data = data.clone();
            data[data.length / 2] ^= 1;
        }
        return new BlobChunk(blob, h.size, index, h.tree.proof(index), data);
    }

    @Override
    public boolean begin(BlobId blob, long size) {
        Held h = blobs.get(blob);
        if (h != null) return h.size == size;
        if (size > sizeLimit) return false;
        blobs.put(blob, new Held(size, BlobTree.empty(size)));
        return true;
    }

    @Override
    public boolean beginTransient(BlobId blob, long size) {
        boolean fresh = !blobs.containsKey(blob);
        if (!begin(blob, size)) return false;
        if (fresh) transients.add(blob);
        return true;
    }

    @Override
    public void keep(BlobId blob) {
        transients.remove(blob);
    }

    @Override
    public void discard(BlobId blob) {
        if (!transients.remove(blob)) return;
        blobs.remove(blob);
        discarded.add(blob);
    }

    /** Whether anything of {@code blob} is held, partial or whole. */
    boolean holdsAny(BlobId blob) {
        return blobs.containsKey(blob);
    }

    /** Whether {@code blob} is held only for others. */
    boolean isTransient(BlobId blob) {
        return transients.contains(blob);
    }

    List<BlobId> discarded() {
        return List.copyOf(discarded);
    }

    @Override
    public Stored store(HashedChunk hashed) {
        BlobChunk chunk = hashed.chunk();
        Held h = blobs.get(chunk.blob());
        if (h == null) throw new IllegalStateException("store before begin: " + chunk);
        Stored s = storeOne(h, chunk, hashed.leaf());
        outcomes.merge(s, 1, Integer::sum);
        return s;
    }

    private static Stored storeOne(Held h, BlobChunk chunk, byte[] leaf) {
        if (chunk.size() != h.size) return Stored.INVALID;
        if (h.chunks.containsKey(chunk.index())) return Stored.DUPLICATE;
        byte[] data = chunk.dataUnsafe();
        if (!h.tree.acceptHashed(chunk.blob(), chunk.index(), data.length, leaf, chunk.proof())) return Stored.INVALID;
        h.chunks.put(chunk.index(), data.clone());
        return h.complete() ? Stored.COMPLETE : Stored.STORED;
    }

    /** The whole blob, or null unless every chunk is held. */
    byte[] bytes(BlobId blob) {
        Held h = blobs.get(blob);
        if (h == null || !h.complete()) return null;
        byte[] out = new byte[(int) h.size];
        for (var e : h.chunks.entrySet()) {
            System.arraycopy(e.getValue(), 0, out, e.getKey() * BlobHasher.CHUNK_SIZE, e.getValue().length);
        }
        return out;
    }

    /** How often {@link #store} answered {@code s}. */
    int count(Stored s) {
        return outcomes.getOrDefault(s, 0);
    }
}
