package org.grapevine.gossip.blobs;

import org.grapevine.gossip.wire.WireMessage.BlobChunk;
import org.grapevine.identity.blob.BlobHasher;

/**
 * A chunk from a peer with the leaf hash of its data, computed here from those very bytes.
 * Hashing 256 KiB is nearly all the cost of checking a chunk's Merkle proof, so a node can hash
 * chunks on a thread of their own ({@link #of}) and hand them to the swarm, whose check of the
 * proof then takes a few small hashes. Only {@link #of} makes one: a leaf hash cannot come from
 * anywhere but the chunk's data.
 */
public final class HashedChunk {
    private final BlobChunk chunk;
    private final byte[] leaf;

    private HashedChunk(BlobChunk chunk, byte[] leaf) {
        this.chunk = chunk;
        this.leaf = leaf;
    }

    /** Hashes {@code chunk}'s data: the costly step, safe on any thread. */
    public static HashedChunk of(BlobChunk chunk) {
        byte[] data = chunk.dataUnsafe();
        return new HashedChunk(chunk, BlobHasher.leafHash(data, 0, data.length));
    }

    public BlobChunk chunk() {
        return chunk;
    }

    /** The leaf hash of the chunk's data, not a copy: never modify it. */
    public byte[] leaf() {
        return leaf;
    }

    @Override
    public String toString() {
        return "HashedChunk[" + chunk + "]";
    }
}
