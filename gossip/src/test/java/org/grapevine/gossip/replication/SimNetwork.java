package org.grapevine.gossip.replication;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.grapevine.gossip.wire.WireCodec;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.Malformed;

/**
 * Nodes joined by simulated links, without sockets or threads: every message and every
 * disconnect goes through one FIFO queue that {@link #deliverAll()} drains, and time moves only
 * when a test calls {@link #advance}. Runs are therefore exactly repeatable.
 */
final class SimNetwork {
    static final long SWITCH_AFTER_MILLIS = 2_000;
    /** Far more than any scenario here needs; reaching it means the nodes never fall quiet. */
    static final int MAX_STEPS = 200_000;
    private static final int TRACE = 40;

    private final Deque<Runnable> queue = new ArrayDeque<>();
    private final Map<String, SimNode> nodes = new LinkedHashMap<>();
    /** Open connections by pair name ("a|b" with a < b), each as its two links. */
    private final Map<String, SimLink[]> connections = new LinkedHashMap<>();
    private final List<SimLink> links = new ArrayList<>();
    private final Deque<String> trace = new ArrayDeque<>();
    private long now = 1_700_000_000_000L;
    private UnaryOperator<WireMessage> rewrite = UnaryOperator.identity();

    SimNode node(String name) {
        assertFalse(nodes.containsKey(name), name);
        SimNode n = new SimNode(this, name);
        nodes.put(name, n);
        return n;
    }

    long now() {
        return now;
    }

    void advance(long millis) {
        now += millis;
    }

    /** Both nodes hear of the finished handshake; each sends its clock. */
    void connect(SimNode a, SimNode b) {
        String key = key(a, b);
        assertFalse(connections.containsKey(key), () -> key + " already connected");
        SimLink ab = new SimLink(this, a, b);
        SimLink ba = new SimLink(this, b, a);
        ab.setTamper(rewrite);
        ba.setTamper(rewrite);
        ab.setReverse(ba);
        ba.setReverse(ab);
        connections.put(key, new SimLink[] {ab, ba});
        links.add(ab);
        links.add(ba);
        assertTrue(a.replicator().connected(ab), () -> a + " refused " + b);
        assertTrue(b.replicator().connected(ba), () -> b + " refused " + a);
    }

    /** Every link connected from now on rewrites what its sender hands it (to model other protocols). */
    void rewriteAll(UnaryOperator<WireMessage> rewrite) {
        this.rewrite = rewrite;
    }

    /** The connection drops at once: messages still in flight are lost and both nodes hear of it. */
    void disconnect(SimNode a, SimNode b) {
        SimLink[] pair = connections.remove(key(a, b));
        if (pair == null) return;
        pair[0].disconnected();
        pair[1].disconnected();
        pair[0].from().replicator().disconnected(pair[0].to().id());
        pair[1].from().replicator().disconnected(pair[1].to().id());
    }

    /** A link closed itself: its goodbye is on its way, then the connection drops. */
    void disconnectLater(SimNode a, SimNode b) {
        queue.add(() -> disconnect(a, b));
    }

    boolean connected(SimNode a, SimNode b) {
        return connections.containsKey(key(a, b));
    }

    /** The current (or, once disconnected, the last) link from {@code from} to {@code to}. */
    SimLink link(SimNode from, SimNode to) {
        for (int i = links.size() - 1; i >= 0; i--) {
            SimLink l = links.get(i);
            if (l.from() == from && l.to() == to) return l;
        }
        throw new AssertionError("no link " + from + "->" + to);
    }

    void enqueue(SimLink link, byte[] bytes) {
        queue.add(() -> deliver(link, bytes));
    }

    private void deliver(SimLink link, byte[] bytes) {
        link.drained(bytes.length);
        // Lost with the connection, or the receiver already hung up and reads no more.
        if (!link.connected() || link.reverse().closed()) return;
        WireMessage m;
        try {
            m = WireCodec.decode(bytes);
        } catch (Malformed e) {
            throw new AssertionError(link + ": our own encoding does not decode: " + e.getMessage(), e);
        }
        if (trace.size() == TRACE) trace.removeFirst();
        trace.addLast(link + " " + m);
        link.to().replicator().received(link.from().id(), m);
    }

    /** Delivers messages (and what they cause) until nothing is in flight; returns the steps taken. */
    int deliverAll() {
        int steps = 0;
        while (!queue.isEmpty()) {
            if (++steps > MAX_STEPS) fail("not quiet after " + MAX_STEPS + " steps; last deliveries:\n" + String.join("\n", trace));
            queue.removeFirst().run();
        }
        return steps;
    }

    void tickAll() {
        for (SimNode n : nodes.values()) n.replicator().tick();
    }

    /** Messages of this type sent over every link so far. */
    int sent(Class<? extends WireMessage> type) {
        int n = 0;
        for (SimLink l : links) n += l.sent(type);
        return n;
    }

    int sent() {
        int n = 0;
        for (SimLink l : links) n += l.sent().size();
        return n;
    }

    long bytesSent() {
        long n = 0;
        for (SimLink l : links) n += l.bytesSent();
        return n;
    }

    void resetCounters() {
        for (SimLink l : links) l.resetCounters();
        for (SimNode n : nodes.values()) n.store().resetCounts();
    }

    private static String key(SimNode a, SimNode b) {
        return a.name().compareTo(b.name()) < 0 ? a.name() + "|" + b.name() : b.name() + "|" + a.name();
    }
}
