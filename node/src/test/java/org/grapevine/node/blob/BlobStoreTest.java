package org.grapevine.node.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.blob.BlobHasher;
import org.grapevine.node.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlobStoreTest {
    private static final int C = BlobHasher.CHUNK_SIZE;

    @TempDir
    Path dir;
    final AtomicLong clock = new AtomicLong();
    Store seederStore;
    Store fetcherStore;
    BlobStore seeder;
    BlobStore fetcher;

    @BeforeEach
    void open() {
        seederStore = Store.open(dir.resolve("s/store.db"));
        fetcherStore = Store.open(dir.resolve("f/store.db"));
        seeder = new BlobStore(dir.resolve("s/blobs"), seederStore, 64L << 20, clock::get);
        fetcher = new BlobStore(dir.resolve("f/blobs"), fetcherStore, 64L << 20, clock::get);
    }

    @AfterEach
    void close() {
        fetcher.close();
        seeder.close();
        fetcherStore.close();
        seederStore.close();
    }

    private Path file(int size) throws IOException {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        Path f = dir.resolve("file-" + size);
        Files.write(f, b);
        return f;
    }

    private void reopenFetcher() {
        fetcher.close();
        fetcherStore.close();
        fetcherStore = Store.open(dir.resolve("f/store.db"));
        fetcher = new BlobStore(dir.resolve("f/blobs"), fetcherStore, 64L << 20, clock::get);
    }

    private BlobStore.Stored copy(BlobId id, int k) throws IOException {
        BlobStore.Chunk c = seeder.read(id, k).orElseThrow();
        return fetcher.store(id, k, c.proof(), c.data());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, C, C + 1, 3 * C + 17})
    void aBlobAddedOnOneSideIsRebuiltChunkByChunkOnTheOther(int size) throws IOException {
        Path source = file(size);
        BlobStore.Held added = seeder.add(source);
        assertEquals(BlobHasher.of(source), added.id());
        assertEquals(size, added.size());
        assertTrue(added.complete());
        BlobId id = added.id();

        assertTrue(fetcher.begin(id, size));
        int chunks = (int) BlobHasher.chunkCount(size);
        for (int k = chunks - 1; k >= 0; k--) {
            assertEquals(k == 0 ? BlobStore.Stored.COMPLETE : BlobStore.Stored.STORED, copy(id, k), "chunk " + k);
        }
        assertTrue(fetcher.isComplete(id));
        assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(fetcher.path(id).orElseThrow()));
        assertFalse(Files.exists(dir.resolve("f/blobs/" + id.hex() + ".part")), "the part file became the blob");
        assertEquals(List.of(new BlobStore.Held(id, size, true, chunks, chunks)), fetcher.list());
        assertEquals(BlobStore.Stored.DUPLICATE, copy(id, 0));
    }

    @Test
    void aChunkThatFailsItsProofIsRefusedAndNothingIsWritten() throws IOException {
        BlobId id = seeder.add(file(2 * C + 5)).id();
        assertTrue(fetcher.begin(id, 2 * C + 5));
        BlobStore.Chunk c = seeder.read(id, 1).orElseThrow();
        byte[] bad = c.data().clone();
        bad[100] ^= 1;
        assertEquals(BlobStore.Stored.INVALID, fetcher.store(id, 1, c.proof(), bad));
        assertEquals(BlobStore.Stored.INVALID, fetcher.store(id, 2, c.proof(), c.data()), "right bytes, wrong place");
        assertEquals(0, fetcher.held(id).orElseThrow().chunksHeld());
        assertEquals(BlobStore.Stored.STORED, fetcher.store(id, 1, c.proof(), c.data()));
    }

    @Test
    void aPartialBlobResumesAfterAReopenWithTheChunksItRecorded() throws IOException {
        int size = 6 * C;
        BlobId id = seeder.add(file(size)).id();
        assertTrue(fetcher.begin(id, size));
        for (int k = 0; k < 3; k++) assertEquals(BlobStore.Stored.STORED, copy(id, k));

        reopenFetcher();
        assertEquals(3, fetcher.held(id).orElseThrow().chunksHeld(), "closing recorded the chunks");
        assertTrue(fetcher.begin(id, size));
        assertEquals(3, fetcher.held(id).orElseThrow().chunksHeld());
        assertEquals(BlobStore.Stored.DUPLICATE, copy(id, 1));
        for (int k = 3; k < 6; k++) copy(id, k);
        assertTrue(fetcher.isComplete(id));
        assertArrayEquals(Files.readAllBytes(seeder.path(id).orElseThrow()), Files.readAllBytes(fetcher.path(id).orElseThrow()));
    }

    @Test
    void aRecordedChunkWhoseBytesWereDamagedIsFetchedAgain() throws IOException {
        int size = 4 * C;
        BlobId id = seeder.add(file(size)).id();
        assertTrue(fetcher.begin(id, size));
        for (int k = 0; k < 2; k++) copy(id, k);
        reopenFetcher();
        Path part = dir.resolve("f/blobs/" + id.hex() + ".part");
        byte[] bytes = Files.readAllBytes(part);
        bytes[C + 9] ^= 1;
        Files.write(part, bytes);

        assertTrue(fetcher.begin(id, size));
        assertEquals(java.util.BitSet.valueOf(new long[] {1}), fetcher.chunks(id), "only chunk 0 still passes its proof");
    }

    @Test
    void chunksAreRecordedOnlyAfterTheyWereForcedEverySoManyChunksOrMilliseconds() throws IOException {
        int size = (BlobStore.FLUSH_CHUNKS + 4) * C;
        BlobId id = seeder.add(file(size)).id();
        assertTrue(fetcher.begin(id, size));
        copy(id, 0);
        assertEquals(0, fetcherStore.blob(id).orElseThrow().chunks().cardinality(), "not yet forced");
        clock.addAndGet(BlobStore.FLUSH_MILLIS);
        fetcher.flushDue();
        assertEquals(1, fetcherStore.blob(id).orElseThrow().chunks().cardinality());
        for (int k = 1; k <= BlobStore.FLUSH_CHUNKS; k++) copy(id, k);
        assertEquals(BlobStore.FLUSH_CHUNKS + 1, fetcherStore.blob(id).orElseThrow().chunks().cardinality());
    }

    @Test
    void blobsOverTheMaximumAreRefusedUpFront() throws IOException {
        BlobStore small = new BlobStore(dir.resolve("small"), fetcherStore, 1000, clock::get);
        BlobException e = assertThrows(BlobException.class, () -> small.add(file(1001)));
        assertTrue(e.getMessage().contains("maximum"), e.getMessage());
        assertFalse(small.begin(BlobHasher.of(new byte[1001]), 1001));
        assertTrue(small.list().isEmpty());
        assertThrows(BlobException.class, () -> small.add(dir.resolve("missing")));
    }

    @Test
    void removingABlobDeletesItsFilesAndRecord() throws IOException {
        BlobId id = seeder.add(file(C + 1)).id();
        assertTrue(seeder.remove(id));
        assertTrue(seeder.list().isEmpty());
        assertFalse(seeder.isComplete(id));
        assertTrue(seeder.read(id, 0).isEmpty());
        try (var files = Files.list(dir.resolve("s/blobs"))) {
            assertEquals(0, files.count());
        }
        assertFalse(seeder.remove(id));
    }

    @Test
    void noMorePartFilesAreOpenThanTheLimitAndEveryBlobStillCompletes() throws IOException {
        fetcher.close();
        fetcher = new BlobStore(dir.resolve("f/blobs"), fetcherStore, 64L << 20, clock::get, 3);
        List<BlobId> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            BlobStore.Held h = seeder.add(file(2 * C + 1 + i));
            ids.add(h.id());
            assertTrue(fetcher.begin(h.id(), h.size()));
            assertTrue(fetcher.openPartFiles() <= 3, "after begin " + i);
        }
        for (int k = 0; k < 3; k++) {
            for (BlobId id : ids) {
                copy(id, k);
                assertTrue(fetcher.openPartFiles() <= 3);
            }
        }
        for (BlobId id : ids) {
            assertTrue(fetcher.isComplete(id));
            assertArrayEquals(Files.readAllBytes(seeder.path(id).orElseThrow()), Files.readAllBytes(fetcher.path(id).orElseThrow()));
        }
        assertEquals(0, fetcher.openPartFiles());
    }

    @Test
    void aBlobBegunForOthersIsNeverRecordedAndASweepRemovesWhatARestartLeftOfIt() throws IOException {
        BlobStore.Held h = seeder.add(file(3 * C));
        assertTrue(fetcher.beginTransient(h.id(), h.size()));
        assertEquals(BlobStore.Stored.STORED, copy(h.id(), 0));
        assertTrue(fetcher.held(h.id()).isPresent(), "held while it runs");
        assertTrue(fetcher.list().isEmpty(), "but not recorded");
        assertTrue(fetcherStore.blob(h.id()).isEmpty());

        // Another, fetched whole for others: served while it runs, recorded never.
        BlobStore.Held whole = seeder.add(file(2 * C + 5));
        assertTrue(fetcher.beginTransient(whole.id(), whole.size()));
        copy(whole.id(), 0);
        copy(whole.id(), 1);
        assertEquals(BlobStore.Stored.COMPLETE, copy(whole.id(), 2));
        assertTrue(fetcher.isComplete(whole.id()));
        assertTrue(fetcher.read(whole.id(), 1).isPresent());
        assertTrue(fetcherStore.blob(whole.id()).isEmpty());

        reopenFetcher();
        Path part = dir.resolve("f/blobs").resolve(h.id().hex() + ".part");
        assertTrue(Files.exists(part));
        assertEquals(2, fetcher.sweep());
        assertFalse(Files.exists(part));
        assertFalse(Files.exists(dir.resolve("f/blobs").resolve(whole.id().hex())));
        assertTrue(fetcher.held(h.id()).isEmpty());
        assertTrue(fetcher.held(whole.id()).isEmpty());
    }

    @Test
    void aBlobBegunForOthersGoesWithDiscardUnlessKept() throws IOException {
        BlobStore.Held a = seeder.add(file(2 * C));
        BlobStore.Held b = seeder.add(file(2 * C + 1));
        assertTrue(fetcher.beginTransient(a.id(), a.size()));
        assertTrue(fetcher.beginTransient(b.id(), b.size()));
        copy(a.id(), 0);
        copy(b.id(), 0);

        fetcher.keep(b.id());
        fetcher.discard(a.id());
        fetcher.discard(b.id());

        assertTrue(fetcher.held(a.id()).isEmpty());
        assertFalse(Files.exists(dir.resolve("f/blobs").resolve(a.id().hex() + ".part")));
        assertEquals(1, fetcher.held(b.id()).orElseThrow().chunksHeld());
        reopenFetcher();
        assertEquals(0, fetcher.sweep(), "the kept one is recorded");
        assertEquals(1, fetcher.held(b.id()).orElseThrow().chunksHeld());
    }
}
