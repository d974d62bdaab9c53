package org.grapevine.node.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.grapevine.gossip.limits.Limits;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.blob.BlobHasher;
import org.grapevine.identity.blob.BlobTree;
import org.grapevine.node.store.Store;
import org.grapevine.node.store.Store.BlobRecord;

/**
 * Blobs on disk, under the data directory's {@code blobs/}: a complete blob is the file named by its
 * id in hex, with its Merkle tree beside it ({@code ID.tree}); one being fetched is {@code ID.part},
 * written chunk by chunk at its offsets, and moved to its final name only when every chunk has
 * passed its proof. The store's MapDB index records each blob's size and chunks held.
 *
 * <p>A partial blob's chunks are recorded in the index only after the part file and its tree are
 * forced to disk, every {@link #FLUSH_CHUNKS} chunks or {@link #FLUSH_MILLIS} ms; after a crash the
 * recorded chunks are checked against their proofs again and the fetch resumes from them.
 *
 * <p>A blob fetched only for others is <em>transient</em>: its partial file is never recorded (so
 * it is never resumed, and a sweep at start removes what a crash left of it), and {@link #discard}
 * removes it unless the node made it its own since. At most {@link Limits#OPEN_PART_FILES} part
 * files are open at once; the least recently used is recorded, closed and reopened when needed.
 * Thread-safe.
 */
public final class BlobStore implements AutoCloseable {
    public static final int FLUSH_CHUNKS = 128;
    public static final long FLUSH_MILLIS = 1_000;

    /** The outcome of storing a chunk. */
    public enum Stored { STORED, COMPLETE, DUPLICATE, INVALID }

    /** A chunk read for a peer: its bytes and the proof that it belongs to the blob. */
    public record Chunk(BlobId blob, long size, int index, List<byte[]> proof, byte[] data) {}

    /** A blob as listed: what is held of it. */
    public record Held(BlobId id, long size, boolean complete, int chunks, int chunksHeld) {}

    private final Path dir;
    private final Store store;
    private final long maxSize;
    private final LongSupplier millis;
    private final Map<BlobId, Partial> partials = new HashMap<>();
    /** Partials whose part file is open, least recently used first. */
    private final java.util.LinkedHashMap<BlobId, Partial> openParts = new java.util.LinkedHashMap<>(16, 0.75f, true);
    private final int maxOpenParts;
    /** Blobs held only for others (see the class comment). */
    private final java.util.Set<BlobId> transients = new java.util.HashSet<>();
    /** Of those, the complete ones, by size: not recorded, so a restart's sweep removes them. */
    private final Map<BlobId, Long> transientComplete = new HashMap<>();
    private final Map<BlobId, BlobTree> trees = new HashMap<>();
    /** Open files of complete blobs being served, least recently used first. */
    private final java.util.LinkedHashMap<BlobId, FileChannel> serving = new java.util.LinkedHashMap<>(16, 0.75f, true);
    private static final int MAX_SERVING = 16;

    /** A blob being fetched: its part file (null while closed), its tree so far, and which chunks it holds. */
    private static final class Partial {
        final BlobId id;
        final long size;
        FileChannel file;
        final BlobTree tree;
        final BitSet held;
        final boolean transientBlob;
        int unflushed;
        long lastFlush;

        Partial(BlobId id, long size, BlobTree tree, BitSet held, boolean transientBlob, long now) {
            this.id = id;
            this.size = size;
            this.tree = tree;
            this.held = held;
            this.transientBlob = transientBlob;
            this.lastFlush = now;
        }
    }

    public BlobStore(Path dir, Store store, long maxSize, LongSupplier millis) {
        this(dir, store, maxSize, millis, Limits.OPEN_PART_FILES);
    }

    public BlobStore(Path dir, Store store, long maxSize, LongSupplier millis, int maxOpenParts) {
        this.dir = dir;
        this.store = store;
        this.maxSize = maxSize;
        this.millis = millis;
        this.maxOpenParts = maxOpenParts;
    }

    public long maxSize() {
        return maxSize;
    }

    /** What is recorded of a blob, or held complete only for others. */
    private Optional<BlobRecord> record(BlobId id) {
        Optional<BlobRecord> r = store.blob(id);
        if (r.isPresent()) return r;
        Long size = transientComplete.get(id);
        return size == null ? Optional.empty() : Optional.of(new BlobRecord(size, true, new BitSet()));
    }

    private Path file(BlobId id) {
        return dir.resolve(id.hex());
    }

    private Path treeFile(BlobId id) {
        return dir.resolve(id.hex() + ".tree");
    }

    private Path partFile(BlobId id) {
        return dir.resolve(id.hex() + ".part");
    }

    /**
     * Adds a local file: copied into the store while it is hashed, forced, and moved into place.
     *
     * @throws BlobException if it is larger than the maximum blob size or cannot be read
     */
    public synchronized Held add(Path source) throws IOException {
        long size;
        try {
            size = Files.size(source);
        } catch (NoSuchFileException e) {
            throw new BlobException("no such file: " + source);
        }
        if (Files.isDirectory(source)) throw new BlobException(source + " is a directory");
        if (size > maxSize) throw new BlobException(source + " is " + size + " bytes, over the maximum blob size of " + maxSize);
        Files.createDirectories(dir);
        Path temp = dir.resolve(".add-" + UUID.randomUUID());
        try {
            BlobHasher hasher = new BlobHasher();
            try (InputStream in = Files.newInputStream(source);
                 FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                byte[] buffer = new byte[BlobHasher.CHUNK_SIZE];
                int n;
                while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                    if (hasher.size() + n > maxSize) throw new BlobException(source + " grew over the maximum blob size while it was read");
                    hasher.update(buffer, 0, n);
                    ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
                    while (b.hasRemaining()) out.write(b);
                }
                out.force(true);
            }
            BlobId id = hasher.finish();
            size = hasher.size();
            if (transients.contains(id)) keep(id); // The user's own now, whatever fetched it before.
            if (isComplete(id)) return held(id).orElseThrow();
            BlobTree tree = BlobTree.of(size, hasher.leafHashes());
            writeTree(id, tree);
            Files.move(temp, file(id), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            dropPartial(id);
            trees.put(id, tree);
            store.putBlob(id, new BlobRecord(size, true, new BitSet()));
            return held(id).orElseThrow();
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    public synchronized boolean isComplete(BlobId id) {
        return record(id).map(BlobRecord::complete).orElse(false) && Files.exists(file(id));
    }

    /** True while a partial blob's file is open for chunks in this process. */
    public synchronized boolean isOpen(BlobId id) {
        return partials.containsKey(id);
    }

    /** The file of a complete blob. */
    public synchronized Optional<Path> path(BlobId id) {
        return isComplete(id) ? Optional.of(file(id)) : Optional.empty();
    }

    /** What is held of a blob; empty when nothing is recorded. */
    public synchronized Optional<Held> held(BlobId id) {
        Partial p = partials.get(id);
        if (p != null) return Optional.of(new Held(id, p.size, false, p.tree.chunks(), p.held.cardinality()));
        return record(id).map(r -> held(id, r));
    }

    private static Held held(BlobId id, BlobRecord r) {
        int chunks = (int) BlobHasher.chunkCount(r.size());
        return new Held(id, r.size(), r.complete(), chunks, r.complete() ? chunks : r.chunks().cardinality());
    }

    /** Every blob with a record. */
    public synchronized List<Held> list() {
        return store.blobs().entrySet().stream()
                .map(e -> partials.containsKey(e.getKey()) ? held(e.getKey()).orElseThrow() : held(e.getKey(), e.getValue()))
                .toList();
    }

    /** The chunks held of a blob, or null when none are recorded. */
    public synchronized BitSet chunks(BlobId id) {
        Partial p = partials.get(id);
        if (p != null) return (BitSet) p.held.clone();
        Optional<BlobRecord> r = record(id);
        if (r.isEmpty()) return null;
        if (!r.get().complete()) return r.get().chunks();
        BitSet all = new BitSet();
        all.set(0, (int) BlobHasher.chunkCount(r.get().size()));
        return all;
    }

    /**
     * Starts (or resumes) holding a blob being fetched. False when it is over the maximum size.
     * A resumed blob's recorded chunks are checked against their proofs before they count.
     */
    public synchronized boolean begin(BlobId id, long size) throws IOException {
        return begin(id, size, false);
    }

    /**
     * Starts holding a blob fetched only for others: never recorded as partial, never resumed,
     * removed by {@link #discard}. A blob already held or begun is left as it is.
     */
    public synchronized boolean beginTransient(BlobId id, long size) throws IOException {
        boolean known = partials.containsKey(id) || record(id).isPresent();
        if (!begin(id, size, !known)) return false;
        if (!known) transients.add(id);
        return true;
    }

    private boolean begin(BlobId id, long size, boolean transientBlob) throws IOException {
        if (size < 0 || size > maxSize) return false;
        if (partials.containsKey(id)) return partials.get(id).size == size;
        Optional<BlobRecord> record = record(id);
        if (record.isPresent() && record.get().complete()) {
            if (Files.exists(file(id))) return record.get().size() == size;
            store.removeBlob(id); // The file went away: fetch it again.
            record = Optional.empty();
        }
        if (record.isPresent() && record.get().size() != size) return false;
        Files.createDirectories(dir);
        Partial p = new Partial(id, size, BlobTree.empty(size), new BitSet(), transientBlob, millis.getAsLong());
        FileChannel part = open(p);
        try {
            Partial resumed = p;
            if (record.isPresent()) {
                BlobTree tree = readTree(id, size).orElse(p.tree);
                resumed = new Partial(id, size, tree, recheck(id, size, part, tree, record.get().chunks()), false, p.lastFlush);
                resumed.file = part;
                openParts.put(id, resumed);
            }
            partials.put(id, resumed);
            if (!transientBlob) store.putBlob(id, new BlobRecord(size, false, resumed.held));
            return true;
        } catch (IOException | RuntimeException e) {
            openParts.remove(id);
            part.close();
            throw e;
        }
    }

    /** The part file of {@code p}, opened if it was closed; the least recently used other one is closed past the limit. */
    private FileChannel open(Partial p) throws IOException {
        if (p.file != null) {
            openParts.get(p.id); // Counts as a use.
            return p.file;
        }
        while (openParts.size() >= maxOpenParts) {
            Partial eldest = openParts.values().iterator().next();
            flush(eldest);
            eldest.file.close();
            eldest.file = null;
            openParts.remove(eldest.id);
        }
        p.file = FileChannel.open(partFile(p.id), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        openParts.put(p.id, p);
        return p.file;
    }

    /** A blob begun transient is this node's own from now on: recorded, and resumed after a restart. */
    public synchronized void keep(BlobId id) throws IOException {
        if (!transients.remove(id)) return;
        Long completeSize = transientComplete.remove(id);
        if (completeSize != null) {
            store.putBlob(id, new BlobRecord(completeSize, true, new BitSet()));
            return;
        }
        Partial p = partials.get(id);
        if (p == null) return;
        Partial own = new Partial(id, p.size, p.tree, p.held, false, p.lastFlush);
        own.file = p.file;
        own.unflushed = 1;
        partials.put(id, own);
        if (own.file != null) openParts.put(id, own);
        flush(own);
    }

    /** Removes a blob begun transient, partial or complete; nothing if the node made it its own since. */
    public synchronized void discard(BlobId id) throws IOException {
        if (transients.remove(id)) remove(id);
    }

    /** Part files open now. */
    public synchronized int openPartFiles() {
        return openParts.size();
    }

    /**
     * Removes blob files, partial or whole, that no record claims: what a restart left of blobs
     * fetched only for others, so that they are neither resumed nor kept.
     */
    public synchronized int sweep() throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        int removed = 0;
        try (var files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String hex = name.endsWith(".part") ? name.substring(0, name.length() - ".part".length()) : name;
                if (hex.length() != 64) continue;
                BlobId id;
                try {
                    id = new BlobId(java.util.HexFormat.of().parseHex(hex));
                } catch (IllegalArgumentException notOurs) {
                    continue;
                }
                if (partials.containsKey(id) || record(id).isPresent()) continue;
                Files.deleteIfExists(f);
                Files.deleteIfExists(treeFile(id));
                removed++;
            }
        }
        return removed;
    }

    /** The recorded chunks whose bytes in the part file still pass their proofs. */
    private static BitSet recheck(BlobId id, long size, FileChannel part, BlobTree tree, BitSet recorded) throws IOException {
        BitSet ok = new BitSet();
        for (int k = recorded.nextSetBit(0); k >= 0; k = recorded.nextSetBit(k + 1)) {
            if (!tree.canProve(k)) continue;
            int len = BlobTree.chunkLength(size, k);
            byte[] data = new byte[len];
            if (readFully(part, data, (long) k * BlobHasher.CHUNK_SIZE) && BlobTree.verify(id, size, k, data, 0, len, tree.proof(k))) {
                ok.set(k);
            }
        }
        return ok;
    }

    /** Checks a chunk against its proof and writes it; completes the blob with its last chunk. */
    public Stored store(BlobId id, int index, List<byte[]> proof, byte[] data) throws IOException {
        return store(id, index, proof, data, BlobHasher.leafHash(data, 0, data.length));
    }

    /**
     * {@link #store(BlobId, int, List, byte[])} for a chunk whose leaf hash the caller computed
     * from {@code data} itself (on another thread, so that the hashing runs beside this store).
     */
    public synchronized Stored store(BlobId id, int index, List<byte[]> proof, byte[] data, byte[] leaf) throws IOException {
        Partial p = partials.get(id);
        if (p == null) return isComplete(id) ? Stored.DUPLICATE : Stored.INVALID;
        if (index < 0 || index >= p.tree.chunks()) return Stored.INVALID;
        if (p.held.get(index)) return Stored.DUPLICATE;
        if (!p.tree.acceptHashed(id, index, data.length, leaf, proof)) return Stored.INVALID;
        ByteBuffer b = ByteBuffer.wrap(data);
        long at = (long) index * BlobHasher.CHUNK_SIZE;
        FileChannel file = open(p);
        while (b.hasRemaining()) at += file.write(b, at);
        p.held.set(index);
        p.unflushed++;
        if (p.held.cardinality() == p.tree.chunks()) {
            complete(p);
            return Stored.COMPLETE;
        }
        if (p.unflushed >= FLUSH_CHUNKS || millis.getAsLong() - p.lastFlush >= FLUSH_MILLIS) flush(p);
        return Stored.STORED;
    }

    private void complete(Partial p) throws IOException {
        FileChannel file = open(p);
        file.force(true);
        file.close();
        p.file = null;
        openParts.remove(p.id);
        partials.remove(p.id);
        writeTree(p.id, p.tree);
        Files.move(partFile(p.id), file(p.id), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        trees.put(p.id, p.tree);
        if (p.transientBlob) transientComplete.put(p.id, p.size);
        else store.putBlob(p.id, new BlobRecord(p.size, true, new BitSet()));
    }

    /** Records what a partial blob holds, after forcing its file (nothing for a transient one). */
    private void flush(Partial p) throws IOException {
        if (p.unflushed == 0 || p.transientBlob) return;
        if (p.file != null) p.file.force(false);
        writeTree(p.id, p.tree);
        store.putBlob(p.id, new BlobRecord(p.size, false, p.held));
        p.unflushed = 0;
        p.lastFlush = millis.getAsLong();
    }

    /** Records the chunks of partial blobs that waited longer than {@link #FLUSH_MILLIS}. */
    public synchronized void flushDue() throws IOException {
        long now = millis.getAsLong();
        for (Partial p : partials.values()) {
            if (p.unflushed > 0 && now - p.lastFlush >= FLUSH_MILLIS) flush(p);
        }
    }

    /** A held chunk with its proof, for a peer; empty when that chunk is not held. */
    public synchronized Optional<Chunk> read(BlobId id, int index) throws IOException {
        Partial p = partials.get(id);
        if (p != null) {
            if (!p.held.get(index) || !p.tree.canProve(index)) return Optional.empty();
            byte[] data = new byte[BlobTree.chunkLength(p.size, index)];
            if (!readFully(open(p), data, (long) index * BlobHasher.CHUNK_SIZE)) return Optional.empty();
            return Optional.of(new Chunk(id, p.size, index, p.tree.proof(index), data));
        }
        Optional<BlobRecord> r = record(id);
        if (r.isEmpty() || !r.get().complete()) return Optional.empty();
        long size = r.get().size();
        if (index < 0 || index >= BlobHasher.chunkCount(size)) return Optional.empty();
        BlobTree tree = tree(id, size);
        if (tree == null) return Optional.empty();
        byte[] data = new byte[BlobTree.chunkLength(size, index)];
        FileChannel f = serving.get(id);
        if (f == null) {
            try {
                f = FileChannel.open(file(id), StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                return Optional.empty();
            }
            serving.put(id, f);
            if (serving.size() > MAX_SERVING) {
                var eldest = serving.entrySet().iterator().next();
                eldest.getValue().close();
                serving.remove(eldest.getKey());
            }
        }
        if (!readFully(f, data, (long) index * BlobHasher.CHUNK_SIZE)) return Optional.empty();
        return Optional.of(new Chunk(id, size, index, tree.proof(index), data));
    }

    /** The tree of a complete blob: from its side file, or computed from the blob again. */
    private BlobTree tree(BlobId id, long size) throws IOException {
        BlobTree t = trees.get(id);
        if (t != null) return t;
        t = readTree(id, size).filter(x -> x.canProve(0) && x.id().equals(id)).orElse(null);
        if (t == null) {
            if (!Files.exists(file(id))) return null;
            BlobHasher h = new BlobHasher();
            byte[] buffer = new byte[BlobHasher.CHUNK_SIZE];
            try (InputStream in = Files.newInputStream(file(id))) {
                int n;
                while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) h.update(buffer, 0, n);
            }
            if (!h.finish().equals(id)) return null;
            t = BlobTree.of(size, h.leafHashes());
            writeTree(id, t);
        }
        trees.put(id, t);
        return t;
    }

    private Optional<BlobTree> readTree(BlobId id, long size) throws IOException {
        try {
            return Optional.of(BlobTree.decode(size, Files.readAllBytes(treeFile(id))));
        } catch (NoSuchFileException | Malformed e) {
            return Optional.empty();
        }
    }

    private void writeTree(BlobId id, BlobTree tree) throws IOException {
        Path temp = dir.resolve(id.hex() + ".tree.new");
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(tree.encode());
            while (b.hasRemaining()) out.write(b);
            out.force(true);
        }
        Files.move(temp, treeFile(id), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Removes a blob, complete or partial, and its record. True if anything was there. */
    public synchronized boolean remove(BlobId id) throws IOException {
        transients.remove(id);
        boolean wasTransient = transientComplete.remove(id) != null;
        FileChannel open = serving.remove(id);
        if (open != null) open.close();
        boolean had = wasTransient | store.blob(id).isPresent() | dropPartial(id);
        trees.remove(id);
        had |= Files.deleteIfExists(file(id));
        Files.deleteIfExists(treeFile(id));
        Files.deleteIfExists(partFile(id));
        if (store.blob(id).isPresent()) store.removeBlob(id);
        return had;
    }

    private boolean dropPartial(BlobId id) throws IOException {
        Partial p = partials.remove(id);
        if (p == null) return false;
        openParts.remove(id);
        if (p.file != null) p.file.close();
        return true;
    }

    private static boolean readFully(FileChannel f, byte[] data, long at) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data);
        while (b.hasRemaining()) {
            int n = f.read(b, at + b.position());
            if (n < 0) return false;
        }
        return true;
    }

    /** Records what partial blobs hold and closes their files. */
    @Override
    public synchronized void close() {
        try {
            for (Partial p : List.copyOf(partials.values())) {
                flush(p);
                if (p.file != null) p.file.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record partial blobs", e);
        } finally {
            partials.clear();
            openParts.clear();
            for (FileChannel f : serving.values()) {
                try {
                    f.close();
                } catch (IOException ignored) {
                    // Read-only: nothing is lost.
                }
            }
            serving.clear();
        }
    }
}
