package org.grapevine.gossip.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.grapevine.gossip.limits.Limits;
import org.junit.jupiter.api.Test;

/** Which inbound connections may start a handshake, with the time passed in. */
class HandshakeGateTest {
    private long now = 1_700_000_000_000L;
    private final HandshakeGate gate = new HandshakeGate(() -> now, 10, 4);

    private static InetAddress address(int last) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
    }

    @Test
    void handshakesUnderWayAreBoundedInAllAndPerAddress() throws Exception {
        for (int i = 0; i < 4; i++) assertTrue(gate.admit(address(1)));
        assertFalse(gate.admit(address(1)), "a fifth at once from one address");
        for (int i = 0; i < 6; i++) assertTrue(gate.admit(address(2 + i)));
        assertFalse(gate.admit(address(9)), "an eleventh at once in all");
        assertEquals(2, gate.refused());

        gate.finished(address(1), true);
        assertTrue(gate.admit(address(1)), "room again once one ended");
    }

    @Test
    void anAddressWhoseHandshakesKeepFailingIsRefusedForAWhileThenLongerIfItGoesOn() throws Exception {
        InetAddress bad = address(1);
        InetAddress good = address(2);
        for (int i = 0; i < Limits.HANDSHAKE_FAILURES - 1; i++) {
            assertTrue(gate.admit(bad));
            gate.finished(bad, false);
        }
        assertTrue(gate.admit(bad), "one failure short of the limit");
        gate.finished(bad, false);
        assertFalse(gate.admit(bad));
        assertTrue(gate.refusing(bad));
        assertTrue(gate.admit(good), "other addresses are not refused");
        gate.finished(good, true);

        now += Limits.REFUSE_FIRST_MILLIS;
        assertTrue(gate.admit(bad), "the first refusal is over");
        gate.finished(bad, false);
        for (int i = 1; i < Limits.HANDSHAKE_FAILURES; i++) {
            assertTrue(gate.admit(bad));
            gate.finished(bad, false);
        }
        now += Limits.REFUSE_FIRST_MILLIS;
        assertFalse(gate.admit(bad), "refused twice as long the second time");
        now += Limits.REFUSE_FIRST_MILLIS;
        assertTrue(gate.admit(bad));
    }

    @Test
    void successfulHandshakesFromOneAddressAreNeverRefusedAtAnHonestPace() throws Exception {
        InetAddress lan = address(1);
        for (int i = 0; i < 10 * Limits.HANDSHAKE_FAILURES; i++) {
            assertTrue(gate.admit(lan), "many honest nodes behind one address");
            gate.finished(lan, true);
            now += 1000 / Limits.HANDSHAKE_RATE;
        }
    }

    @Test
    void handshakesFromOneAddressPastItsPaceAreRefusedEvenWhenTheySucceed() throws Exception {
        InetAddress sybils = address(1);
        int admitted = 0;
        for (int i = 0; i < 10 * Limits.HANDSHAKE_BURST; i++) {
            if (gate.admit(sybils)) {
                admitted++;
                gate.finished(sybils, true);
            }
        }
        assertEquals(Limits.HANDSHAKE_BURST, admitted, "a burst, then nothing at once");
        now += 1000;
        for (int i = 0; i < 10 * Limits.HANDSHAKE_RATE; i++) {
            if (gate.admit(sybils)) {
                admitted++;
                gate.finished(sybils, true);
            }
        }
        assertEquals(Limits.HANDSHAKE_BURST + Limits.HANDSHAKE_RATE, admitted, "then the pace");
        assertTrue(gate.admit(address(2)), "others are not held back");
    }

    @Test
    void anIpv6HostIsOneAddressWhateverItsLast64Bits() throws Exception {
        InetAddress a = InetAddress.getByName("2001:db8:1:2::1");
        InetAddress b = InetAddress.getByName("2001:db8:1:2:ffff::9");
        InetAddress other = InetAddress.getByName("2001:db8:1:3::1");
        assertEquals(HandshakeGate.key(a), HandshakeGate.key(b));
        assertTrue(!HandshakeGate.key(a).equals(HandshakeGate.key(other)));
        for (int i = 0; i < Limits.HANDSHAKE_FAILURES; i++) {
            assertTrue(gate.admit(i % 2 == 0 ? a : b));
            gate.finished(i % 2 == 0 ? a : b, false);
        }
        assertTrue(gate.refusing(b));
        assertTrue(gate.admit(other));
    }

    @Test
    void failuresSpreadOverMoreThanTheWindowDoNotAddUp() throws Exception {
        InetAddress flaky = address(1);
        for (int i = 0; i < 3 * Limits.HANDSHAKE_FAILURES; i++) {
            assertTrue(gate.admit(flaky), "failure " + i);
            gate.finished(flaky, false);
            now += Limits.FAILURE_WINDOW_MILLIS / (Limits.HANDSHAKE_FAILURES - 2);
        }
    }
}
