package org.grapevine.node;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/** Where others on the LAN reach this machine: what invites and "reachable at" entries name. */
public final class LanAddress {
    private LanAddress() {}

    /** The first IPv4 address, not link-local, of an interface that is up and not loopback; else 127.0.0.1. */
    public static String first() {
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) continue;
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLinkLocalAddress()) return a.getHostAddress();
                }
            }
        } catch (SocketException e) {
            // Fall through to loopback.
        }
        return "127.0.0.1";
    }

    /** The host to name for a node listening on {@code listen}: its address, or the LAN's when it listens on every interface. */
    public static String of(InetSocketAddress listen) {
        return listen.getAddress().isAnyLocalAddress() ? first() : listen.getHostString();
    }
}
