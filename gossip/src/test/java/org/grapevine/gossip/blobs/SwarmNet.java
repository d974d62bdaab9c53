package org.grapevine.gossip.blobs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.grapevine.gossip.wire.WireCodec;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.Malformed;

/**
 * Blob swarms joined by simulated links, without sockets or threads: every message (encoded and
 * decoded by the real codec) and every disconnect goes through one FIFO queue that
 * {@link #deliverAll()} drains, and time moves only when a test calls {@link #advance}.
 */
final class SwarmNet {
    static final int MAX_STEPS = 100_000;

    private final Deque<Runnable> queue = new ArrayDeque<>();
    private final Map<String, SwarmNode> nodes = new LinkedHashMap<>();
    private final Map<String, SwarmLink[]> connections = new LinkedHashMap<>();
    private final List<SwarmLink> links = new ArrayList<>();
    private final BlobSwarm.Config config;
    private long now = 1_700_000_000_000L;

    SwarmNet() {
        this(BlobSwarm.Config.defaults());
    }

    SwarmNet(BlobSwarm.Config config) {
        this.config = config;
    }

    SwarmNode node(String name) {
        return node(name, new MemoryBlobStorage());
    }

    SwarmNode node(String name, MemoryBlobStorage storage) {
        assertFalse(nodes.containsKey(name), name);
        SwarmNode n = new SwarmNode(this, name, storage, config);
        nodes.put(name, n);
        return n;
    }

    long now() {
        return now;
    }

    void advance(long millis) {
        now += millis;
    }

    void tickAll() {
        for (SwarmNode n : nodes.values()) n.swarm().tick();
    }

    /** Both swarms hear of the finished handshake. */
    void connect(SwarmNode a, SwarmNode b) {
        String key = key(a, b);
        assertFalse(connections.containsKey(key), () -> key + " already connected");
        SwarmLink ab = new SwarmLink(this, a, b);
        SwarmLink ba = new SwarmLink(this, b, a);
        ab.setReverse(ba);
        ba.setReverse(ab);
        connections.put(key, new SwarmLink[] {ab, ba});
        links.add(ab);
        links.add(ba);
        a.swarm().connected(ab);
        b.swarm().connected(ba);
    }

    /** The connection drops at once: messages in flight are lost and both swarms hear of it. */
    void disconnect(SwarmNode a, SwarmNode b) {
        SwarmLink[] pair = connections.remove(key(a, b));
        if (pair == null) return;
        pair[0].disconnected();
        pair[1].disconnected();
        a.swarm().disconnected(b.id());
        b.swarm().disconnected(a.id());
    }

    boolean connected(SwarmNode a, SwarmNode b) {
        return connections.containsKey(key(a, b));
    }

    /** The current (or, once disconnected, the last) link from {@code from} to {@code to}. */
    SwarmLink link(SwarmNode from, SwarmNode to) {
        for (int i = links.size() - 1; i >= 0; i--) {
            SwarmLink l = links.get(i);
            if (l.from() == from && l.to() == to) return l;
        }
        throw new AssertionError("no link " + from + "->" + to);
    }

    void enqueue(SwarmLink link, byte[] bytes) {
        queue.add(() -> deliver(link, bytes));
    }

    /** A link closed itself: its goodbye is on its way, then the connection drops. */
    void disconnectLater(SwarmNode a, SwarmNode b) {
        queue.add(() -> disconnect(a, b));
    }

    private void deliver(SwarmLink link, byte[] bytes) {
        if (!link.connected() || link.reverse().closed()) return;
        WireMessage m;
        try {
            m = WireCodec.decode(bytes);
        } catch (Malformed e) {
            throw new AssertionError(link + ": our own encoding does not decode: " + e.getMessage(), e);
        }
        link.to().swarm().received(link.from().id(), m);
    }

    /** Delivers messages (and what they cause) until nothing is in flight. */
    void deliverAll() {
        deliverUntil(() -> false);
    }

    /** Delivers messages until {@code done} holds or nothing is in flight; returns whether it holds. */
    boolean deliverUntil(BooleanSupplier done) {
        int steps = 0;
        while (!queue.isEmpty() && !done.getAsBoolean()) {
            if (++steps > MAX_STEPS) fail("not quiet after " + MAX_STEPS + " steps");
            queue.removeFirst().run();
        }
        return done.getAsBoolean();
    }

    /** Messages of this type sent over every link so far. */
    int sent(Class<? extends WireMessage> type) {
        int n = 0;
        for (SwarmLink l : links) n += l.sent(type).size();
        return n;
    }

    private static String key(SwarmNode a, SwarmNode b) {
        return a.name().compareTo(b.name()) < 0 ? a.name() + "|" + b.name() : b.name() + "|" + a.name();
    }
}
