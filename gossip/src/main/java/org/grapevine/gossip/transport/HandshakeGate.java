package org.grapevine.gossip.transport;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.grapevine.gossip.limits.Limits;

/**
 * Which inbound connections may start a handshake (each costs key agreements and a timer before
 * the peer has proved anything): a bounded number at once, fewer from one address, and none for a
 * while from an address whose handshakes keep failing (garbage, the wrong network, timeouts).
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

    /** One address: handshakes under way, failures in the current window, and any refusal. */
    private static final class Watch {
        int pending;
        int failures;
        long windowStart;
        long refusedUntil;
        long refusal;
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
        Watch w = watched.get(address);
        if (w != null && now < w.refusedUntil || pending >= maxPending || w != null && w.pending >= maxPendingPerAddress) {
            refused++;
            return false;
        }
        if (w == null) {
            forgetOne();
            watched.put(address, w = new Watch());
        }
        w.pending++;
        pending++;
        return true;
    }

    /** The handshake of a connection admitted from {@code address} ended, proved ({@code ok}) or not. */
    synchronized void finished(InetAddress address, boolean ok) {
        pending--;
        Watch w = watched.get(address);
        if (w == null) return;
        w.pending--;
        if (ok) return;
        long now = millis.getAsLong();
        if (now - w.windowStart > Limits.FAILURE_WINDOW_MILLIS) {
            w.windowStart = now;
            w.failures = 0;
        }
        if (++w.failures < Limits.HANDSHAKE_FAILURES) return;
        // A refusal that follows soon after the last one is twice as long.
        boolean again = w.refusedUntil > 0 && now - w.refusedUntil < Limits.REFUSE_MAX_MILLIS;
        w.refusal = again ? Math.min(Limits.REFUSE_MAX_MILLIS, w.refusal * 2) : Limits.REFUSE_FIRST_MILLIS;
        w.refusedUntil = now + w.refusal;
        w.failures = 0;
        w.windowStart = now;
    }

    /** Connections refused so far. */
    synchronized long refused() {
        return refused;
    }

    /** Whether {@code address} is being refused now. */
    synchronized boolean refusing(InetAddress address) {
        Watch w = watched.get(address);
        return w != null && millis.getAsLong() < w.refusedUntil;
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
