package org.grapevine.gossip.discovery;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/** The network interfaces {@link LanDiscovery} can bind to: every LAN by default, or one by name. */
public final class LanInterfaces {
    /** An interface and the IPv4 address to bind mDNS to on it. */
    public record Candidate(String interfaceName, Inet4Address address) {
        @Override
        public String toString() {
            return interfaceName + " " + address.getHostAddress();
        }
    }

    private LanInterfaces() {
    }

    /**
     * The interfaces mDNS runs on by default: up, not loopback, multicast-capable, with an IPv4
     * address (one candidate per address, in the order the system lists them).
     */
    public static List<Candidate> candidates() {
        List<Candidate> found = new ArrayList<>();
        for (NetworkInterface nif : all()) {
            try {
                if (!nif.isUp() || nif.isLoopback() || !nif.supportsMulticast()) continue;
            } catch (SocketException e) {
                continue; // vanished while we looked
            }
            for (InetAddress address : Collections.list(nif.getInetAddresses())) {
                if (address instanceof Inet4Address v4 && !v4.isLoopbackAddress()) found.add(new Candidate(nif.getName(), v4));
            }
        }
        return found;
    }

    /**
     * The IPv4 address of the interface named {@code name} (for {@code --mdns-interface}). Any
     * interface that is up and has IPv4 will do, loopback included: multicast works on it here
     * even without the MULTICAST flag, which is what tests use.
     *
     * @throws IllegalArgumentException naming the problem if there is no such interface, or it is
     *     down, or it has no IPv4 address
     */
    public static Inet4Address addressOf(String name) {
        NetworkInterface nif;
        try {
            nif = NetworkInterface.getByName(name);
        } catch (SocketException e) {
            nif = null;
        }
        if (nif == null) return choose(name, false, false, List.of());
        boolean up;
        try {
            up = nif.isUp();
        } catch (SocketException e) {
            up = false;
        }
        return choose(name, true, up, Collections.list(nif.getInetAddresses()));
    }

    /** The checks of {@link #addressOf}, apart from the system so every message can be tested. */
    static Inet4Address choose(String name, boolean exists, boolean up, List<InetAddress> addresses) {
        if (!exists) {
            throw new IllegalArgumentException("no network interface named '" + name + "' (there are: " + names() + ")");
        }
        Inet4Address v4 = null;
        for (InetAddress address : addresses) {
            if (address instanceof Inet4Address a) {
                v4 = a;
                break;
            }
        }
        if (v4 == null) throw new IllegalArgumentException("network interface '" + name + "' has no IPv4 address");
        if (!up) throw new IllegalArgumentException("network interface '" + name + "' is down");
        return v4;
    }

    private static List<NetworkInterface> all() {
        try {
            var nifs = NetworkInterface.getNetworkInterfaces();
            return nifs == null ? List.of() : Collections.list(nifs);
        } catch (SocketException e) {
            return List.of();
        }
    }

    private static String names() {
        return all().stream().map(NetworkInterface::getName).sorted().collect(Collectors.joining(", "));
    }
}
