package org.grapevine.gossip.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.grapevine.gossip.transport.NetworkKey;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.Identity;
import org.junit.jupiter.api.Test;

/** The text form of an address (docs/PROTOCOL.md, "Invite codes"): one reading, the same in every implementation. */
class PeerAddressTest {
    private static final AuthorId ALICE = Identity.fromSeed(new byte[32]).id();

    @Test
    void hostsPortsAndIdsAsTheGrammarSays() {
        assertEquals(new PeerAddress("192.0.2.7", 7733, ALICE), PeerAddress.parse("192.0.2.7:7733" + ALICE));
        assertEquals(new PeerAddress("2001:db8::1", 1, null), PeerAddress.parse(" [2001:db8::1]:1\n"));
        assertEquals(new PeerAddress("fe80::1%eth0", 65535, null), PeerAddress.parse("[fe80::1%eth0]:65535"));
        assertEquals(new PeerAddress("hôte.local", 7733, null), PeerAddress.parse("hôte.local:7733"));
        PeerAddress v6 = PeerAddress.parse("[2001:db8::1]:7733" + ALICE);
        assertEquals("[2001:db8::1]:7733" + ALICE, v6.toString(), "written as it is read");
        assertEquals(ALICE, v6.expected());
        assertNull(PeerAddress.parse("example.org:80").expected());
    }

    @Test
    void everythingElseIsRefusedWithALine() {
        for (String bad : new String[] {
                "example.org", "example.org:", ":7733", "example.org:0", "example.org:65536", "example.org:+7733",
                "example.org:07733", "example.org:٧٧٣٣", "example.org:77 33", "2001:db8::1:7733", "[example.org]:7733",
                "[2001:db8::1]7733", "[2001:db8::1", "exa mple.org:7733", "exam/ple:7733", "a%b:7733",
                "\u2003example.org:7733", "x".repeat(254) + ":1", "example.org:7733@nope"}) {
            assertThrows(IllegalArgumentException.class, () -> PeerAddress.parse(bad), bad);
        }
    }

    @Test
    void networkNamesHaveOneGrammar() {
        for (String good : new String[] {"main", "testnet-0a1b", "a", "x.y_z-1", "9".repeat(64)}) NetworkKey.named(good);
        for (String bad : new String[] {"", "Main", "-x", "a/b", "a b", "main ", "9".repeat(65), "ünï"}) {
            assertThrows(IllegalArgumentException.class, () -> NetworkKey.named(bad), bad);
        }
    }
}
