package org.grapevine.gossip.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.grapevine.gossip.limits.Limits;
import org.grapevine.identity.AuthorId;
import org.junit.jupiter.api.Test;

/** When a node asks its peers where an author is, whom it asks, and how often it answers. */
class LocatorTest {
    private static final long TICK = 1_000;
    private static final long T0 = 1_700_000_000_000L;

    private final Locator locator = new Locator(TICK, new Random(7));

    private static AuthorId author(int n) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) n);
        return new AuthorId(key);
    }

    private static List<AuthorId> peers(int n) {
        List<AuthorId> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(author(100 + i));
        return out;
    }

    @Test
    void anAuthorOutOfReachIsAskedAfterAtOnceThenLessAndLessOften() {
        AuthorId alice = author(1);
        Set<AuthorId> unserved = Set.of(alice);
        List<AuthorId> connected = peers(40);
        long first = Locator.AGAIN_TICKS * TICK;
        List<Long> asked = new ArrayList<>();
        Set<AuthorId> everAsked = new HashSet<>();
        for (long t = T0; t < T0 + 40 * first; t += TICK) {
            for (Locator.Ask ask : locator.due(unserved, unserved, connected, a -> false, t)) {
                assertEquals(alice, ask.author());
                assertEquals(Locator.FANOUT, ask.peers().size());
                assertTrue(connected.containsAll(ask.peers()));
                everAsked.addAll(ask.peers());
                asked.add(t - T0);
            }
        }
        assertEquals(List.of(0L, first, 3 * first, 7 * first, 15 * first, 31 * first), asked, "the wait doubles");
        assertTrue(everAsked.size() > Locator.FANOUT, "peers are chosen at random each time");

        locator.due(Set.of(), Set.of(), connected, a -> false, T0 + 40 * first);
        assertEquals(1, locator.due(unserved, unserved, connected, a -> false, T0 + 40 * first + TICK).size(),
                "an author no longer wanted is forgotten, backoff and all");
    }

    @Test
    void noAskForAnAuthorWithAnAddressThatMayWorkNorOfAPeerAskedLately() {
        AuthorId alice = author(1);
        AuthorId bob = author(2);
        long due = T0 + Locator.AGAIN_TICKS * TICK;
        locator.due(Set.of(alice, bob), Set.of(alice, bob), List.of(), a -> false, T0);
        List<Locator.Ask> asks = locator.due(Set.of(alice, bob), Set.of(alice, bob), peers(1), a -> a.equals(bob), due);
        assertEquals(1, asks.size());
        assertEquals(alice, asks.get(0).author());
        assertEquals(List.of(), locator.due(Set.of(alice, bob), Set.of(alice, bob), peers(1), a -> false, due + TICK),
                "the only peer was asked a moment ago");
        List<Locator.Ask> later = locator.due(Set.of(alice, bob), Set.of(alice, bob), peers(1), a -> false,
                due + Locator.PEER_TICKS * TICK);
        assertEquals(List.of(bob), later.stream().map(Locator.Ask::author).toList(), "the one asked after least recently first");
    }

    @Test
    void atMostAFewAuthorsATickAndAnAnswerCountsOnlyFromAPeerThatWasAsked() {
        Set<AuthorId> many = new HashSet<>();
        for (int i = 1; i <= 10; i++) many.add(author(i));
        List<AuthorId> connected = peers(100);
        List<Locator.Ask> asks = locator.due(many, many, connected, a -> false, T0);
        assertEquals(Locator.PER_TICK, asks.size());

        Locator.Ask ask = asks.get(0);
        AuthorId askedPeer = ask.peers().get(0);
        AuthorId notAsked = connected.stream().filter(p -> asks.stream().noneMatch(a -> a.peers().contains(p))).findFirst().orElseThrow();
        assertTrue(locator.solicited(askedPeer, ask.author()));
        assertFalse(locator.solicited(notAsked, ask.author()));
        assertFalse(locator.solicited(askedPeer, author(50)), "nobody looked for that author");
        assertFalse(locator.solicited(askedPeer, null));
    }

    @Test
    void aPeerGetsAFewAnswersPerTick() {
        AuthorId peer = author(9);
        for (int i = 0; i < Limits.LOCATE_ANSWERS_PER_TICK; i++) assertTrue(locator.mayAnswer(peer));
        assertFalse(locator.mayAnswer(peer));
        assertTrue(locator.mayAnswer(author(10)), "per peer");
        locator.newTick();
        assertTrue(locator.mayAnswer(peer));
    }
}
