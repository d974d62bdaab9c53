package org.grapevine.gossip.discovery;

import java.net.InetSocketAddress;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.InvalidIdException;

/** Where a node can be reached: {@code host:port}, optionally with the id expected there ({@code host:port@id}). */
public record PeerAddress(String host, int port, AuthorId expected) {
    public PeerAddress {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("no host");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port " + port + " out of range");
    }

    /** Parses {@code host:port} or {@code host:port@id}; IPv6 hosts go in brackets. */
    public static PeerAddress parse(String text) {
        String s = text.strip();
        AuthorId id = null;
        int at = s.indexOf('@');
        if (at >= 0) {
            try {
                id = AuthorId.parse(s.substring(at));
            } catch (InvalidIdException e) {
                throw new IllegalArgumentException("peer " + s + ": " + e.getMessage());
            }
            s = s.substring(0, at);
        }
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) throw new IllegalArgumentException("peer '" + text + "' is not HOST:PORT");
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("peer '" + text + "' has no valid port");
        }
        return new PeerAddress(host, port, id);
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    /** The address without the expected id, for comparing where rather than whom. */
    public String endpoint() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return endpoint() + (expected == null ? "" : expected.toString());
    }
}
