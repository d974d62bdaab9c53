package org.grapevine.gossip.discovery;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.IdText;
import org.grapevine.identity.InvalidIdException;

/**
 * Where a node can be reached: {@code host:port}, optionally with the id expected there
 * ({@code host:port@id}). The text form is in docs/PROTOCOL.md ("Invite codes"): a host is an
 * IPv6 literal (in brackets in text) or a name or IPv4 address of at most 253 bytes without
 * spaces, controls or any of {@code @ / [ ] : %}; a port is 1 to 65535 in ASCII digits.
 */
public record PeerAddress(String host, int port, AuthorId expected) {
    /** The longest host, in UTF-8 bytes (a DNS name's limit). */
    public static final int MAX_HOST_BYTES = 253;
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?");
    private static final Pattern PORT = Pattern.compile("[1-9][0-9]{0,4}");

    public PeerAddress {
        checkHost(host);
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port " + port + " out of range");
    }

    /** Fails with a line for the user unless {@code host} is a host as the class comment says. */
    public static void checkHost(String host) {
        if (host == null || host.isEmpty()) throw new IllegalArgumentException("no host");
        if (host.getBytes(StandardCharsets.UTF_8).length > MAX_HOST_BYTES) throw new IllegalArgumentException("a host is at most " + MAX_HOST_BYTES + " bytes");
        if (host.indexOf(':') >= 0) {
            if (!IPV6.matcher(host).matches()) throw new IllegalArgumentException("'" + host + "' is not an IPv6 address");
            return;
        }
        host.codePoints().forEach(c -> {
            if (c <= 0x20 || c == 0x7f || Character.isWhitespace(c) || Character.isSpaceChar(c) || "@/[]%".indexOf(c) >= 0) {
                throw new IllegalArgumentException("the host '" + host + "' has a character no host has");
            }
        });
    }

    /** Whether {@code host} passes {@link #checkHost}. */
    public static boolean isHost(String host) {
        try {
            checkHost(host);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Parses {@code host:port} or {@code host:port@id} (surrounding ASCII whitespace ignored);
     * an IPv6 host goes in brackets, {@code [2001:db8::1]:7733}.
     */
    public static PeerAddress parse(String text) {
        String s = IdText.trim(text);
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
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("peer '" + text + "' is not [IPV6]:PORT");
            }
            host = s.substring(1, close);
            if (host.indexOf(':') < 0) throw new IllegalArgumentException("peer '" + text + "': only an IPv6 address goes in brackets");
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0) throw new IllegalArgumentException("peer '" + text + "' is not HOST:PORT");
            host = s.substring(0, colon);
            if (host.indexOf(':') >= 0) throw new IllegalArgumentException("peer '" + text + "': an IPv6 address goes in brackets, [" + host + "]:PORT");
            port = s.substring(colon + 1);
        }
        if (!PORT.matcher(port).matches() || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("peer '" + text + "' has no valid port (1 to 65535, digits only)");
        }
        return new PeerAddress(host, Integer.parseInt(port), id);
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
