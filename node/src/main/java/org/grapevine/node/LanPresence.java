package org.grapevine.node;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.grapevine.gossip.discovery.LanDiscovery;
import org.grapevine.gossip.discovery.LanInterfaces;
import org.grapevine.gossip.discovery.PeerAddress;
import org.grapevine.gossip.transport.NetworkKey;
import org.grapevine.identity.AuthorId;

/**
 * A node on the LAN: mDNS announcements and queries on the chosen interfaces, and the nodes met
 * there in this run (by the endpoint they announced; who they are once a dial proved it). State
 * on the node loop; discovery threads hand what they find to {@code found}.
 */
final class LanPresence implements AutoCloseable {
    private final Consumer<String> events;
    private final List<LanDiscovery> discoveries = new ArrayList<>();
    private final Map<String, Met> met = new LinkedHashMap<>();

    private static final class Met {
        final long firstSeen;
        long lastSeen;
        AuthorId id;

        Met(long now) {
            firstSeen = now;
            lastSeen = now;
        }
    }

    LanPresence(Consumer<String> events) {
        this.events = events;
    }

    /** Starts discovery on the interfaces {@code lan} names, announcing {@code listening}. */
    void start(Node.Lan lan, InetSocketAddress listening, NetworkKey network, LanDiscovery.Listener found) {
        List<Inet4Address> addresses = lan.interfaceName() != null
                ? List.of(LanInterfaces.addressOf(lan.interfaceName()))
                : LanInterfaces.candidates().stream().map(LanInterfaces.Candidate::address).toList();
        InetAddress host = listening.getAddress();
        for (Inet4Address a : addresses) {
            if (!host.isAnyLocalAddress() && !host.equals(a)) {
                events.accept("not announcing on " + a.getHostAddress() + ": listening on " + host.getHostAddress() + " only");
                continue;
            }
            try {
                discoveries.add(LanDiscovery.start(a, listening.getPort(), network, found));
                events.accept("looking for nearby nodes on " + a.getHostAddress() + " (mDNS)");
            } catch (IOException e) {
                events.accept("mDNS unavailable on " + a.getHostAddress() + ": " + e.getMessage());
            }
        }
        if (discoveries.isEmpty()) events.accept("LAN discovery runs on no interface");
    }

    /** A node announced itself at {@code address}: the address to dial it at. */
    PeerAddress found(InetSocketAddress address, long now) {
        PeerAddress peer = new PeerAddress(address.getAddress().getHostAddress(), address.getPort(), null);
        Met m = met.get(peer.endpoint());
        if (m == null) {
            met.put(peer.endpoint(), m = new Met(now));
            events.accept("found " + peer.endpoint() + " on the LAN");
        }
        m.lastSeen = now;
        return peer;
    }

    /** A dial to {@code endpoint} proved who is there (whichever connection is kept). */
    void proved(String endpoint, AuthorId id, long now) {
        Met m = met.get(endpoint);
        if (m != null) {
            m.id = id;
            m.lastSeen = now;
        }
    }

    /** The nodes met in this run; {@code connected} says which are connected now. */
    List<Node.Nearby> list(Predicate<AuthorId> connected) {
        List<Node.Nearby> out = new ArrayList<>();
        met.forEach((endpoint, m) -> out.add(new Node.Nearby(m.id, endpoint, m.firstSeen, m.lastSeen, m.id != null && connected.test(m.id))));
        return out;
    }

    /** jmDNS takes seconds to close: it finishes in the background. */
    @Override
    public void close() {
        discoveries.forEach(LanDiscovery::close);
    }
}
