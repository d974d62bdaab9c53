package org.grapevine.gossip.sim;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.grapevine.gossip.wire.WireCodec;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.Malformed;

/**
 * The simulated network for protocol tests: nodes joined by links, without sockets or threads.
 * Every message (encoded and decoded by the real codec) and every disconnect goes through one FIFO
 * queue that {@link #deliverAll()} drains, and time moves only when a test calls {@link #advance};
 * runs are therefore exactly repeatable. What a node is (a replicator, a blob swarm) is the test's.
 */
public final class SimNet<N extends SimNet.Node> {
    /** One node as the network sees it: where its links deliver, and what it hears of them. */
    public interface Node {
        String name();

        AuthorId id();

        /** The handshake with the peer at the other end of {@code link} finished: whether the node keeps it. */
        boolean connected(SimWire link);

        void disconnected(AuthorId peer);

        void received(AuthorId from, WireMessage message);

        /** The link to {@code peer} takes more again. */
        void writable(AuthorId peer);

        void tick();

        /** Counters a test may want to start over (a store's, say). */
        default void resetCounters() {}
    }

    /** Far more than any scenario here needs; reaching it means the nodes never fall quiet. */
    public static final int MAX_STEPS = 200_000;
    private static final int TRACE = 40;

    private final BiFunction<SimNet<N>, String, N> factory;
    private final Deque<Runnable> queue = new ArrayDeque<>();
    private final Map<String, N> nodes = new LinkedHashMap<>();
    /** Open connections by pair name ("a|b" with a < b), each as its two links. */
    private final Map<String, SimWire[]> connections = new LinkedHashMap<>();
    private final List<SimWire> links = new ArrayList<>();
    private final Deque<String> trace = new ArrayDeque<>();
    private long now = 1_700_000_000_000L;
    private UnaryOperator<WireMessage> rewrite = UnaryOperator.identity();

    /** A network whose {@link #node} makes nodes with {@code factory}. */
    public SimNet(BiFunction<SimNet<N>, String, N> factory) {
        this.factory = factory;
    }

    public N node(String name) {
        return add(factory.apply(this, name));
    }

    /** Adds a node made otherwise (with a storage of its own, say). */
    public N add(N node) {
        assertFalse(nodes.containsKey(node.name()), node.name());
        nodes.put(node.name(), node);
        return node;
    }

    public long now() {
        return now;
    }

    public void advance(long millis) {
        now += millis;
    }

    /** Both nodes hear of the finished handshake. */
    public void connect(N a, N b) {
        String key = key(a, b);
        assertFalse(connections.containsKey(key), () -> key + " already connected");
        SimWire ab = new SimWire(this, a, b);
        SimWire ba = new SimWire(this, b, a);
        ab.rewrite(rewrite);
        ba.rewrite(rewrite);
        ab.setReverse(ba);
        ba.setReverse(ab);
        connections.put(key, new SimWire[] {ab, ba});
        links.add(ab);
        links.add(ba);
        assertTrue(a.connected(ab), () -> a + " refused " + b);
        assertTrue(b.connected(ba), () -> b + " refused " + a);
    }

    /** Every link connected from now on rewrites what its sender hands it (to model other protocols). */
    public void rewriteAll(UnaryOperator<WireMessage> rewrite) {
        this.rewrite = rewrite;
    }

    /** The connection drops at once: messages still in flight are lost and both nodes hear of it. */
    public void disconnect(N a, N b) {
        SimWire[] pair = connections.remove(key(a, b));
        if (pair == null) return;
        pair[0].disconnected();
        pair[1].disconnected();
        pair[0].from().disconnected(pair[0].to().id());
        pair[1].from().disconnected(pair[1].to().id());
    }

    /** A link closed itself: its goodbye is on its way, then the connection drops. */
    @SuppressWarnings("unchecked")
    void disconnectLater(Node a, Node b) {
        queue.add(() -> disconnect((N) a, (N) b));
    }

    public boolean connected(N a, N b) {
        return connections.containsKey(key(a, b));
    }

    /** The current (or, once disconnected, the last) link from {@code from} to {@code to}. */
    public SimWire link(N from, N to) {
        for (int i = links.size() - 1; i >= 0; i--) {
            SimWire l = links.get(i);
            if (l.from() == from && l.to() == to) return l;
        }
        throw new AssertionError("no link " + from + "->" + to);
    }

    void enqueue(SimWire link, byte[] bytes) {
        queue.add(() -> deliver(link, bytes));
    }

    private void deliver(SimWire link, byte[] bytes) {
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
        link.to().received(link.from().id(), m);
    }

    /** Delivers messages (and what they cause) until nothing is in flight; returns the steps taken. */
    public int deliverAll() {
        int steps = 0;
        while (!queue.isEmpty()) {
            if (++steps > MAX_STEPS) fail("not quiet after " + MAX_STEPS + " steps; last deliveries:\n" + String.join("\n", trace));
            queue.removeFirst().run();
        }
        return steps;
    }

    /** Delivers messages until {@code done} holds or nothing is in flight; returns whether it holds. */
    public boolean deliverUntil(BooleanSupplier done) {
        int steps = 0;
        while (!queue.isEmpty() && !done.getAsBoolean()) {
            if (++steps > MAX_STEPS) fail("not quiet after " + MAX_STEPS + " steps");
            queue.removeFirst().run();
        }
        return done.getAsBoolean();
    }

    public void tickAll() {
        for (N n : nodes.values()) n.tick();
    }

    /** Messages of this type sent over every link so far. */
    public int count(Class<? extends WireMessage> type) {
        int n = 0;
        for (SimWire l : links) n += l.count(type);
        return n;
    }

    /** Messages sent over every link so far. */
    public int sent() {
        int n = 0;
        for (SimWire l : links) n += l.sent().size();
        return n;
    }

    public long bytesSent() {
        long n = 0;
        for (SimWire l : links) n += l.bytesSent();
        return n;
    }

    public void resetCounters() {
        for (SimWire l : links) l.resetCounters();
        for (N n : nodes.values()) n.resetCounters();
    }

    private static String key(Node a, Node b) {
        return a.name().compareTo(b.name()) < 0 ? a.name() + "|" + b.name() : b.name() + "|" + a.name();
    }
}
