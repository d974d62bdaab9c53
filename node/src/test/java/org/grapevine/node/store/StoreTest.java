package org.grapevine.node.store;

import static org.grapevine.node.store.AppendResult.Status.APPENDED;
import static org.grapevine.node.store.AppendResult.Status.DUPLICATE;
import static org.grapevine.node.store.AppendResult.Status.FORK;
import static org.grapevine.node.store.AppendResult.Status.REJECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.DB;
import org.mapdb.DBMaker;

class StoreTest {
    @TempDir
    Path dir;
    Path file;
    Store store;

    final Logs.Chain alice = new Logs.Chain(Logs.identity(1));
    final Logs.Chain bob = new Logs.Chain(Logs.identity(2));
    final Logs.Chain carol = new Logs.Chain(Logs.identity(3));
    final Logs.Chain dave = new Logs.Chain(Logs.identity(4));

    @BeforeEach
    void open() {
        file = dir.resolve("store.db");
        store = Store.open(file);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void reopen() {
        store.close();
        store = Store.open(file);
    }

    private List<Entry> posts(Logs.Chain chain, int n) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(chain.post(chain.id().hex().substring(0, 4) + " " + i));
        return out;
    }

    private void appendAllOk(List<Entry> entries) {
        for (AppendResult r : store.appendAll(entries)) assertEquals(APPENDED, r.status(), r.reason());
    }

    @Test
    void appendsAChainAndReadsItBackByIdAndBySequence() {
        List<Entry> log = posts(alice, 10);
        for (Entry e : log) {
            AppendResult r = store.append(e);
            assertEquals(APPENDED, r.status(), r.reason());
            assertEquals(e.id(), r.id());
        }
        for (Entry e : log) {
            assertEquals(Optional.of(e), store.get(e.id()));
            assertEquals(Optional.of(e), store.get(alice.id(), e.header().seq()));
        }
        assertEquals(10, store.headSeq(alice.id()));
        assertEquals(Optional.of(log.get(9).id()), store.headId(alice.id()));
        assertEquals(log, store.log(alice.id(), 1, 100));
        assertEquals(log.subList(3, 6), store.log(alice.id(), 4, 3));
        assertEquals(List.of(alice.id()), store.authors());
        assertEquals(10, Logs.verifyLog(store, alice.id()));

        assertEquals(Optional.empty(), store.get(alice.id(), 11));
        assertEquals(Optional.empty(), store.get(alice.id(), 0));
        assertEquals(Optional.empty(), store.get(bob.id(), 1));
        assertEquals(0, store.headSeq(bob.id()));
        assertEquals(Optional.empty(), store.headId(bob.id()));
        assertEquals(Optional.empty(), store.get(bob.post("not stored").id()));
    }

    @Test
    void theSameEntryTwiceIsANoOp() {
        Entry first = alice.post("one");
        Entry second = alice.post("two");
        appendAllOk(List.of(first, second));

        assertEquals(DUPLICATE, store.append(second).status());
        assertEquals(DUPLICATE, store.append(first).status());
        Entry third = alice.post("three");
        List<AppendResult> twice = store.appendAll(List.of(third, third));
        assertEquals(List.of(APPENDED, DUPLICATE), List.of(twice.get(0).status(), twice.get(1).status()));

        assertEquals(3, store.headSeq(alice.id()));
        assertFalse(store.isForked(alice.id()));
        assertEquals(List.of(), store.forkProofs(alice.id()));
        assertEquals(3, Logs.verifyLog(store, alice.id()));
    }

    @Test
    void anEntryOutOfOrderIsRejected() {
        List<Entry> log = posts(alice, 3);
        AppendResult early = store.append(log.get(1));
        assertEquals(REJECTED, early.status());
        assertTrue(early.reason().contains("out of order"), early.reason());
        assertEquals(List.of(), store.authors(), "a rejected entry creates no log");

        store.append(log.get(0));
        AppendResult gap = store.append(log.get(2));
        assertEquals(REJECTED, gap.status());
        assertTrue(gap.reason().contains("out of order"), gap.reason());
        assertEquals(1, store.headSeq(alice.id()));
        assertEquals(Optional.empty(), store.get(log.get(2).id()));
        assertFalse(store.isForked(alice.id()));

        appendAllOk(log.subList(1, 3));
        assertEquals(3, Logs.verifyLog(store, alice.id()));
    }

    @Test
    void aBadSignatureIsRejectedAndNothingIsStored() {
        Entry first = alice.post("one");
        for (Entry forged : List.of(Logs.withBadSignature(first), Logs.withAlteredTimestamp(first))) {
            AppendResult r = store.append(forged);
            assertEquals(REJECTED, r.status());
            assertEquals("bad signature", r.reason());
            assertEquals(Optional.empty(), store.get(forged.id()));
        }
        assertEquals(List.of(), store.authors());
        assertEquals(0, store.headSeq(alice.id()));

        store.append(first);
        Entry second = alice.post("two");
        for (Entry forged : List.of(Logs.withBadSignature(second), Logs.withAlteredTimestamp(second))) {
            assertEquals(REJECTED, store.append(forged).status());
            assertEquals(Optional.empty(), store.get(forged.id()));
        }
        assertEquals(1, store.headSeq(alice.id()));
        assertEquals(APPENDED, store.append(second).status(), "the genuine entry still goes in");
    }

    @Test
    void aBadlySignedEntryAtAHeldSequenceProvesNoFork() {
        appendAllOk(posts(alice, 3));
        Entry other = alice.sign(2, store.get(alice.id(), 1).orElseThrow().id(), Content.Post.text("other"));

        assertEquals(REJECTED, store.append(Logs.withBadSignature(other)).status());
        assertFalse(store.isForked(alice.id()), "anyone could mark anyone forked with an unsigned entry");
        assertEquals(List.of(), store.forkProofs(alice.id()));
        assertEquals(APPENDED, store.append(alice.post("four")).status());
    }

    @Test
    void aSecondEntryAtAHeldSequenceIsAFork() {
        List<Entry> log = posts(alice, 5);
        appendAllOk(log);
        Entry conflicting = alice.sign(3, log.get(1).id(), Content.Post.text("another third entry"));

        AppendResult r = store.append(conflicting);
        assertEquals(FORK, r.status());
        assertEquals(conflicting.id(), r.id());
        assertTrue(store.isForked(alice.id()));
        assertEquals(List.of(conflicting.header()), store.forkProofs(alice.id()));
        assertEquals(Optional.empty(), store.get(conflicting.id()), "the proof is kept apart from the log");

        AppendResult later = store.append(alice.post("six"));
        assertEquals(AppendResult.Status.PAST_FORK, later.status());
        assertTrue(later.reason().contains("forked at sequence 3"), later.reason());
        assertEquals(5, store.headSeq(alice.id()));
        for (Entry e : log) assertEquals(Optional.of(e), store.get(e.id()));
        assertEquals(DUPLICATE, store.append(log.get(2)).status());

        assertEquals(FORK, store.append(conflicting).status());
        assertEquals(1, store.forkProofs(alice.id()).size());

        appendAllOk(posts(bob, 2));
        assertFalse(store.isForked(bob.id()), "a fork marks one author only");

        reopen();
        assertTrue(store.isForked(alice.id()));
        assertEquals(List.of(conflicting.header()), store.forkProofs(alice.id()));
        assertEquals(5, Logs.verifyLog(store, alice.id()));
    }

    @Test
    void aWrongPreviousHashIsAFork() {
        List<Entry> log = posts(alice, 2);
        appendAllOk(log);
        Entry skipsBack = alice.sign(3, log.get(0).id(), Content.Post.text("built on the first"));

        AppendResult r = store.append(skipsBack);
        assertEquals(FORK, r.status());
        assertTrue(store.isForked(alice.id()));
        assertEquals(List.of(skipsBack.header()), store.forkProofs(alice.id()));
        assertEquals(2, store.headSeq(alice.id()));
        assertEquals(Optional.empty(), store.get(skipsBack.id()));
    }

    @Test
    void aForkProofFromAPeerMarksTheAuthorForkedFromThatSequenceOnAndIsPassedOnWhole() {
        List<Entry> log = posts(alice, 4);
        appendAllOk(log.subList(0, 1));
        Entry other = alice.sign(3, log.get(1).id(), Content.Post.text("another third entry"));

        assertTrue(store.recordForkProof(log.get(2).header(), other.header()));
        assertFalse(store.recordForkProof(log.get(2).header(), other.header()), "known already");
        assertTrue(store.isForked(alice.id()));
        assertEquals(Optional.of(List.of(log.get(2).header(), other.header())), store.forkProof(alice.id()),
                "the log held has neither header: both are kept");
        assertEquals(APPENDED, store.append(log.get(1)).status(), "what comes before the fork is accepted");
        assertEquals(AppendResult.Status.PAST_FORK, store.append(log.get(2)).status());

        reopen();
        assertEquals(Optional.of(List.of(log.get(2).header(), other.header())), store.forkProof(alice.id()));
        assertEquals(2, store.headSeq(alice.id()));
    }

    @Test
    void aForkProofAgainstTheLogHeldKeepsTheOtherHeaderAndPairsItWithTheHeldOne() {
        List<Entry> log = posts(alice, 3);
        appendAllOk(log);
        Entry other = alice.sign(2, log.get(0).id(), Content.Post.text("another second entry"));
        assertTrue(store.recordForkProof(other.header(), log.get(1).header()));
        assertEquals(List.of(other.header()), store.forkProofs(alice.id()));
        assertEquals(Optional.of(List.of(log.get(1).header(), other.header())), store.forkProof(alice.id()));

        // A conflicting entry that arrived is passed on with the entry it conflicts with, too.
        appendAllOk(posts(bob, 2));
        Entry skipsBack = bob.sign(3, store.get(bob.id(), 1).orElseThrow().id(), Content.Post.text("built on the first"));
        assertEquals(FORK, store.append(skipsBack).status());
        assertEquals(Optional.of(List.of(store.get(bob.id(), 2).orElseThrow().header(), skipsBack.header())), store.forkProof(bob.id()));
        assertEquals(Optional.empty(), store.forkProof(carol.id()));
    }

    @Test
    void aBatchAcrossAuthorsGetsOneResultPerEntryInOrder() {
        List<List<Entry>> logs = List.of(posts(alice, 25), posts(bob, 25), posts(carol, 25), posts(dave, 25));
        Logs.Chain erin = new Logs.Chain(Logs.identity(5));
        erin.post("never offered");
        Entry erinSecond = erin.post("offered without its first");
        Entry carolFar = carol.sign(30, logs.get(2).get(0).id(), Content.Post.text("far ahead"));
        Entry daveFork = dave.sign(5, logs.get(3).get(3).id(), Content.Post.text("another fifth"));

        List<Entry> offered = new ArrayList<>();
        List<AppendResult.Status> expected = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            for (int a = 0; a < 4; a++) {
                Entry e = logs.get(a).get(i);
                if (a == 0 && i == 5) {
                    offered.add(Logs.withAlteredTimestamp(e));
                    expected.add(REJECTED);
                }
                if (a == 1 && i == 7) {
                    offered.add(logs.get(1).get(3));
                    expected.add(DUPLICATE);
                }
                if (a == 2 && i == 2) {
                    offered.add(carolFar);
                    expected.add(REJECTED);
                }
                offered.add(e);
                expected.add(a == 3 && i > 9 ? AppendResult.Status.PAST_FORK : APPENDED);
                if (a == 3 && i == 9) {
                    offered.add(daveFork);
                    expected.add(FORK);
                }
            }
            if (i == 12) {
                offered.add(erinSecond);
                expected.add(REJECTED);
            }
        }

        List<AppendResult> results = store.appendAll(offered);

        assertEquals(offered.size(), results.size());
        for (int i = 0; i < offered.size(); i++) {
            assertEquals(offered.get(i).id(), results.get(i).id(), "result " + i + " belongs to entry " + i);
            assertEquals(expected.get(i), results.get(i).status(), "result " + i + ": " + results.get(i).reason());
        }
        for (int a = 0; a < 3; a++) {
            assertEquals(25, Logs.verifyLog(store, logs.get(a).get(0).header().author()));
        }
        assertEquals(10, Logs.verifyLog(store, dave.id()));
        assertTrue(store.isForked(dave.id()));
        assertFalse(store.isForked(alice.id()) || store.isForked(bob.id()) || store.isForked(carol.id()));
        assertEquals(List.of(alice.id(), bob.id(), carol.id(), dave.id()), store.authors());
        assertEquals(Optional.empty(), store.get(erinSecond.id()));
    }

    @Test
    void anEntryWithoutItsBodyStillAppendsAndItsBodyLaterIsADuplicate() {
        Entry first = alice.post("one");
        Entry second = alice.post("two");
        appendAllOk(List.of(first.withoutContent(), second));

        Entry held = store.get(first.id()).orElseThrow();
        assertFalse(held.hasContent());
        assertEquals(first.header(), held.header());
        assertEquals(DUPLICATE, store.append(first).status());
        assertEquals(2, Logs.verifyLog(store, alice.id()));
    }

    @Test
    void aBatchThatFailsHalfwayLeavesNoFeedNumberBehind() {
        Entry damaged = alice.post("about to be damaged");
        appendAllOk(List.of(damaged));
        // Damage the stored envelope so that deleting it throws in the middle of the next batch.
        store.log.put(store.locate(damaged.id()).orElseThrow(), new byte[] {1, 2, 3});
        store.commit();
        Entry carolFirst = carol.post("carol's first");

        assertThrows(StoreException.class,
                () -> store.appendAll(List.of(carolFirst, alice.next(new Content.Deletion(damaged.id(), "")))));
        assertEquals(0, store.headSeq(carol.id()), "the failed batch was rolled back");

        appendAllOk(List.of(dave.post("dave's first")));
        AppendResult r = store.append(carolFirst);
        assertEquals(APPENDED, r.status(), "carol must not share a feed number with dave: " + r.reason());
        assertFalse(store.isForked(dave.id()));
        assertEquals(1, Logs.verifyLog(store, dave.id()));
        assertEquals(1, Logs.verifyLog(store, carol.id()));
    }

    @Test
    void reopeningKeepsLogsIdsAndTheGraph() {
        List<Entry> aliceLog = new ArrayList<>(posts(alice, 3));
        aliceLog.add(alice.next(new Content.Follow(bob.id(), true)));
        aliceLog.add(alice.next(new Content.Block(carol.id(), true)));
        List<Entry> bobLog = posts(bob, 7);
        appendAllOk(aliceLog);
        appendAllOk(bobLog);

        reopen();

        assertEquals(List.of(alice.id(), bob.id()), store.authors());
        assertEquals(5, Logs.verifyLog(store, alice.id()));
        assertEquals(7, Logs.verifyLog(store, bob.id()));
        assertEquals(Optional.of(aliceLog.get(4).id()), store.headId(alice.id()));
        for (Entry e : bobLog) assertEquals(Optional.of(e), store.get(e.id()));
        assertTrue(store.indexes().follows(alice.id(), bob.id()));
        assertTrue(store.indexes().blocks(alice.id(), carol.id()));
        assertEquals(APPENDED, store.append(alice.post("after reopening")).status());
        assertEquals(APPENDED, store.append(carol.post("a new author after reopening")).status());
        assertEquals(List.of(alice.id(), bob.id(), carol.id()), store.authors());
        assertEquals(1, Logs.verifyLog(store, carol.id()));
        assertEquals(7, Logs.verifyLog(store, bob.id()), "the new author got a feed of its own");
    }

    @Test
    void aSecondOpenInTheSameProcessFailsAsLocked() {
        StoreException e = assertThrows(StoreException.class, () -> Store.open(file).close());
        assertTrue(e.getMessage().contains("locked"), e.getMessage());
        assertEquals(APPENDED, store.append(alice.post("the first holder still works")).status());
    }

    @Test
    @Timeout(120)
    void anotherProcessCannotOpenAHeldStore() throws Exception {
        store.append(alice.post("held"));
        // A failed open in this process must not drop the OS-level lock either.
        assertThrows(StoreException.class, () -> Store.open(file).close());

        String whileHeld = openInChild();
        assertTrue(whileHeld.startsWith("FAILED") && whileHeld.contains("locked"), whileHeld);

        store.close();
        assertEquals("OPENED 1", openInChild());
        store = Store.open(file);
    }

    private String openInChild() throws Exception {
        Path stderr = dir.resolve("child-stderr.txt");
        Process child = ChildJvm.start(StoreOpener.class, stderr, file.toString());
        child.getOutputStream().close();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not exit");
        assertEquals(0, child.exitValue(), "child failed: " + out + "\n" + ChildJvm.stderr(stderr));
        return out;
    }

    @Test
    void aStoreOfAnotherSchemaIsRefusedAndLeftUnlocked() {
        store.close();
        try (DB db = DBMaker.fileDB(file.toFile()).transactionEnable().fileMmapEnableIfSupported().make()) {
            db.atomicInteger("schema").createOrOpen().set(99);
            db.commit();
        }

        for (int attempt = 0; attempt < 2; attempt++) {
            StoreException e = assertThrows(StoreException.class, () -> Store.open(file).close());
            assertTrue(e.getMessage().contains("schema 99"), "attempt " + attempt + ": " + e.getMessage());
        }
        try (DB db = DBMaker.fileDB(file.toFile()).transactionEnable().fileMmapEnableIfSupported().make()) {
            db.atomicInteger("schema").createOrOpen().set(1);
            db.commit();
        }
        store = Store.open(file);
    }
}
