package org.grapevine.node.store;

import static org.grapevine.node.store.AppendResult.Status.APPENDED;
import static org.grapevine.node.store.AppendResult.Status.DUPLICATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.Verifier;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexesTest {
    @TempDir
    Path dir;
    Store store;

    final Logs.Chain alice = new Logs.Chain(Logs.identity(1));
    final Logs.Chain bob = new Logs.Chain(Logs.identity(2));
    final Logs.Chain carol = new Logs.Chain(Logs.identity(3));
    final Logs.Chain dave = new Logs.Chain(Logs.identity(4));
    final Logs.Chain erin = new Logs.Chain(Logs.identity(5));
    final Logs.Chain frank = new Logs.Chain(Logs.identity(6));

    @BeforeEach
    void open() {
        store = Store.open(dir.resolve("store.db"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Indexes indexes() {
        return store.indexes();
    }

    private void reopen() {
        store.close();
        store = Store.open(dir.resolve("store.db"));
    }

    private Entry add(Entry e) {
        AppendResult r = store.append(e);
        assertEquals(APPENDED, r.status(), r.reason());
        return e;
    }

    private Entry follow(Logs.Chain who, Logs.Chain target, boolean on) {
        return add(who.next(new Content.Follow(target.id(), on)));
    }

    private Entry block(Logs.Chain who, Logs.Chain target, boolean on) {
        return add(who.next(new Content.Block(target.id(), on)));
    }

    @Test
    void theLatestFollowOrBlockEntryWins() {
        follow(alice, bob, true);
        follow(alice, carol, true);
        follow(alice, dave, true);
        follow(alice, bob, false);
        follow(alice, dave, false);
        follow(alice, dave, true);
        follow(alice, erin, false);
        block(alice, frank, true);
        block(alice, erin, true);
        block(alice, frank, false);
        follow(bob, alice, true);

        assertEquals(Set.of(carol.id(), dave.id()), indexes().following(alice.id()));
        assertFalse(indexes().follows(alice.id(), bob.id()));
        assertTrue(indexes().follows(alice.id(), dave.id()));
        assertFalse(indexes().follows(alice.id(), erin.id()), "unfollowing someone never followed is a no-op");
        assertEquals(Set.of(erin.id()), indexes().blocked(alice.id()));
        assertTrue(indexes().blocks(alice.id(), erin.id()));
        assertFalse(indexes().blocks(alice.id(), frank.id()));
        assertEquals(Set.of(alice.id()), indexes().following(bob.id()), "each author has a graph of their own");
        assertEquals(Set.of(), indexes().following(carol.id()));
        assertEquals(Set.of(), indexes().blocked(bob.id()));

        reopen();
        assertEquals(Set.of(carol.id(), dave.id()), indexes().following(alice.id()));
        assertEquals(Set.of(erin.id()), indexes().blocked(alice.id()));
    }

    @Test
    void theTimelineMergesSelfAndFollowedAuthorsNewestFirst() {
        follow(alice, bob, true);
        follow(alice, carol, true);
        follow(alice, dave, true);
        block(alice, dave, true);
        follow(alice, erin, true);
        follow(alice, erin, false);

        // Distinct timestamps interleaved across authors, appended author by author.
        List<Entry> expected = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            expected.add(add(alice.post(10_000 + 100 * i, "alice " + i)));
            expected.add(add(bob.post(10_010 + 100 * i, "bob " + i)));
        }
        for (int i = 0; i < 6; i++) expected.add(add(carol.post(10_020 + 100 * i, "carol " + i)));
        for (int i = 0; i < 6; i++) {
            add(dave.post(10_030 + 100 * i, "blocked dave " + i));
            add(erin.post(10_040 + 100 * i, "unfollowed erin " + i));
            add(frank.post(10_050 + 100 * i, "stranger frank " + i));
        }
        expected.sort(Comparator.comparingLong((Entry e) -> e.header().timestamp()).reversed());

        List<Entry> posts = indexes().timeline(alice.id(), 100, h -> h.contentType() == Content.POST);
        assertEquals(texts(expected), texts(posts));
        assertEquals(expected, posts);

        assertEquals(expected.subList(0, 5), indexes().timeline(alice.id(), 5, h -> h.contentType() == Content.POST));
        assertEquals(List.of(), indexes().timeline(alice.id(), 0, h -> true));

        List<Entry> everything = indexes().timeline(alice.id(), 100, h -> true);
        assertEquals(expected.size() + 6, everything.size(), "alice's own follow and block entries too");
        assertTrue(everything.stream().noneMatch(e -> e.header().author().equals(dave.id())
                || e.header().author().equals(erin.id()) || e.header().author().equals(frank.id())));
        for (int i = 1; i < everything.size(); i++) {
            assertTrue(everything.get(i - 1).header().timestamp() >= everything.get(i).header().timestamp(), "newest first");
        }

        List<Entry> bobsView = indexes().timeline(bob.id(), 100, h -> true);
        assertTrue(bobsView.stream().allMatch(e -> e.header().author().equals(bob.id())), "bob follows nobody");
        assertEquals(6, bobsView.size());
    }

    private static List<String> texts(List<Entry> entries) {
        List<String> out = new ArrayList<>();
        for (Entry e : entries) {
            try {
                out.add(((Content.Post) e.decodeContent()).text());
            } catch (Malformed m) {
                throw new AssertionError(m);
            }
        }
        return out;
    }

    @Test
    void aThreadIsItsRootThenItsRepliesOldestFirst() {
        Entry root = add(alice.post(1_000, "root"));
        Entry otherRoot = add(alice.post(1_001, "another root"));
        // Appended in an order other than their timestamps.
        Entry carolReply = add(carol.next(3_000, Content.Post.reply("carol answers bob", root.id(), root.id())));
        Entry bobReply = add(bob.next(2_000, Content.Post.reply("bob answers", root.id(), root.id())));
        Entry aliceReply = add(alice.next(4_000, Content.Post.reply("alice answers carol", root.id(), carolReply.id())));
        Entry elsewhere = add(bob.next(2_500, Content.Post.reply("elsewhere", otherRoot.id(), otherRoot.id())));
        add(bob.post(2_600, "not a reply"));

        assertEquals(List.of(root, bobReply, carolReply, aliceReply), indexes().thread(root.id()));
        assertEquals(List.of(otherRoot, elsewhere), indexes().thread(otherRoot.id()));
        assertEquals(List.of(), indexes().thread(new Logs.Chain(Logs.identity(9)).post("unknown").id()));
    }

    @Test
    void aThreadWhoseRootIsNotHeldStillListsItsRepliesOldestFirst() {
        Logs.Chain stranger = new Logs.Chain(Logs.identity(9));
        EntryId root = stranger.post("a root this node never received").id();
        // carol gets the lower feed number, so her reply comes first in the index.
        Entry later = add(carol.next(3_000, Content.Post.reply("later", root, root)));
        Entry earlier = add(bob.next(2_000, Content.Post.reply("earlier", root, root)));

        assertEquals(List.of(earlier, later), indexes().thread(root));
    }

    @Test
    void aboutIsTheAuthorsLatestSelfDescription() {
        assertEquals(Optional.empty(), indexes().about(alice.id()));
        add(alice.next(new Content.About("Alice", "first words", null)));
        add(alice.post("in between"));
        add(alice.next(new Content.About("Alice B.", "second thoughts", null)));
        add(alice.post("after"));
        add(bob.next(new Content.About("Bob", "", null)));

        assertEquals(Optional.of(new Content.About("Alice B.", "second thoughts", null)), indexes().about(alice.id()));
        assertEquals(Optional.of(new Content.About("Bob", "", null)), indexes().about(bob.id()));
        assertEquals(Optional.empty(), indexes().about(carol.id()));
        reopen();
        assertEquals("Alice B.", indexes().about(alice.id()).orElseThrow().name());
    }

    @Test
    void aDeletionByTheAuthorDropsTheBodyAndKeepsAVerifiableHeader() throws Malformed {
        Entry doomed = add(alice.post("regrettable"));
        Entry kept = add(alice.post("fine"));
        add(alice.next(new Content.Deletion(doomed.id(), "oops")));

        Entry held = store.get(doomed.id()).orElseThrow();
        assertFalse(held.hasContent());
        assertEquals(doomed.header(), held.header());
        assertEquals(doomed.id(), held.id());
        assertTrue(held.header().verifySignature(new Verifier()));
        assertEquals(new Content.Dropped(Content.POST), held.decodeContent());
        assertTrue(store.get(kept.id()).orElseThrow().hasContent());
        assertEquals(3, Logs.verifyLog(store, alice.id()));

        assertEquals(DUPLICATE, store.append(doomed).status(), "the body does not come back with the entry");
        assertEquals(APPENDED, store.append(alice.post("and on")).status());
        reopen();
        assertFalse(store.get(doomed.id()).orElseThrow().hasContent());
        assertEquals(4, Logs.verifyLog(store, alice.id()));
    }

    /**
     * The graph is a function of the log: one node stores alice's entries with their bodies and
     * then her deletions; another gets the deleted entries already without bodies; a third is
     * rebuilt from its journal. All three agree, and a deleted entry counts as never made.
     */
    @Test
    void deletedFollowsBlocksAndProfilesCountAsNeverMadeWhateverOrderTheyArriveIn() throws java.io.IOException {
        List<Entry> log = new ArrayList<>();
        log.add(alice.next(new Content.About("Alice", "", null)));
        log.add(alice.next(new Content.Follow(bob.id(), true)));
        Entry unfollowBob = alice.next(new Content.Follow(bob.id(), false));
        log.add(unfollowBob);
        Entry followCarol = alice.next(new Content.Follow(carol.id(), true));
        log.add(followCarol);
        Entry blockDave = alice.next(new Content.Block(dave.id(), true));
        log.add(blockDave);
        Entry renamed = alice.next(new Content.About("Alice B.", "", null));
        log.add(renamed);
        log.add(alice.next(new Content.Deletion(unfollowBob.id(), "")));
        log.add(alice.next(new Content.Deletion(followCarol.id(), "")));
        log.add(alice.next(new Content.Deletion(blockDave.id(), "")));
        log.add(alice.next(new Content.Deletion(renamed.id(), "")));
        Set<EntryId> deleted = Set.of(unfollowBob.id(), followCarol.id(), blockDave.id(), renamed.id());

        for (Entry e : log) add(e); // in order, with bodies, deleted afterwards
        try (Store late = Store.open(dir.resolve("late.db"))) {
            for (Entry e : log) late.append(deleted.contains(e.id()) ? e.withoutContent() : e);
            for (Store s : List.of(store, late)) {
                Indexes ix = s.indexes();
                assertTrue(ix.follows(alice.id(), bob.id()), "the unfollow was deleted: the follow before it stands");
                assertFalse(ix.follows(alice.id(), carol.id()), "a deleted follow was never made");
                assertFalse(ix.blocks(alice.id(), dave.id()), "a deleted block was never made");
                assertEquals("Alice", ix.about(alice.id()).orElseThrow().name(), "a deleted profile leaves the one before");
            }
        }
        // The files as a crash leaves them: opening the copy rebuilds the store from its journal.
        Path crashed = Files.createDirectories(dir.resolve("crashed")).resolve("store.db");
        Files.copy(dir.resolve("store.db"), crashed);
        Files.copy(dir.resolve("store.db.journal"), crashed.resolveSibling("store.db.journal"));
        try (Store rebuilt = Store.open(crashed)) {
            assertTrue(rebuilt.recovery().isPresent(), "rebuilt from the journal");
            Indexes ix = rebuilt.indexes();
            assertTrue(ix.follows(alice.id(), bob.id()));
            assertFalse(ix.follows(alice.id(), carol.id()));
            assertFalse(ix.blocks(alice.id(), dave.id()));
            assertEquals("Alice", ix.about(alice.id()).orElseThrow().name());
        }
    }

    @Test
    void aDeletionOfAnotherAuthorsEntryDoesNothing() {
        Entry alicePost = add(alice.post("mine"));
        add(bob.next(new Content.Deletion(alicePost.id(), "not yours")));
        Entry unknown = carol.post("never stored");
        add(bob.next(new Content.Deletion(unknown.id(), "not held")));

        assertTrue(store.get(alicePost.id()).orElseThrow().hasContent());
        assertEquals(alicePost, store.get(alicePost.id()).orElseThrow());
    }

    @Test
    void aDeletedReplyStaysInItsThreadWithoutItsBody() {
        Entry root = add(alice.post(1_000, "root"));
        Entry reply = add(bob.next(2_000, Content.Post.reply("rash words", root.id(), root.id())));
        add(bob.next(new Content.Deletion(reply.id(), "")));

        List<Entry> thread = indexes().thread(root.id());
        assertEquals(List.of(root.id(), reply.id()), List.of(thread.get(0).id(), thread.get(1).id()));
        assertFalse(thread.get(1).hasContent());
    }

    @Test
    void petnamesAreSetReadRemovedAndSurviveReopening() {
        indexes().setPetname(bob.id(), "Bobby");
        indexes().setPetname(carol.id(), "C");
        indexes().setPetname(carol.id(), "Carol from work");
        indexes().setPetname(dave.id(), "Dave");
        indexes().setPetname(dave.id(), "");

        assertEquals(Optional.of("Bobby"), indexes().petname(bob.id()));
        assertEquals(Optional.of("Carol from work"), indexes().petname(carol.id()));
        assertEquals(Optional.empty(), indexes().petname(dave.id()));
        assertEquals(Map.of(bob.id(), "Bobby", carol.id(), "Carol from work"), indexes().petnames());

        reopen();
        assertEquals(Optional.of("Bobby"), indexes().petname(bob.id()));
        assertEquals(Map.of(bob.id(), "Bobby", carol.id(), "Carol from work"), indexes().petnames());
        assertEquals(List.of(), store.authors(), "petnames are no log entries");
    }
}
