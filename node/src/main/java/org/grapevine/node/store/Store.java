package org.grapevine.node.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.IdText;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.Verifier;
import org.grapevine.identity.log.Entry;
import org.grapevine.identity.log.EntryHeader;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBException;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/**
 * Every log this node holds, in one MapDB file with transactions. An append validates the entry
 * (signature, sequence, previous hash, content hash, sizes) before it touches the file, and a batch
 * of appends is one commit, acknowledged only after it.
 *
 * <p>Each author gets a small local feed number; an entry's location is {@code feed << 40 | seq},
 * a long key that keeps every log contiguous and the B-tree nodes small. Storing an entry costs two
 * puts (the log and the id index); indexes derived from content (follows, blocks, threads,
 * profiles) only add puts for entries of those kinds.
 *
 * <p>MapDB 3.1's transactions survive a crash between commits but not one in the middle of a commit
 * (it has no log replay), so every commit first goes to a {@link Journal} beside the file. After an
 * unclean shutdown the file is rebuilt from the journal before it is used; {@link #recovery()}
 * says when that happened. The files: {@code NAME}, {@code NAME.journal} and {@code NAME.lock}.
 */
public final class Store implements AutoCloseable {
    static final int SEQ_BITS = 40;
    static final long MAX_SEQ = (1L << SEQ_BITS) - 1;
    private static final int SCHEMA = 1;
    private static final int AUTHOR_BYTES = 32;

    private DB db;
    private final Held lock;
    private Journal journal;
    private boolean bodiesDropped;
    private Recovery recovery;
    /** The file and whether it forces writes: what a repair reopens. */
    private Path file;
    private boolean durable = true;
    /**
     * Why the last commit failed half way, leaving MapDB's state unfit to write to (reading it
     * still works); null when all is well. The next write first rebuilds the file from the journal.
     */
    private String broken;
    BTreeMap<byte[], Integer> feedNumbers;
    BTreeMap<Integer, byte[]> feedAuthors;
    BTreeMap<Long, byte[]> log;
    private BTreeMap<Long, Long> ids;
    private BTreeMap<byte[], Long> idOverflow;
    private BTreeMap<Long, byte[]> forks;
    /** blob id(32) -> what is held of it (see {@link BlobRecord}). */
    private BTreeMap<byte[], byte[]> blobs;
    Indexes indexes;

    private final Map<AuthorId, Integer> feedCache = new ConcurrentHashMap<>();
    private final Map<Integer, Head> heads = new HashMap<>();
    private static final ThreadLocal<Verifier> VERIFIERS = ThreadLocal.withInitial(Verifier::new);

    private record Head(long seq, EntryId id) {}

    /** The lock file this store holds, by path, so a second open in this JVM is refused before it touches the file. */
    private record Held(Path key, FileLock lock) {}

    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    /** A rebuild from the journal after an unclean shutdown: what was replayed and how long it took. */
    public record Recovery(long entries, long skipped, Duration took) {}

    private Store(DB db, Held lock) {
        this.lock = lock;
        bind(db);
    }

    /** Opens the maps of {@code db}, which this store reads and writes from now on. */
    private void bind(DB db) {
        this.db = db;
        feedNumbers = db.treeMap("feed-numbers", Serializer.BYTE_ARRAY, Serializer.INTEGER).createOrOpen();
        feedAuthors = db.treeMap("feed-authors", Serializer.INTEGER, Serializer.BYTE_ARRAY).createOrOpen();
        log = db.treeMap("log", Serializer.LONG, Serializer.BYTE_ARRAY).valuesOutsideNodesEnable().createOrOpen();
        ids = db.treeMap("ids", Serializer.LONG, Serializer.LONG).maxNodeSize(16).createOrOpen();
        idOverflow = db.treeMap("ids-overflow", Serializer.BYTE_ARRAY, Serializer.LONG).createOrOpen();
        forks = db.treeMap("forks", Serializer.LONG, Serializer.BYTE_ARRAY).createOrOpen();
        blobs = db.treeMap("blobs", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).createOrOpen();
        indexes = new Indexes(this, db);
        Integer schema = db.atomicInteger("schema").createOrOpen().get();
        if (schema == 0) {
            db.atomicInteger("schema").createOrOpen().set(SCHEMA);
            db.commit();
        } else if (schema != SCHEMA) {
            throw new StoreException("store schema " + schema + " is not supported by this version (expects " + SCHEMA + ")");
        }
    }

    /**
     * Opens (creating if needed) the store file. Only one process may hold it. After an unclean
     * shutdown the file is first rebuilt from its journal.
     *
     * @throws StoreException if another process holds it or it cannot be read
     */
    public static Store open(Path file) {
        return open(file, true);
    }

    /**
     * Opens a store that forces nothing to disk when {@code durable} is false: for test networks
     * of many nodes in one process, where nothing is killed for real and fsyncs would make the
     * disk, not the protocol, the thing measured. A crash may then lose acknowledged entries.
     */
    public static Store open(Path file, boolean durable) {
        Held lock = null;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            lock = lock(sibling(file, ".lock"), file);
            Path journalPath = sibling(file, ".journal");
            Journal.Scan scan = null;
            Recovery recovery = null;
            boolean replayDroppedBodies = false;
            if (Files.exists(journalPath)) {
                if (Files.exists(file)) scan = Journal.read(journalPath, r -> {});
                if (scan == null || !scan.closedCleanly()) {
                    long started = System.nanoTime();
                    Replay replay = rebuild(file, journalPath);
                    scan = replay.scan;
                    replayDroppedBodies = replay.store.bodiesDropped;
                    recovery = new Recovery(replay.entries, replay.skipped, Duration.ofNanos(System.nanoTime() - started));
                }
            }
            DB db = openDb(file, durable);
            Store store;
            try {
                store = new Store(db, lock);
                if (scan == null) {
                    // A new store, or one from before the journal: the journal starts as a copy of it.
                    Journal.replace(journalPath, store.checkpoint(false));
                    scan = Journal.read(journalPath, r -> {});
                }
                store.journal = Journal.openForAppend(journalPath, scan, durable);
                store.file = file;
                store.durable = durable;
                store.recovery = recovery;
                store.bodiesDropped = replayDroppedBodies;
            } catch (RuntimeException | IOException e) {
                db.close(); // Otherwise the file stays locked until this JVM exits.
                throw e;
            }
            return store;
        } catch (DBException | IOException e) {
            release(lock);
            throw new StoreException("cannot open store " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            release(lock);
            throw e;
        }
    }

    private static DB openDb(Path file) {
        return openDb(file, true);
    }

    private static DB openDb(Path file, boolean durable) {
        try {
            DBMaker.Maker maker = DBMaker.fileDB(file.toFile())
                    .transactionEnable()
                    .fileMmapEnableIfSupported()
                    .fileMmapPreclearDisable();
            if (!durable) maker = maker.fileSyncDisable();
            return maker.make();
        } catch (DBException.FileLocked e) {
            throw new StoreException("store " + file + " is locked by another process (is a daemon running?)", e);
        }
    }

    private static Path sibling(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    /**
     * Takes the store's lock file. Stores held by this JVM are checked first: closing a second
     * channel on a locked file would drop the lock the first one holds.
     */
    private static Held lock(Path lockFile, Path file) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        if (!HELD.add(key)) throw locked(file);
        FileLock held = null;
        FileChannel channel = null;
        try {
            channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            held = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            held = null;
        } finally {
            if (held == null) {
                if (channel != null) channel.close();
                HELD.remove(key);
            }
        }
        if (held == null) throw locked(file);
        return new Held(key, held);
    }

    private static StoreException locked(Path file) {
        return new StoreException("store " + file + " is locked by another process (is a daemon running?)");
    }

    private static void release(Held lock) {
        if (lock == null) return;
        try {
            lock.lock().channel().close();
        } catch (IOException e) {
            // Closing the channel releases the lock; nothing more can be done.
        } finally {
            HELD.remove(lock.key());
        }
    }

    /** Removes a MapDB file and the log files MapDB keeps beside it. */
    private static void deleteDbFiles(Path file) throws IOException {
        Files.deleteIfExists(file);
        String walPrefix = file.getFileName() + ".wal.";
        try (var siblings = Files.list(file.toAbsolutePath().getParent())) {
            for (Path p : (Iterable<Path>) siblings::iterator) {
                if (p.getFileName().toString().startsWith(walPrefix)) Files.deleteIfExists(p);
            }
        }
    }

    /** Builds a fresh MapDB file from the journal and moves it over {@code file}. */
    private static Replay rebuild(Path file, Path journalPath) throws IOException {
        Replay replay = rebuildBeside(file, journalPath);
        moveOver(sibling(file, ".rebuild"), file);
        return replay;
    }

    /** Builds a MapDB file from the journal beside {@code file} ({@code NAME.rebuild}), leaving {@code file} as it is. */
    private static Replay rebuildBeside(Path file, Path journalPath) throws IOException {
        Path fresh = sibling(file, ".rebuild");
        deleteDbFiles(fresh);
        DB db = openDb(fresh);
        Replay replay;
        try {
            replay = new Replay(new Store(db, null));
            replay.scan = Journal.read(journalPath, replay::accept);
            replay.flush();
            db.commit();
        } finally {
            db.close();
        }
        return replay;
    }

    private static void moveOver(Path fresh, Path file) throws IOException {
        deleteDbFiles(file);
        Files.move(fresh, file, StandardCopyOption.ATOMIC_MOVE);
        Journal.syncDirectory(file.toAbsolutePath().getParent());
    }

    /**
     * Called before every write: after a commit failed half way, the file is first rebuilt from the
     * journal (which holds every commit that succeeded) and reopened. While that cannot be done
     * (the disk still full, no file descriptors), the write fails with the reason, and reading
     * goes on from the state before the failed commit.
     */
    void writable() {
        if (broken == null) return;
        if (journal == null || file == null) throw new StoreException("cannot write the store: " + broken);
        // A rebuild replays the whole journal: while the cause plainly lasts, fail at once instead.
        if (!roomToRebuild()) throw new StoreException("cannot write the store: " + broken);
        try {
            rebuildBeside(file, journal.path());
        } catch (IOException | RuntimeException e) {
            throw new StoreException("cannot write the store (" + broken + "), nor rebuild it: " + e.getMessage(), e);
        }
        try {
            db.close();
        } catch (RuntimeException e) {
            // Its state is what failed: closing it is all that is left to do with it.
        }
        try {
            moveOver(sibling(file, ".rebuild"), file);
            bind(openDb(file, durable));
        } catch (IOException | RuntimeException e) {
            throw new StoreException("cannot reopen the store after rebuilding it: " + e.getMessage(), e);
        }
        heads.clear();
        feedCache.clear();
        broken = null;
    }

    /**
     * Whether a rebuild stands a chance, checked cheaply: a file can be opened beside the store
     * (so descriptors are free), and the disk has room for twice the journal.
     */
    private boolean roomToRebuild() {
        try (FileChannel probe = FileChannel.open(journal.path(), StandardOpenOption.READ)) {
            return Files.getFileStore(file.toAbsolutePath().getParent()).getUsableSpace() > 2 * probe.size();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Feeds journal records to a store being rebuilt, entries in batches so signatures are checked on all cores. */
    private static final class Replay {
        private static final int BATCH = 1024;
        private final Store store;
        private final List<Entry> batch = new ArrayList<>(BATCH);
        private long uncommitted;
        long entries;
        long skipped;
        Journal.Scan scan;

        Replay(Store store) {
            this.store = store;
        }

        void accept(Journal.Record record) {
            try {
                switch (record.type()) {
                    case Journal.ENTRY -> {
                        batch.add(Entry.decode(record.payload()));
                        if (batch.size() >= BATCH) flush();
                    }
                    case Journal.FORK -> {
                        flush();
                        List<EntryHeader> proof = proofHeaders(record.payload());
                        EntryHeader h = proof.get(0);
                        if (proof.stream().allMatch(x -> x.verifySignature(VERIFIERS.get()))) {
                            store.putFork(store.feedNumber(h.author(), true), h.seq(), record.payload());
                        } else {
                            skipped++;
                        }
                    }
                    case Journal.PETNAME -> {
                        flush();
                        byte[] p = record.payload();
                        if (p.length < AUTHOR_BYTES) throw new Malformed("petname record of " + p.length + " bytes");
                        AuthorId author = new AuthorId(Arrays.copyOf(p, AUTHOR_BYTES));
                        String name = new String(p, AUTHOR_BYTES, p.length - AUTHOR_BYTES, StandardCharsets.UTF_8);
                        store.indexes.putPetname(author, name);
                    }
                    case Journal.BLOB -> {
                        flush();
                        byte[] p = record.payload();
                        if (p.length < 32) throw new Malformed("blob record of " + p.length + " bytes");
                        byte[] state = Arrays.copyOfRange(p, 32, p.length);
                        if (state.length == 0) store.blobs.remove(Arrays.copyOf(p, 32));
                        else store.blobs.put(Arrays.copyOf(p, 32), BlobRecord.decode(state).encode());
                    }
                    default -> skipped++;
                }
            } catch (Malformed e) {
                skipped++;
            }
        }

        void flush() {
            if (batch.isEmpty()) return;
            for (AppendResult r : store.validateAndPut(batch)) {
                if (r.status() == AppendResult.Status.APPENDED) entries++;
                else skipped++;
            }
            uncommitted += batch.size();
            batch.clear();
            if (uncommitted >= 16 * BATCH) {
                store.db.commit();
                uncommitted = 0;
            }
        }
    }

    /** Appends one entry and commits. */
    public synchronized AppendResult append(Entry entry) {
        return appendAll(List.of(entry)).get(0);
    }

    /**
     * Validates and appends entries in order, in one commit. Signatures are checked on all cores
     * first; then each entry is checked against its log's head and stored. Results come back only
     * after the commit, one per entry, in order.
     */
    public synchronized List<AppendResult> appendAll(List<Entry> entries) {
        writable();
        List<AppendResult> results;
        try {
            results = validateAndPut(entries);
            commit();
        } catch (RuntimeException e) {
            throw failedWrite(e);
        }
        return results;
    }

    /** Checks signatures on all cores, then puts each entry that fits its log; no commit. */
    private List<AppendResult> validateAndPut(List<Entry> entries) {
        boolean[] signed = new boolean[entries.size()];
        IntStream range = IntStream.range(0, entries.size());
        (entries.size() >= 16 ? range.parallel() : range)
                .forEach(i -> signed[i] = entries.get(i).header().verifySignature(VERIFIERS.get()));
        List<AppendResult> results = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            results.add(signed[i] ? appendValidated(e) : AppendResult.invalid(e.id(), "bad signature"));
        }
        return results;
    }

    private void rollback() {
        if (journal != null) journal.discard();
        db.rollback();
        // Both caches may hold what the rolled-back transaction created.
        heads.clear();
        feedCache.clear();
    }

    private AppendResult appendValidated(Entry entry) {
        EntryHeader h = entry.header();
        EntryId id = entry.id();
        if (h.seq() > MAX_SEQ) return AppendResult.invalid(id, "sequence " + h.seq() + " beyond what this node stores");
        Integer known = feedCache.get(h.author());
        int feed = known != null ? known : feedNumber(h.author(), false);
        Head head = feed == 0 ? new Head(0, null) : head(feed);
        if (h.seq() <= head.seq) {
            EntryId held = headerAt(feed, h.seq()).id();
            if (held.equals(id)) return AppendResult.duplicate(id);
            recordFork(feed, h);
            return AppendResult.fork(id, "a second entry at sequence " + h.seq());
        }
        long forkedAt = feed == 0 ? Long.MAX_VALUE : forkedAt(feed);
        if (h.seq() >= forkedAt) return AppendResult.pastFork(id, forkedAt);
        if (h.seq() != head.seq + 1) {
            return AppendResult.rejected(id, "out of order: sequence " + h.seq() + " after " + head.seq);
        }
        if (h.seq() > 1 && !h.previous().equals(head.id)) {
            if (feed == 0) feed = feedNumber(h.author(), true);
            recordFork(feed, h);
            return AppendResult.fork(id, "previous hash differs from the entry held at sequence " + head.seq);
        }
        if (feed == 0) feed = feedNumber(h.author(), true);
        long loc = location(feed, h.seq());
        byte[] encoded = entry.encode();
        log.put(loc, encoded);
        if (journal != null) journal.add(Journal.ENTRY, encoded);
        putId(id, loc);
        heads.put(feed, new Head(h.seq(), id));
        indexes.apply(entry, loc);
        return AppendResult.appended(id);
    }

    private void recordFork(int feed, EntryHeader conflicting) {
        putFork(feed, conflicting.seq(), conflicting.encoded());
    }

    /**
     * Keeps fork proof bytes at (feed, seq): one header that conflicts with the log held, or two
     * headers one after the other when the log held has neither (a proof from a peer).
     */
    private void putFork(int feed, long seq, byte[] proof) {
        if (forks.putIfAbsent(location(feed, seq), proof) == null && journal != null) journal.add(Journal.FORK, proof);
    }

    /** The one or two headers of stored fork proof bytes (see {@link #putFork}). */
    static List<EntryHeader> proofHeaders(byte[] proof) throws Malformed {
        if (proof.length < EntryHeader.FIRST_SIZE) throw new Malformed("fork proof of " + proof.length + " bytes");
        long seq = ByteBuffer.wrap(proof, 33, 8).getLong();
        int first = seq == 1 ? EntryHeader.FIRST_SIZE : EntryHeader.MAX_SIZE;
        if (proof.length == first) return List.of(EntryHeader.decode(proof));
        if (proof.length < first) throw new Malformed("fork proof of " + proof.length + " bytes");
        return List.of(EntryHeader.decode(proof, 0, first), EntryHeader.decode(proof, first, proof.length - first));
    }

    /**
     * Records a peer's proof that an author forked (both signatures checked by the caller): the
     * header that conflicts with the log held is kept as for a conflicting entry, or both when the
     * log held has neither. Whether the author was not known forked before.
     */
    public synchronized boolean recordForkProof(EntryHeader first, EntryHeader second) {
        writable();
        try {
            int feed = feedNumber(first.author(), true);
            if (isForked(feed)) {
                commit();
                return false;
            }
            Head head = head(feed);
            if (held(feed, head, first)) recordFork(feed, second);
            else if (held(feed, head, second)) recordFork(feed, first);
            else putFork(feed, first.seq(), concat(first.encoded(), second.encoded()));
            commit();
            return true;
        } catch (RuntimeException e) {
            throw failedWrite(e);
        }
    }

    private boolean held(int feed, Head head, EntryHeader h) {
        return h.seq() <= head.seq && headerAt(feed, h.seq()).id().equals(h.id());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * Two headers that prove {@code author} forked, for peers: the first proof kept, with the
     * header of the log held that it conflicts with. Empty when the author is not known forked.
     */
    public synchronized Optional<List<EntryHeader>> forkProof(AuthorId author) {
        int feed = feedNumber(author, false);
        if (feed == 0) return Optional.empty();
        var first = forks.ceilingEntry(location(feed, 0));
        if (first == null || (first.getKey() >>> SEQ_BITS) != feed) return Optional.empty();
        List<EntryHeader> proof;
        try {
            proof = proofHeaders(first.getValue());
        } catch (Malformed e) {
            throw new StoreException("stored fork proof is corrupt: " + e.getMessage(), e);
        }
        if (proof.size() == 2) return Optional.of(proof);
        EntryHeader c = proof.get(0);
        Head head = head(feed);
        if (c.seq() <= head.seq) {
            EntryHeader held = headerAt(feed, c.seq());
            if (!held.id().equals(c.id())) return Optional.of(List.of(held, c));
        }
        if (c.seq() > 1 && c.seq() - 1 <= head.seq) {
            EntryHeader before = headerAt(feed, c.seq() - 1);
            if (!before.id().equals(c.previous())) return Optional.of(List.of(before, c));
        }
        return Optional.empty();
    }

    private void putId(EntryId id, long loc) {
        long prefix = prefix(id);
        Long existing = ids.putIfAbsent(prefix, loc);
        if (existing != null) idOverflow.put(id.bytes(), loc);
    }

    /** The id index key: the id's first 8 bytes, sign bit flipped so that signed order is byte order. */
    static long prefix(EntryId id) {
        return firstLong(id.bytes());
    }

    static long location(int feed, long seq) {
        return ((long) feed << SEQ_BITS) | seq;
    }

    /** The feed number of {@code author}, 0 when unknown and {@code create} is false. */
    int feedNumber(AuthorId author, boolean create) {
        Integer cached = feedCache.get(author);
        if (cached != null) return cached;
        Integer n = feedNumbers.get(author.bytes());
        if (n == null) {
            if (!create) return 0;
            n = feedAuthors.isEmpty() ? 1 : feedAuthors.lastKey() + 1;
            feedNumbers.put(author.bytes(), n);
            feedAuthors.put(n, author.bytes());
        }
        feedCache.put(author, n);
        return n;
    }

    private Head head(int feed) {
        Head head = heads.get(feed);
        if (head != null) return head;
        Long last = log.floorKey(location(feed, MAX_SEQ));
        if (last == null || (last >>> SEQ_BITS) != feed) {
            head = new Head(0, null);
        } else {
            head = new Head(last & MAX_SEQ, decodeAt(last).id());
        }
        heads.put(feed, head);
        return head;
    }

    private EntryHeader headerAt(int feed, long seq) {
        return decodeAt(location(feed, seq)).header();
    }

    Entry decodeAt(long loc) {
        byte[] bytes = log.get(loc);
        if (bytes == null) throw new StoreException("store is missing the entry at " + Long.toHexString(loc));
        try {
            return Entry.decode(bytes);
        } catch (Malformed e) {
            throw new StoreException("stored entry at " + Long.toHexString(loc) + " is corrupt: " + e.getMessage(), e);
        }
    }

    /** Replaces a stored entry's envelope (used to drop a body); the header never changes. */
    void rewrite(long loc, Entry entry) {
        log.put(loc, entry.encode());
        // The journal still holds the old body; it is rewritten without it when the store closes.
        bodiesDropped = true;
    }

    Optional<Long> locate(EntryId id) {
        Long loc = ids.get(prefix(id));
        if (loc == null) return Optional.empty();
        if (decodeAt(loc).id().equals(id)) return Optional.of(loc);
        return Optional.ofNullable(idOverflow.get(id.bytes()));
    }

    // ---- queries ----

    public synchronized Optional<Entry> get(EntryId id) {
        return locate(id).map(this::decodeAt);
    }

    public synchronized Optional<Entry> get(AuthorId author, long seq) {
        int feed = feedNumber(author, false);
        if (feed == 0 || seq < 1 || seq > MAX_SEQ) return Optional.empty();
        byte[] bytes = log.get(location(feed, seq));
        return bytes == null ? Optional.empty() : Optional.of(decodeAt(location(feed, seq)));
    }

    /** The latest sequence held for {@code author}, 0 if none. */
    public synchronized long headSeq(AuthorId author) {
        int feed = feedNumber(author, false);
        return feed == 0 ? 0 : head(feed).seq;
    }

    /** The id of the latest entry held for {@code author}, empty if none. */
    public synchronized Optional<EntryId> headId(AuthorId author) {
        int feed = feedNumber(author, false);
        return feed == 0 ? Optional.empty() : Optional.ofNullable(head(feed).id);
    }

    /** Up to {@code limit} entries of {@code author}'s log from sequence {@code fromSeq}, ascending. */
    public synchronized List<Entry> log(AuthorId author, long fromSeq, int limit) {
        int feed = feedNumber(author, false);
        List<Entry> out = new ArrayList<>();
        if (feed == 0) return out;
        long from = location(feed, Math.max(1, Math.min(fromSeq, MAX_SEQ)));
        for (var e : log.subMap(from, true, location(feed, MAX_SEQ), true).entrySet()) {
            if (out.size() >= limit) break;
            out.add(decodeAt(e.getKey()));
        }
        return out;
    }

    /** Every entry of {@code author}'s log whose body is held, in sequence order, with its location. */
    synchronized void eachWithBody(AuthorId author, java.util.function.ObjLongConsumer<Entry> visit) {
        int feed = feedNumber(author, false);
        if (feed == 0) return;
        for (var e : log.subMap(location(feed, 1), true, location(feed, MAX_SEQ), true).entrySet()) {
            Entry entry = decodeAt(e.getKey());
            if (entry.hasContent()) visit.accept(entry, e.getKey());
        }
    }

    /** Every author the store holds a log for. */
    public synchronized List<AuthorId> authors() {
        List<AuthorId> out = new ArrayList<>();
        for (byte[] a : feedAuthors.values()) out.add(new AuthorId(a));
        return out;
    }

    /** Up to {@code max} held entries whose ids fall in {@code prefix}, for resolving a typed prefix. */
    public synchronized List<EntryId> entriesWithPrefix(IdText.Prefix prefix, int max) {
        List<EntryId> out = new ArrayList<>();
        long lo = firstLong(prefix.lo());
        long hi = firstLong(prefix.hi());
        // Keys are the first 8 bytes as a signed long; an unsigned range maps onto it by flipping the sign bit.
        for (Long loc : ids.subMap(lo, true, hi, true).values()) {
            EntryId id = decodeAt(loc).id();
            if (prefix.matches(id.bytes())) out.add(id);
            if (out.size() >= max) return out;
        }
        for (Long loc : idOverflow.subMap(prefix.lo(), true, prefix.hi(), true).values()) {
            if (out.size() >= max) break;
            out.add(decodeAt(loc).id());
        }
        return out;
    }

    /** Up to {@code max} authors with a log here whose ids fall in {@code prefix}. */
    public synchronized List<AuthorId> authorsWithPrefix(IdText.Prefix prefix, int max) {
        List<AuthorId> out = new ArrayList<>();
        for (byte[] a : feedNumbers.subMap(prefix.lo(), true, prefix.hi(), true).keySet()) {
            if (out.size() >= max) break;
            out.add(new AuthorId(a));
        }
        return out;
    }

    private static long firstLong(byte[] b) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (b[i] & 0xff);
        return v ^ Long.MIN_VALUE;
    }

    public synchronized boolean isForked(AuthorId author) {
        int feed = feedNumber(author, false);
        return feed != 0 && isForked(feed);
    }

    /** The lowest sequence at which {@code feed}'s author is known to have signed two histories, or Long.MAX_VALUE. */
    private long forkedAt(int feed) {
        Long first = forks.ceilingKey(location(feed, 0));
        return first == null || (first >>> SEQ_BITS) != feed ? Long.MAX_VALUE : first & MAX_SEQ;
    }

    private boolean isForked(int feed) {
        return !forks.subMap(location(feed, 0), true, location(feed, MAX_SEQ), true).isEmpty();
    }

    /** The conflicting headers kept as proof that {@code author} forked their log. */
    public synchronized List<EntryHeader> forkProofs(AuthorId author) {
        int feed = feedNumber(author, false);
        List<EntryHeader> out = new ArrayList<>();
        if (feed == 0) return out;
        for (byte[] h : forks.subMap(location(feed, 0), true, location(feed, MAX_SEQ), true).values()) {
            try {
                out.addAll(proofHeaders(h));
            } catch (Malformed e) {
                throw new StoreException("stored fork proof is corrupt: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Follows, blocks, threads, profiles and petnames. */
    public synchronized Indexes indexes() {
        return indexes;
    }

    /** Notes a petname change in the journal; the caller commits. */
    void journalPetname(AuthorId author, String name) {
        if (journal != null) journal.add(Journal.PETNAME, keyed(author.bytes(), name.getBytes(StandardCharsets.UTF_8)));
    }

    // ---- blobs ----

    /** What this node holds of a blob: its size, whether it is complete, and which chunks it has. */
    public record BlobRecord(long size, boolean complete, java.util.BitSet chunks) {
        public BlobRecord {
            chunks = (java.util.BitSet) chunks.clone();
        }

        @Override
        public java.util.BitSet chunks() {
            return (java.util.BitSet) chunks.clone();
        }

        byte[] encode() {
            byte[] bits = complete ? new byte[0] : chunks.toByteArray();
            byte[] out = new byte[9 + bits.length];
            for (int i = 0; i < 8; i++) out[i] = (byte) (size >>> (56 - 8 * i));
            out[8] = (byte) (complete ? 1 : 0);
            System.arraycopy(bits, 0, out, 9, bits.length);
            return out;
        }

        static BlobRecord decode(byte[] b) throws Malformed {
            if (b.length < 9 || (b[8] != 0 && b[8] != 1) || (b[8] == 1 && b.length != 9)) throw new Malformed("bad blob record");
            long size = 0;
            for (int i = 0; i < 8; i++) size = (size << 8) | (b[i] & 0xff);
            if (size < 0) throw new Malformed("bad blob size");
            return new BlobRecord(size, b[8] == 1, java.util.BitSet.valueOf(Arrays.copyOfRange(b, 9, b.length)));
        }
    }

    /** A journal payload: a 32-byte key (author or blob id), then the rest. */
    private static byte[] keyed(byte[] key, byte[] rest) {
        byte[] payload = Arrays.copyOf(key, key.length + rest.length);
        System.arraycopy(rest, 0, payload, key.length, rest.length);
        return payload;
    }

    public synchronized Optional<BlobRecord> blob(BlobId id) {
        byte[] state = blobs.get(id.bytes());
        if (state == null) return Optional.empty();
        try {
            return Optional.of(BlobRecord.decode(state));
        } catch (Malformed e) {
            throw new StoreException("stored blob record is corrupt: " + e.getMessage(), e);
        }
    }

    /**
     * Drops the body of a stored entry (a channel entry hidden by an admin), and commits; false
     * when the entry is not held or has no body here.
     */
    public synchronized boolean dropBody(EntryId id) {
        writable();
        Optional<Long> loc = locate(id);
        if (loc.isEmpty()) return false;
        Entry entry = decodeAt(loc.get());
        if (!entry.hasContent()) return false;
        try {
            rewrite(loc.get(), entry.withoutContent());
            commit();
        } catch (RuntimeException e) {
            throw failedWrite(e);
        }
        return true;
    }

    /** Records what is held of a blob, and commits. */
    public synchronized void putBlob(BlobId id, BlobRecord record) {
        writable();
        byte[] state = record.encode();
        try {
            blobs.put(id.bytes(), state);
            if (journal != null) journal.add(Journal.BLOB, keyed(id.bytes(), state));
            commit();
        } catch (RuntimeException e) {
            throw failedWrite(e);
        }
    }

    /** Forgets a blob, and commits. */
    public synchronized void removeBlob(BlobId id) {
        writable();
        try {
            blobs.remove(id.bytes());
            if (journal != null) journal.add(Journal.BLOB, id.bytes());
            commit();
        } catch (RuntimeException e) {
            throw failedWrite(e);
        }
    }

    /** Every blob with a record, in id order. */
    public synchronized Map<BlobId, BlobRecord> blobs() {
        Map<BlobId, BlobRecord> out = new java.util.LinkedHashMap<>();
        for (var e : blobs.entrySet()) {
            try {
                out.put(new BlobId(e.getKey()), BlobRecord.decode(e.getValue()));
            } catch (Malformed ex) {
                throw new StoreException("stored blob record is corrupt: " + ex.getMessage(), ex);
            }
        }
        return out;
    }

    /**
     * Forces what this transaction added to the journal, then commits it to the file. If either
     * fails, the transaction is undone in both and the write fails with the reason; a commit that
     * failed half way leaves MapDB unfit for writing until {@link #writable} rebuilt it.
     */
    synchronized void commit() {
        long mark = journal == null ? 0 : journal.length();
        if (journal != null) {
            try {
                journal.flush();
            } catch (IOException e) {
                if (!journal.truncate(mark)) broken = "cannot undo the journal: " + e.getMessage();
                rollback();
                throw new StoreException("cannot write the store's journal: " + e.getMessage(), e);
            }
        }
        try {
            db.commit();
        } catch (RuntimeException | InternalError e) {
            // InternalError: the JVM's report of a fault writing a memory-mapped file (a full disk).
            if (journal != null && !journal.truncate(mark)) broken = "cannot undo the journal";
            throw failedWrite(e instanceof RuntimeException r ? r : new DBException.VolumeIOError(new IOException(e.getMessage(), e)));
        }
    }

    /**
     * Undoes a write that failed, and says why in one line. A failure inside MapDB (a file it
     * could not open or grow) may have left its state half changed: the store is marked broken,
     * reading goes on, and the next write rebuilds it first (see {@link #writable}).
     */
    private RuntimeException failedWrite(RuntimeException e) {
        try {
            rollback();
        } catch (RuntimeException alsoFailed) {
            e.addSuppressed(alsoFailed);
        }
        if (e instanceof StoreException) return e;
        if (!(e instanceof DBException)) return e; // A bug, not the disk: as it is.
        if (broken == null) broken = reason(e);
        return new StoreException("cannot write the store: " + broken, e);
    }

    /** What went wrong, in a few words: the innermost message, or the kind of failure. */
    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }

    /** The rebuild this open needed after an unclean shutdown, if any. */
    public Optional<Recovery> recovery() {
        return Optional.ofNullable(recovery);
    }

    /** Everything the store holds as journal records: each log in order, fork proofs, petnames. */
    private Iterable<Journal.Record> checkpoint(boolean closing) {
        return () -> new Iterator<>() {
            private final Iterator<byte[]> entries = log.values().iterator();
            private final Iterator<byte[]> proofs = forks.values().iterator();
            private final Iterator<Map.Entry<byte[], String>> names = indexes.petnameEntries();
            private final Iterator<Map.Entry<byte[], byte[]>> held = blobs.entrySet().iterator();
            private boolean closed = !closing;

            @Override
            public boolean hasNext() {
                return entries.hasNext() || proofs.hasNext() || names.hasNext() || held.hasNext() || !closed;
            }

            @Override
            public Journal.Record next() {
                if (entries.hasNext()) return new Journal.Record(Journal.ENTRY, entries.next());
                if (proofs.hasNext()) return new Journal.Record(Journal.FORK, proofs.next());
                if (names.hasNext()) {
                    var e = names.next();
                    return new Journal.Record(Journal.PETNAME, keyed(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8)));
                }
                if (held.hasNext()) {
                    var e = held.next();
                    return new Journal.Record(Journal.BLOB, keyed(e.getKey(), e.getValue()));
                }
                if (!closed) {
                    closed = true;
                    return new Journal.Record(Journal.CLOSE, new byte[0]);
                }
                throw new java.util.NoSuchElementException();
            }
        };
    }

    /**
     * Closes the store. The journal gets its CLOSE record, so the next open trusts the file; if
     * bodies were dropped since the journal was last written whole, it is rewritten without them.
     */
    @Override
    public synchronized void close() {
        if (db.isClosed()) {
            closeQuietly();
            return;
        }
        try {
            if (journal != null && broken != null) {
                // The file may hold half a commit the journal does not: no CLOSE, so the next open rebuilds it.
                journal.close();
            } else if (journal != null) {
                if (bodiesDropped) {
                    journal.close();
                    Journal.replace(journal.path(), checkpoint(true));
                } else {
                    journal.closeCleanly();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the store's journal", e);
        } finally {
            try {
                db.close();
            } finally {
                release(lock);
            }
        }
    }

    /** Closes the journal and lets go of the lock, after a repair that could not reopen the file. */
    private void closeQuietly() {
        try {
            if (journal != null) journal.close();
        } catch (IOException e) {
            // The next open checks the journal anyway.
        } finally {
            release(lock);
        }
    }
}
