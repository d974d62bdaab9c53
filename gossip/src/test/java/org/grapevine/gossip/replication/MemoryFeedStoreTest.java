package org.grapevine.gossip.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.grapevine.gossip.replication.FeedStore.Outcome;
import org.grapevine.gossip.wire.WireCodec;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.junit.jupiter.api.Test;

/** The test store judges entries as the node's store does, or the replication tests prove nothing. */
class MemoryFeedStoreTest {
    private static final Identity ALICE = identity(1);
    private final MemoryFeedStore store = new MemoryFeedStore();

    private static Identity identity(int n) {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) n);
        return Identity.fromSeed(seed);
    }

    private static List<Entry> log(String prefix, int n) {
        List<Entry> log = new ArrayList<>();
        for (int seq = 1; seq <= n; seq++) {
            log.add(Entry.create(ALICE, seq, seq == 1 ? null : log.get(seq - 2).id(), 1000L + seq,
                    Content.Post.text(prefix + seq)));
        }
        return log;
    }

    @Test
    void storesTheNextEntryAndKnowsItAgain() {
        List<Entry> log = log("a", 3);
        assertEquals(List.of(Outcome.STORED, Outcome.STORED, Outcome.DUPLICATE, Outcome.STORED),
                store.append(List.of(log.get(0), log.get(1), log.get(1), log.get(2))));
        assertEquals(3, store.head(ALICE.id()));
        assertEquals(log, store.entries(ALICE.id()));
        assertEquals(1, store.duplicates(ALICE.id()));
        assertEquals(1, store.appendCalls());
        // A copy without its body is the same entry.
        assertEquals(List.of(Outcome.DUPLICATE), store.append(List.of(log.get(0).withoutContent())));
    }

    @Test
    void aGapIsOutOfOrderAndStoresNothing() {
        List<Entry> log = log("a", 3);
        assertEquals(List.of(Outcome.OUT_OF_ORDER), store.append(List.of(log.get(2))));
        assertEquals(0, store.head(ALICE.id()));
    }

    @Test
    void aSecondHistoryIsAFork() {
        List<Entry> mine = log("a", 2);
        List<Entry> other = log("b", 2);
        store.append(mine.subList(0, 1));
        // Another entry at a held sequence.
        assertEquals(List.of(Outcome.FORK), store.append(List.of(other.get(0))));
        assertTrue(store.isForked(ALICE.id()));
        // The next sequence, but chained to the other history; and nothing more after a fork.
        MemoryFeedStore fresh = new MemoryFeedStore();
        fresh.append(mine.subList(0, 1));
        assertEquals(List.of(Outcome.FORK), fresh.append(List.of(other.get(1))));
        assertEquals(List.of(Outcome.PAST_FORK), fresh.append(List.of(mine.get(1))));
        assertEquals(1, fresh.head(ALICE.id()));
    }

    @Test
    void aBadSignatureIsInvalid() {
        Entry forged = ReplicatorTest.forged(log("a", 1).get(0));
        assertEquals(List.of(Outcome.INVALID), store.append(List.of(forged)));
        assertEquals(0, store.head(ALICE.id()));
    }

    @Test
    void readsInOrderWithinBothLimitsButAlwaysAtLeastOne() {
        List<Entry> log = log("a", 10);
        store.append(log);
        assertEquals(log.subList(2, 6), store.read(ALICE.id(), 3, 4, Integer.MAX_VALUE));
        assertEquals(log.subList(8, 10), store.read(ALICE.id(), 9, 100, Integer.MAX_VALUE));
        int two = WireCodec.entryCost(log.get(0)) + WireCodec.entryCost(log.get(1));
        assertEquals(log.subList(0, 2), store.read(ALICE.id(), 1, 100, two));
        assertEquals(log.subList(0, 1), store.read(ALICE.id(), 1, 100, 1));
        assertEquals(List.of(), store.read(ALICE.id(), 11, 100, Integer.MAX_VALUE));
        assertEquals(List.of(), store.read(new AuthorId(new byte[32]), 1, 100, Integer.MAX_VALUE));
        assertFalse(store.isForked(ALICE.id()));
    }
}
