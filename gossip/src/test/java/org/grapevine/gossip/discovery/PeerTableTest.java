package org.grapevine.gossip.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.grapevine.identity.AuthorId;
import org.junit.jupiter.api.Test;

/** What a node knows of addresses: backoff, and what it tells a peer asking where someone is. */
class PeerTableTest {
    private static final AuthorId ALICE = author(1);
    private static final AuthorId BOB = author(2);
    private static final long T0 = 1_700_000_000_000L;

    private final PeerTable table = new PeerTable();

    private static AuthorId author(int n) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) n);
        return new AuthorId(key);
    }

    private static PeerAddress at(int port, AuthorId id) {
        return new PeerAddress("10.0.0.1", port, id);
    }

    @Test
    void aLocateIsAnsweredWithTheAddressesThatWorkedLatestFirstThenTheUntried() {
        table.add(at(1000, ALICE), PeerTable.Source.EXCHANGE); // heard of, never tried
        table.add(at(1001, ALICE), PeerTable.Source.EXCHANGE);
        table.add(at(1002, ALICE), PeerTable.Source.BOOTSTRAP);
        table.add(at(2000, BOB), PeerTable.Source.EXCHANGE);
        table.succeeded(at(1001, ALICE).endpoint(), ALICE, T0);
        table.succeeded(at(1002, ALICE).endpoint(), ALICE, T0 + 5);
        table.succeeded(at(2000, BOB).endpoint(), BOB, T0);

        assertEquals(List.of(at(1002, ALICE), at(1001, ALICE), at(1000, ALICE)), table.addressesOf(ALICE, 4));
        assertEquals(List.of(at(1002, ALICE)), table.addressesOf(ALICE, 1));

        // An address that failed since is not passed on.
        table.failed(at(1002, ALICE).endpoint(), T0 + 10);
        table.failed(at(1000, ALICE).endpoint(), T0 + 10);
        assertEquals(List.of(at(1001, ALICE)), table.addressesOf(ALICE, 4));
        assertEquals(List.of(), table.addressesOf(author(3), 4));
    }

    @Test
    void aNodeMayBeReachableUntilEveryAddressOfItFailed() {
        assertFalse(table.mayReach(ALICE), "no address at all");
        table.add(at(1000, ALICE), PeerTable.Source.EXCHANGE);
        assertTrue(table.mayReach(ALICE), "an address not tried yet");

        table.failed(at(1000, ALICE).endpoint(), T0);
        assertFalse(table.mayReach(ALICE));

        table.add(at(1001, ALICE), PeerTable.Source.EXCHANGE);
        assertTrue(table.mayReach(ALICE), "a new address, from a Locate answer");
        table.failed(at(1001, ALICE).endpoint(), T0 + 1);
        assertFalse(table.mayReach(ALICE));

        table.succeeded(at(1000, ALICE).endpoint(), ALICE, T0 + 2);
        assertTrue(table.mayReach(ALICE), "the first address worked again");
    }

    @Test
    void aFailingAddressIsDueAgainOnlyAfterItsBackoff() {
        table.add(at(1000, ALICE), PeerTable.Source.EXCHANGE);
        Set<AuthorId> wanted = Set.of(ALICE);
        assertEquals(List.of(at(1000, ALICE)), table.toDialFor(wanted, T0, 2, Set.of(), Set.of()));

        table.failed(at(1000, ALICE).endpoint(), T0);
        table.failed(at(1000, ALICE).endpoint(), T0);
        assertEquals(List.of(), table.toDialFor(wanted, T0 + PeerTable.FIRST_BACKOFF_MILLIS, 2, Set.of(), Set.of()));
        assertEquals(List.of(at(1000, ALICE)), table.toDialFor(wanted, T0 + 2 * PeerTable.FIRST_BACKOFF_MILLIS, 2, Set.of(), Set.of()));
        assertEquals(List.of(), table.toDialFor(wanted, T0 + 2 * PeerTable.FIRST_BACKOFF_MILLIS, 2, Set.of(), Set.of(ALICE)),
                "already connected");
    }
}
