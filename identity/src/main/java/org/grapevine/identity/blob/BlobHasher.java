package org.grapevine.identity.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.grapevine.identity.BlobId;

/**
 * Computes a blob id (docs/PROTOCOL.md, "Blobs"): a SHA-256 Merkle tree over 256 KiB chunks,
 * bound to the blob's size.
 *
 * <ul>
 *   <li>The blob is cut into chunks of {@link #CHUNK_SIZE} bytes; the last may be shorter. The
 *       empty blob is one empty chunk, so every blob has at least one chunk.
 *   <li>leaf = SHA-256(0x00 || chunk bytes)
 *   <li>node = SHA-256(0x01 || left || right). Leaves are paired left to right, level by level;
 *       an odd node left over at the end of a level is promoted unchanged (not hashed again) to
 *       the next level, until one node remains: the tree root.
 *   <li>id = SHA-256(0x02 || size as u64 big-endian || tree root), so the id fixes the size and
 *       thereby the number of chunks and the length of the last one.
 * </ul>
 *
 * <p>Streaming: {@code update} any number of times with pieces of any size, then {@link #finish}
 * once. Not thread-safe.
 */
public final class BlobHasher {
    /** Bytes per chunk: 256 KiB. Every chunk but the last is exactly this long. */
    public static final int CHUNK_SIZE = 256 * 1024;

    static final byte LEAF = 0x00;
    static final byte NODE = 0x01;
    static final byte ROOT = 0x02;

    private final MessageDigest leaf = sha256();
    private final List<byte[]> leaves = new ArrayList<>();
    /** Bytes of the current chunk fed to {@link #leaf} so far (the prefix byte not counted). */
    private int inChunk;
    private long size;
    private BlobId id;

    public BlobHasher() {
        leaf.update(LEAF);
    }

    /** Hashes a whole blob held in memory. */
    public static BlobId of(byte[] blob) {
        BlobHasher h = new BlobHasher();
        h.update(blob, 0, blob.length);
        return h.finish();
    }

    /** Hashes a file, reading it one chunk at a time. */
    public static BlobId of(Path file) throws IOException {
        BlobHasher h = new BlobHasher();
        byte[] buffer = new byte[CHUNK_SIZE];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.readNBytes(buffer, 0, CHUNK_SIZE)) > 0) h.update(buffer, 0, n);
        }
        return h.finish();
    }

    public void update(byte[] bytes) {
        update(bytes, 0, bytes.length);
    }

    public void update(byte[] bytes, int off, int len) {
        Objects.checkFromIndexSize(off, len, bytes.length);
        if (id != null) throw new IllegalStateException("blob hasher already finished");
        while (len > 0) {
            if (inChunk == CHUNK_SIZE) endChunk();
            int n = Math.min(len, CHUNK_SIZE - inChunk);
            leaf.update(bytes, off, n);
            inChunk += n;
            size += n;
            off += n;
            len -= n;
        }
    }

    /** Ends the blob and returns its id; later calls return the same id. */
    public BlobId finish() {
        if (id == null) {
            // A full last chunk is still open here; an empty blob has its one empty chunk open.
            endChunk();
            id = id(size, treeRoot(leaves));
        }
        return id;
    }

    /** Bytes fed so far. */
    public long size() {
        return size;
    }

    /**
     * The leaf hashes in chunk order: after {@link #finish}, of every chunk; before it, of the
     * chunks known to be complete (a chunk is closed when the byte after it arrives).
     */
    public List<byte[]> leafHashes() {
        List<byte[]> copy = new ArrayList<>(leaves.size());
        for (byte[] h : leaves) copy.add(h.clone());
        return Collections.unmodifiableList(copy);
    }

    private void endChunk() {
        leaves.add(leaf.digest());
        leaf.update(LEAF);
        inChunk = 0;
    }

    /** Number of chunks (and leaves) of a blob of {@code size} bytes: at least 1. */
    public static long chunkCount(long size) {
        if (size < 0) throw new IllegalArgumentException("negative blob size " + size);
        return size == 0 ? 1 : (size - 1) / CHUNK_SIZE + 1;
    }

    /** The leaf hash of one chunk's bytes: SHA-256(0x00 || chunk). */
    public static byte[] leafHash(byte[] chunk, int off, int len) {
        MessageDigest md = sha256();
        md.update(LEAF);
        md.update(chunk, off, len);
        return md.digest();
    }

    /** The tree root over leaf hashes in order, odd nodes promoted unchanged. */
    public static byte[] treeRoot(List<byte[]> leafHashes) {
        if (leafHashes.isEmpty()) throw new IllegalArgumentException("a blob has at least one leaf");
        MessageDigest md = sha256();
        List<byte[]> level = new ArrayList<>(leafHashes);
        while (level.size() > 1) {
            List<byte[]> up = new ArrayList<>((level.size() + 1) / 2);
            for (int i = 0; i + 1 < level.size(); i += 2) {
                md.update(NODE);
                md.update(level.get(i));
                md.update(level.get(i + 1));
                up.add(md.digest());
            }
            if (level.size() % 2 == 1) up.add(level.get(level.size() - 1));
            level = up;
        }
        return level.get(0).clone();
    }

    /** The id of a blob of {@code size} bytes whose tree has root {@code treeRoot}. */
    public static BlobId id(long size, byte[] treeRoot) {
        if (size < 0) throw new IllegalArgumentException("negative blob size " + size);
        if (treeRoot.length != 32) throw new IllegalArgumentException("tree root needs 32 bytes");
        MessageDigest md = sha256();
        md.update(ROOT);
        for (int shift = 56; shift >= 0; shift -= 8) md.update((byte) (size >>> shift));
        md.update(treeRoot);
        return new BlobId(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
