package org.grapevine.gossip.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.grapevine.gossip.limits.Limits;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;
import org.junit.jupiter.api.Test;

/** Who gets an inbound slot: followed peers and contributors before strangers; bans; addresses that keep sending bad ids. */
class AdmissionTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final InetAddress HOST = address("192.0.2.7");
    private static final InetAddress OTHER_HOST = address("192.0.2.8");

    private final Admission admission = new Admission();

    private static AuthorId author(int n) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) (n & 0xff));
        key[0] = (byte) (n >> 8);
        return new AuthorId(key);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Admission.Held> strangers(int n) {
        List<Admission.Held> held = new ArrayList<>();
        for (int i = 0; i < n; i++) held.add(new Admission.Held(author(1000 + i), false));
        return held;
    }

    @Test
    void strangersShareTheirSlotsAndAFollowedPeerMakesTheNewestLeave() {
        List<Admission.Held> full = strangers(Limits.INBOUND_STRANGERS);
        Admission.Verdict stranger = admission.inbound(author(1), HOST, false, full, T0);
        assertFalse(stranger.accepted());
        assertEquals(WireMessage.Reason.TOO_MANY_PEERS, stranger.reason());

        Admission.Verdict friend = admission.inbound(author(2), HOST, true, full, T0);
        assertTrue(friend.accepted());
        assertNull(friend.evict(), "room is left past the strangers' share");

        List<Admission.Held> all = strangers(Limits.INBOUND);
        Admission.Verdict evicting = admission.inbound(author(2), HOST, true, all, T0);
        assertTrue(evicting.accepted());
        assertEquals(all.get(all.size() - 1).id(), evicting.evict(), "the newest stranger leaves");

        List<Admission.Held> valued = new ArrayList<>();
        for (int i = 0; i < Limits.INBOUND; i++) valued.add(new Admission.Held(author(2000 + i), true));
        assertFalse(admission.inbound(author(2), HOST, true, valued, T0).accepted(), "a valued peer never displaces another");
    }

    @Test
    void aBanLastsItsTimeAndContributorsAreRemembered() {
        AuthorId mallory = author(3);
        admission.misbehaved(mallory, null, T0);
        assertTrue(admission.banned(mallory, T0 + Limits.BAN_MILLIS - 1));
        assertFalse(admission.inbound(mallory, OTHER_HOST, true, List.of(), T0 + 1).accepted(), "valued or not");
        assertFalse(admission.banned(mallory, T0 + Limits.BAN_MILLIS));
        assertTrue(admission.inbound(mallory, OTHER_HOST, false, List.of(), T0 + Limits.BAN_MILLIS).accepted());

        assertFalse(admission.contributor(author(4)));
        admission.contributed(author(4));
        assertTrue(admission.contributor(author(4)));
    }

    @Test
    void anAddressThatKeepsSendingMisbehavingIdsHasItsStrangersRefusedForAWhile() {
        for (int i = 0; i < Limits.MISBEHAVING_PER_ADDRESS; i++) admission.misbehaved(author(10 + i), HOST, T0 + i);
        long now = T0 + Limits.MISBEHAVING_PER_ADDRESS;
        Admission.Verdict fresh = admission.inbound(author(99), HOST, false, List.of(), now);
        assertFalse(fresh.accepted(), "a new id from there is a stranger like the others");
        assertTrue(admission.inbound(author(98), HOST, true, List.of(), now).accepted(), "a followed peer behind the same address still gets in");
        assertTrue(admission.inbound(author(97), OTHER_HOST, false, List.of(), now).accepted(), "other addresses are not affected");
        assertTrue(admission.inbound(author(99), HOST, false, List.of(), now + Limits.REFUSE_FIRST_MILLIS + 1).accepted(),
                "the refusal ends");
    }
}
