package org.grapevine.gossip.transport;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.grapevine.gossip.limits.Limits;
import org.grapevine.gossip.limits.Strikes;

/**
 * Which inbound connections may start a handshake (each costs key agreements and a timer before
 * the peer has proved anything): a bounded number at once, fewer from one address and at a
 * bounded pace, and none for a while from an address whose handshakes keep failing (garbage, the
 * wrong network, timeouts).
 * Honest nodes do not fail handshakes, so many of them behind one address (a LAN's NAT) are not
 * refused for being many, only while something there keeps failing. Thread-safe: every event loop
 * of a transport asks it.
 */
final class HandshakeGate {
    private final LongSupplier millis;
    private final int maxPending;
    private final int maxPendingPerAddress;
    private int pending;
    /** The addresses heard from lately, least recently first. */
    private final Map<InetAddress, Watch> watched = new LinkedHashMap<>(16, 0.75f, true);
    private long refused;

    /**
     * One address: handshakes under way, an allowance of new ones (so that even handshakes that
     * succeed, only to be refused a slot, cost a bounded amount of key agreements), and failures.
     */
    private static final class Watch {
        int pending;
        double tokens = Limits.HANDSHAKE_BURST;
        long refilled;
        final Strikes failures = new Strikes(Limits.HANDSHAKE_FAILURES, Limits.FAILURE_WINDOW_MILLIS,
                Limits.REFUSE_FIRST_MILLIS, Limits.REFUSE_MAX_MILLIS);

        Watch(long now) {
            refilled = now;
        }

        /** Takes one handshake from the allowance, refilled at {@link Limits#HANDSHAKE_RATE} a second. */
        boolean take(long now) {
            tokens = Math.min(Limits.HANDSHAKE_BURST, tokens + (now - refilled) * Limits.HANDSHAKE_RATE / 1000.0);
            refilled = now;
            if (tokens < 1) return false;
            tokens -= 1;
            return true;
        }
    }

    HandshakeGate(LongSupplier millis) {
        this(millis, Limits.HANDSHAKES, Limits.HANDSHAKES_PER_ADDRESS);
    }

    HandshakeGate(LongSupplier millis, int maxPending, int maxPendingPerAddress) {
        this.millis = millis;
        this.maxPending = maxPending;
        this.maxPendingPerAddress = maxPendingPerAddress;
    }

    /** Whether a connection from {@code address} may start its handshake; if so, {@link #finished} must follow once. */
    synchronized boolean admit(InetAddress address) {
        long now = millis.getAsLong();
        InetAddress key = key(address);
        Watch w = watched.get(key);
        if (w == null) {
            forgetOne();
            watched.put(key, w = new Watch(now));
        }
        if (w.failures.refusing(now) || pending >= maxPending || w.pending >= maxPendingPerAddress || !w.take(now)) {
            refused++;
            return false;
        }
        w.pending++;
        pending++;
        return true;
    }

    /**
     * Whom an address is counted as: itself, or for IPv6 its /64, which one host commonly holds
     * whole (counting single addresses there would let it rotate them).
     */
    static InetAddress key(InetAddress address) {
        if (!(address instanceof java.net.Inet6Address)) return address;
        byte[] prefix = java.util.Arrays.copyOf(address.getAddress(), 16);
        java.util.Arrays.fill(prefix, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(prefix);
        } catch (java.net.UnknownHostException impossible) {
            return address;
        }
    }

    /** The handshake of a connection admitted from {@code address} ended, proved ({@code ok}) or not. */
    synchronized void finished(InetAddress address, boolean ok) {
        pending--;
        Watch w = watched.get(key(address));
        if (w == null) return;
        w.pending--;
        if (!ok) w.failures.strike(millis.getAsLong());
    }

    /** Connections refused so far. */
    synchronized long refused() {
        return refused;
    }

    /** Whether {@code address} is being refused now. */
    synchronized boolean refusing(InetAddress address) {
        Watch w = watched.get(key(address));
        return w != null && w.failures.refusing(millis.getAsLong());
    }

    /** Makes room for one more address: the least recently heard of with no handshake under way goes. */
    private void forgetOne() {
        if (watched.size() < Limits.ADDRESSES_WATCHED) return;
        for (Iterator<Watch> it = watched.values().iterator(); it.hasNext(); ) {
            if (it.next().pending == 0) {
                it.remove();
                return;
            }
        }
    }

    /** For tests: addresses being watched. */
    synchronized int watching() {
        return watched.size();
    }
}
