package org.grapevine.gossip.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.grapevine.gossip.limits.Limits;
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
    void aLocateIsAnsweredOnlyWithTheAddressesThatWorkedLatestFirst() {
        table.learn(at(1000, ALICE), PeerTable.Source.EXCHANGE, BOB); // heard of, never tried
        table.add(at(1001, ALICE), PeerTable.Source.EXCHANGE);
        table.add(at(1002, ALICE), PeerTable.Source.BOOTSTRAP);
        table.add(at(2000, BOB), PeerTable.Source.EXCHANGE);
        table.succeeded(at(1001, ALICE).endpoint(), ALICE, T0);
        table.succeeded(at(1002, ALICE).endpoint(), ALICE, T0 + 5);
        table.succeeded(at(2000, BOB).endpoint(), BOB, T0);

        assertEquals(List.of(at(1002, ALICE), at(1001, ALICE)), table.addressesOf(ALICE, 4), "what others said is not passed on");
        // What alice said of herself when she connected here comes after what was reached; a claim for her by bob never.
        table.learn(at(1003, ALICE), PeerTable.Source.INBOUND, ALICE);
        table.learn(at(1004, ALICE), PeerTable.Source.INBOUND, BOB);
        assertEquals(List.of(at(1002, ALICE), at(1001, ALICE), at(1003, ALICE)), table.addressesOf(ALICE, 4));
        assertEquals(List.of(at(1002, ALICE)), table.addressesOf(ALICE, 1));

        // An address that failed since is not passed on.
        table.failed(at(1002, ALICE).endpoint(), T0 + 10);
        table.failed(at(1003, ALICE).endpoint(), T0 + 10);
        assertEquals(List.of(at(1001, ALICE)), table.addressesOf(ALICE, 4));
        assertEquals(List.of(), table.addressesOf(author(3), 4));
    }

    @Test
    void onePeerTeachesAtMostAFewAddressesAndOneHostGetsAtMostAFew() {
        AuthorId mallory = author(9);
        for (int port = 1; port <= 100; port++) table.learn(new PeerAddress("10.0.9." + port, 7733, null), PeerTable.Source.EXCHANGE, mallory);
        assertEquals(Limits.LEARNED_PER_SOURCE, table.all().size());

        for (int port = 1; port <= 100; port++) table.learn(new PeerAddress("192.0.2.1", port, null), PeerTable.Source.EXCHANGE, author(10 + port));
        assertEquals(Limits.LEARNED_PER_SOURCE + Limits.UNVERIFIED_PER_HOST, table.all().size(), "a third party's ports are not scanned through us");
    }

    @Test
    void manyTellersFillOnlyTheRoomForHearsayAndWhatWasReachedStays() {
        table.add(at(1000, ALICE), PeerTable.Source.EXCHANGE);
        table.succeeded(at(1000, ALICE).endpoint(), ALICE, T0);
        table.add(at(1001, BOB), PeerTable.Source.BOOTSTRAP);
        for (int i = 0; i < 4 * Limits.UNVERIFIED; i++) {
            table.learn(new PeerAddress("10.1." + (i / 200) + "." + (i % 200), 7733, null), PeerTable.Source.EXCHANGE, author(20 + i % 64));
        }
        long hearsay = table.all().stream().filter(k -> !k.verified() && k.source() == PeerTable.Source.EXCHANGE).count();
        assertEquals(Limits.UNVERIFIED, hearsay);
        assertTrue(table.verified(at(1000, ALICE).endpoint(), ALICE));
        assertTrue(table.all().stream().anyMatch(k -> k.source() == PeerTable.Source.BOOTSTRAP));
    }

    @Test
    void aVerifiedAddressKeepsItsIdAndAClaimDoesNotVerifyAnything() {
        table.add(at(1000, null), PeerTable.Source.LAN);
        assertTrue(table.succeeded(at(1000, null).endpoint(), ALICE, T0));
        assertFalse(table.succeeded(at(1000, null).endpoint(), BOB, T0 + 1), "a new identity never takes over");
        assertTrue(table.verified(at(1000, null).endpoint(), ALICE));

        // Bob, connecting in, claims alice's port, and a port of his own: neither replaces nor verifies anything.
        assertFalse(table.learn(at(1000, BOB), PeerTable.Source.INBOUND, BOB));
        assertTrue(table.learn(at(1001, BOB), PeerTable.Source.INBOUND, BOB));
        assertFalse(table.verified(at(1001, BOB).endpoint(), BOB));
        assertEquals(List.of(at(1000, ALICE), at(1001, BOB)), table.firstHand(64), "what was reached, then bob's word about himself");
        assertTrue(table.get(at(1001, BOB).endpoint()).address().expected() != null && !table.get(at(1001, BOB).endpoint()).strict());
    }

    @Test
    void hearsayIsDialedOneATimeAndForgottenAfterTwoFailures() {
        for (int i = 0; i < 5; i++) table.learn(at(2000 + i, null), PeerTable.Source.EXCHANGE, author(30 + i));
        table.add(at(3000, null), PeerTable.Source.BOOTSTRAP);
        List<PeerAddress> dial = table.toDial(T0, 8, Set.of(), Set.of(), ALICE);
        assertEquals(2, dial.size(), dial::toString);
        assertTrue(dial.contains(at(3000, null)));

        table.failed(at(2000, null).endpoint(), T0);
        table.failed(at(2000, null).endpoint(), T0 + 10_000);
        assertEquals(null, table.get(at(2000, null).endpoint()));
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
        table.add(at(1000, ALICE), PeerTable.Source.INVITE);
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
