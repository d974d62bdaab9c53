package org.grapevine.gossip.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LanInterfacesTest {

    @Test
    void candidatesAreUpMulticastIpv4AndNeverLoopback() throws SocketException {
        for (LanInterfaces.Candidate c : LanInterfaces.candidates()) {
            NetworkInterface nif = NetworkInterface.getByName(c.interfaceName());
            assertTrue(nif.isUp(), c + " is up");
            assertFalse(nif.isLoopback(), c + " is not loopback");
            assertTrue(nif.supportsMulticast(), c + " supports multicast");
            assertFalse(c.address().isLoopbackAddress(), c + " is not a loopback address");
        }
    }

    @Test
    void loopbackCanBeChosenByName() throws SocketException {
        Optional<NetworkInterface> loopback = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(nif -> isLoopbackUp(nif)).findFirst();
        assumeTrue(loopback.isPresent(), "no loopback interface that is up");
        Inet4Address address = LanInterfaces.addressOf(loopback.get().getName());
        assertTrue(address.isLoopbackAddress());
    }

    @Test
    void anUnknownInterfaceNamesTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LanInterfaces.addressOf("no-such-if0"));
        assertTrue(e.getMessage().startsWith("no network interface named 'no-such-if0' (there are: "), e.getMessage());
    }

    @Test
    void anInterfaceWithoutIpv4OrDownNamesTheProblem() throws UnknownHostException {
        InetAddress v6 = InetAddress.getByName("fd00::2");
        InetAddress v4 = InetAddress.getByName("192.0.2.2");
        IllegalArgumentException noV4 = assertThrows(IllegalArgumentException.class,
                () -> LanInterfaces.choose("wlan0", true, true, List.of(v6)));
        assertEquals("network interface 'wlan0' has no IPv4 address", noV4.getMessage());
        IllegalArgumentException down = assertThrows(IllegalArgumentException.class,
                () -> LanInterfaces.choose("wlan0", true, false, List.of(v6, v4)));
        assertEquals("network interface 'wlan0' is down", down.getMessage());
        assertEquals(v4, LanInterfaces.choose("wlan0", true, true, List.of(v6, v4)));
    }

    private static boolean isLoopbackUp(NetworkInterface nif) {
        try {
            return nif.isLoopback() && nif.isUp();
        } catch (SocketException e) {
            return false;
        }
    }
}
