package org.grapevine.gossip.blobs;

import java.util.BitSet;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.BlobId;

/** What the blob swarm needs from a node's blob files; the node's blob store implements it. */
public interface BlobStorage {
    /** What is held of one blob: its size, the chunks held (proven), and whether that is all of them. */
    record Holding(long size, BitSet chunks, boolean complete) {
        public Holding {
            if (size < 0) throw new IllegalArgumentException("negative blob size");
            chunks = (BitSet) chunks.clone();
        }

        @Override
        public BitSet chunks() {
            return (BitSet) chunks.clone();
        }
    }

    /** What is held of {@code blob}; null when nothing is held and no fetch of it was begun. */
    Holding holding(BlobId blob);

    /** A held chunk with the proof that ties it to the blob id, or null if it is not held. */
    WireMessage.BlobChunk read(BlobId blob, int index);

    /**
     * Starts holding a partial blob of {@code size} bytes (a no-op returning true if it is already
     * held at that size). False refuses it, for instance over the node's size limit or disk budget.
     */
    boolean begin(BlobId blob, long size);

    /**
     * Starts holding a partial blob fetched only for others (a relay): it is not recorded as
     * this node's, is never resumed after a restart, and goes with {@link #discard} unless {@link
     * #keep} made it the node's own first. False refuses it.
     */
    boolean beginTransient(BlobId blob, long size);

    /** A blob begun transient is wanted by this node itself from now on: recorded and resumed like any. */
    void keep(BlobId blob);

    /** Removes a blob begun transient, partial or complete, with its files; nothing if it was kept since. */
    void discard(BlobId blob);

    /** What became of one chunk offered by a peer. */
    enum Stored {
        STORED,
        /** The last missing chunk: the blob is now held whole. */
        COMPLETE,
        /** Already held; nothing changed. */
        DUPLICATE,
        /** Its proof does not lead to the blob id, or its length or size is wrong: the sender misbehaves. */
        INVALID
    }

    /**
     * Checks {@code chunk} against its blob id (the Merkle proof from its leaf hash, the chunk
     * length, the size the fetch was begun with) and stores it. Only called for a blob {@link
     * #begin begun} before.
     */
    Stored store(HashedChunk chunk);
}
