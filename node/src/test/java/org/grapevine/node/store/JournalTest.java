package org.grapevine.node.store;

import static org.grapevine.node.store.AppendResult.Status.APPENDED;
import static org.grapevine.node.store.AppendResult.Status.FORK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's file is a cache of its journal: a copy taken while the store is open looks like a
 * crash, and opening it must rebuild everything acknowledged, whatever state the MapDB file is in.
 */
class JournalTest {
    @TempDir
    Path dir;

    final Logs.Chain alice = new Logs.Chain(Logs.identity(1));
    final Logs.Chain bob = new Logs.Chain(Logs.identity(2));

    private Path file(String name) throws IOException {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        return d.resolve("store.db");
    }

    /** Copies the store's files as they are on disk right now, as a crash would leave them. */
    private static void copyOpenStore(Path from, Path to) throws IOException {
        Files.copy(from, to);
        Files.copy(sibling(from, ".journal"), sibling(to, ".journal"));
    }

    private static Path sibling(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    private List<Entry> fill(Store store) {
        List<Entry> written = new ArrayList<>();
        for (int i = 0; i < 300; i++) written.add(alice.post("alice " + i));
        for (AppendResult r : store.appendAll(written)) assertEquals(APPENDED, r.status());
        Entry follow = alice.next(new Content.Follow(bob.id(), true));
        Entry bobPost = bob.post("bob speaks");
        assertEquals(APPENDED, store.append(follow).status());
        assertEquals(APPENDED, store.append(bobPost).status());
        written.add(follow);
        written.add(bobPost);
        store.indexes().setPetname(bob.id(), "Bobby");
        return written;
    }

    private static void assertHolds(Store store, List<Entry> written) {
        for (Entry e : written) assertEquals(Optional.of(e), store.get(e.id()), "entry " + e.header().seq());
        assertTrue(store.indexes().follows(Logs.identity(1).id(), Logs.identity(2).id()));
        assertEquals(Optional.of("Bobby"), store.indexes().petname(Logs.identity(2).id()));
    }

    @Test
    void aCleanCloseIsTrustedAndNeedsNoRebuild() throws IOException {
        Path file = file("a");
        List<Entry> written;
        try (Store store = Store.open(file)) {
            assertTrue(store.recovery().isEmpty(), "a new store needs no rebuild");
            written = fill(store);
        }
        try (Store store = Store.open(file)) {
            assertTrue(store.recovery().isEmpty());
            assertHolds(store, written);
        }
    }

    @Test
    void aStoreLeftOpenIsRebuiltFromItsJournal() throws IOException {
        Path file = file("a");
        Path crashed = file("b");
        List<Entry> written;
        try (Store store = Store.open(file)) {
            written = fill(store);
            copyOpenStore(file, crashed);
        }
        try (Store store = Store.open(crashed)) {
            Store.Recovery recovery = store.recovery().orElseThrow(() -> new AssertionError("no rebuild after an unclean close"));
            assertEquals(written.size(), recovery.entries());
            assertEquals(0, recovery.skipped());
            assertHolds(store, written);
            assertEquals(APPENDED, store.append(alice.post("after the rebuild")).status());
        }
        try (Store store = Store.open(crashed)) {
            assertTrue(store.recovery().isEmpty(), "the rebuilt store was closed cleanly");
            long aliceWrote = written.stream().filter(e -> e.header().author().equals(alice.id())).count();
            assertEquals(aliceWrote + 1, Logs.verifyLog(store, alice.id()));
        }
    }

    @Test
    void aTornMapDbFileIsReplacedByTheJournal() throws IOException {
        Path file = file("a");
        Path crashed = file("b");
        List<Entry> written;
        try (Store store = Store.open(file)) {
            written = fill(store);
            copyOpenStore(file, crashed);
        }
        // Overwrite the middle of the MapDB file, as a commit cut short could.
        byte[] bytes = Files.readAllBytes(crashed);
        for (int i = bytes.length / 3; i < bytes.length * 2 / 3; i++) bytes[i] = (byte) 0xA5;
        Files.write(crashed, bytes);

        try (Store store = Store.open(crashed)) {
            assertTrue(store.recovery().isPresent());
            assertHolds(store, written);
        }
    }

    @Test
    void aHalfWrittenTailIsCutOffAndAppendingGoesOn() throws IOException {
        Path file = file("a");
        Path crashed = file("b");
        List<Entry> written;
        try (Store store = Store.open(file)) {
            written = fill(store);
            copyOpenStore(file, crashed);
        }
        Path journal = sibling(crashed, ".journal");
        long whole = Files.size(journal);
        // A record whose length promises more than is there: the write the crash interrupted.
        Files.write(journal, new byte[] {Journal.ENTRY, 0, 0, 1, 0, 7, 7, 7}, StandardOpenOption.APPEND);

        Entry later = alice.post("written after the torn tail");
        try (Store store = Store.open(crashed)) {
            assertHolds(store, written);
            assertEquals(whole, Files.size(journal), "the torn record was cut off");
            assertEquals(APPENDED, store.append(later).status());
        }
        Files.delete(crashed);
        try (Store store = Store.open(crashed)) {
            assertTrue(store.recovery().isPresent(), "a missing file is rebuilt too");
            assertHolds(store, written);
            assertEquals(Optional.of(later), store.get(later.id()));
        }
    }

    @Test
    void forkProofsSurviveARebuild() throws IOException {
        Path file = file("a");
        Path crashed = file("b");
        try (Store store = Store.open(file)) {
            Entry first = alice.post("one");
            assertEquals(APPENDED, store.append(first).status());
            assertEquals(FORK, store.append(alice.sign(1, null, Content.Post.text("another one"))).status());
            assertTrue(store.isForked(alice.id()));
            copyOpenStore(file, crashed);
        }
        try (Store store = Store.open(crashed)) {
            assertTrue(store.recovery().isPresent());
            assertTrue(store.isForked(alice.id()));
            assertEquals(1, store.forkProofs(alice.id()).size());
        }
    }

    @Test
    void aDeletedBodyLeavesTheJournalWhenTheStoreCloses() throws IOException {
        Path file = file("a");
        Path crashed = file("b");
        String secret = "a post its author took back";
        Entry victim = alice.post(secret);
        try (Store store = Store.open(file)) {
            assertEquals(APPENDED, store.append(victim).status());
            assertEquals(APPENDED, store.append(alice.next(new Content.Deletion(victim.id(), ""))).status());
            copyOpenStore(file, crashed);
        }
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        assertFalse(contains(Files.readAllBytes(sibling(file, ".journal")), needle), "the body is still in the journal");

        // A crash before the close still drops the body again when the journal is replayed.
        try (Store store = Store.open(crashed)) {
            assertTrue(store.recovery().isPresent());
            Entry held = store.get(victim.id()).orElseThrow();
            assertFalse(held.hasContent());
            assertArrayEquals(victim.header().encoded(), held.header().encoded());
        }
        assertFalse(contains(Files.readAllBytes(sibling(crashed, ".journal")), needle));
    }

    @Test
    void aStoreWithoutAJournalGetsOneWrittenFromItsFile() throws IOException {
        Path file = file("a");
        List<Entry> written;
        try (Store store = Store.open(file)) {
            written = fill(store);
        }
        Files.delete(sibling(file, ".journal"));
        try (Store store = Store.open(file)) {
            assertTrue(store.recovery().isEmpty());
            assertHolds(store, written);
        }
        Files.delete(file);
        try (Store store = Store.open(file)) {
            assertTrue(store.recovery().isPresent());
            assertHolds(store, written);
        }
    }

    @Test
    void blobRecordsAndTheirAttachingPostsSurviveARebuild() throws IOException {
        Path file = file("a");
        Path crashed = file("b");
        org.grapevine.identity.BlobId kept = org.grapevine.identity.blob.BlobHasher.of(new byte[] {1});
        org.grapevine.identity.BlobId removed = org.grapevine.identity.blob.BlobHasher.of(new byte[] {2});
        java.util.BitSet some = new java.util.BitSet();
        some.set(0);
        Entry post = alice.next(new Content.Post("look", null, null, List.of(),
                List.of(new Content.Attachment(kept, 1, "image/png", "one.png")), ""));
        try (Store store = Store.open(file)) {
            store.putBlob(kept, new Store.BlobRecord(1, false, some));
            store.putBlob(removed, new Store.BlobRecord(1, true, new java.util.BitSet()));
            store.removeBlob(removed);
            assertEquals(APPENDED, store.append(post).status());
            copyOpenStore(file, crashed);
        }
        try (Store store = Store.open(crashed)) {
            assertTrue(store.recovery().isPresent());
            assertEquals(java.util.Map.of(kept, new Store.BlobRecord(1, false, some)), store.blobs());
            assertEquals(List.of(post), store.indexes().postsAttaching(kept, 10));
            assertEquals("one.png", store.indexes().attachment(kept).orElseThrow().name());
        }
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }
}
