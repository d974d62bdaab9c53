package org.grapevine.gossip.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.grapevine.identity.AuthorId;
import org.junit.jupiter.api.Test;

/** What a node dials on a tick: up to its target any address, past it the people it follows, then authors nobody serves. */
class DialPolicyTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final int TARGET = 3;
    private static final AuthorId SELF = author(100);

    private final PeerTable table = new PeerTable();
    private final DialPolicy policy = new DialPolicy(TARGET, SELF);

    private static AuthorId author(int n) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) n);
        return new AuthorId(key);
    }

    private static PeerAddress at(int port, AuthorId id) {
        return new PeerAddress("10.0.0.1", port, id);
    }

    private static DialPolicy.Connections none() {
        return new DialPolicy.Connections(0, 0, List.of(), Set.of());
    }

    private static DialPolicy.Connections full(int outbound) {
        return new DialPolicy.Connections(outbound, outbound, List.of(), Set.of());
    }

    @Test
    void belowItsTargetANodeDialsAnyDueAddressUpToTheTarget() {
        for (int port = 1; port <= 5; port++) table.add(at(port, null), PeerTable.Source.BOOTSTRAP);
        DialPolicy.Plan plan = policy.plan(table, none(), new DialPolicy.Wants(Set.of(), Set.of(), Set.of()), T0);
        assertEquals(TARGET, plan.dial().size());
        assertTrue(plan.locating());
    }

    @Test
    void pastItsTargetANodeStillDialsAFewPeopleItFollowsButNoStrangers() {
        for (int port = 1; port <= 5; port++) table.add(at(port, null), PeerTable.Source.BOOTSTRAP);
        AuthorId alice = author(1);
        AuthorId bob = author(2);
        AuthorId carol = author(3);
        table.add(at(11, alice), PeerTable.Source.BOOTSTRAP);
        table.add(at(12, bob), PeerTable.Source.BOOTSTRAP);
        table.add(at(13, carol), PeerTable.Source.BOOTSTRAP);
        DialPolicy.Plan plan = policy.plan(table, full(TARGET), new DialPolicy.Wants(Set.of(alice, bob, carol), Set.of(), Set.of()), T0);
        assertEquals(DialPolicy.FOLLOWED_DIALS_PER_TICK, plan.dial().size(), "a few a tick: " + plan.dial());
        assertTrue(plan.dial().stream().allMatch(a -> a.expected() != null), "only people it follows: " + plan.dial());

        DialPolicy.Plan over = policy.plan(table, full(TARGET + DialPolicy.FOLLOWED_EXTRA), new DialPolicy.Wants(Set.of(alice), Set.of(), Set.of()), T0);
        assertEquals(List.of(), over.dial(), "past the extra room for followed people, nobody");
    }

    @Test
    void anAuthorNobodyServesIsSoughtOnlyAfterTwoTicksAndOnlyWithinTheBudget() {
        AuthorId dave = author(4);
        table.add(at(14, dave), PeerTable.Source.BOOTSTRAP);
        DialPolicy.Wants unserved = new DialPolicy.Wants(Set.of(), Set.of(SELF, dave), Set.of(dave));
        DialPolicy.Connections busy = full(TARGET + DialPolicy.FOLLOWED_EXTRA);

        DialPolicy.Plan first = policy.plan(table, busy, unserved, T0);
        assertEquals(Set.of(), first.locate(), "one tick unserved means little");
        assertEquals(List.of(), first.dial());

        DialPolicy.Plan second = policy.plan(table, busy, unserved, T0 + 1_000);
        assertEquals(Set.of(dave), second.locate());
        assertEquals(List.of(at(14, dave)), second.dial());

        DialPolicy.Plan overBudget = policy.plan(table, full(TARGET + DialPolicy.FOLLOWED_EXTRA + DialPolicy.UNSERVED_EXTRA), unserved, T0 + 2_000);
        assertFalse(overBudget.locating());
        assertEquals(List.of(), overBudget.dial());
    }
}
