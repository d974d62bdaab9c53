package org.grapevine.testnet.link;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.grapevine.gossip.transport.LinkShaper;

/**
 * The links between the nodes of a test network: latency, jitter and loss per link, and
 * partitions. Each node gets a {@link LinkShaper} that puts a {@link LinkHandler} under every
 * connection it dials, and that handler delays the connection's bytes both ways (the dialed side
 * adds nothing, so every connection is shaped once).
 *
 * <p>Links carry TCP, which never loses bytes: a lost packet shows as a retransmission, so
 * {@code loss} is the chance that a write or read waits an extra retransmission timeout (twice
 * the latency, at least 200 ms) on top of its latency and jitter. Latency is one way. Order on a
 * connection is kept: jitter delays, never reorders. Thread-safe.
 */
public final class LinkEmulator {
    /** How one link behaves. */
    public record Conditions(Duration latency, Duration jitter, double loss) {
        public static final Conditions NONE = new Conditions(Duration.ZERO, Duration.ZERO, 0);

        public Conditions {
            if (latency.isNegative() || jitter.isNegative()) throw new IllegalArgumentException("negative delay");
            if (loss < 0 || loss > 1) throw new IllegalArgumentException("loss must be in [0, 1]");
        }

        boolean none() {
            return latency.isZero() && jitter.isZero() && loss == 0;
        }
    }

    static final Duration MIN_RETRANSMIT = Duration.ofMillis(200);

    private final Map<InetSocketAddress, Integer> nodeByAddress = new ConcurrentHashMap<>();
    private final Map<Integer, Conditions> byNode = new ConcurrentHashMap<>();
    private volatile Conditions everywhere = Conditions.NONE;
    private volatile List<Set<Integer>> sides = List.of();
    private final Set<LinkHandler> live = ConcurrentHashMap.newKeySet();
    private final Map<Integer, LongAdder> sent = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> received = new ConcurrentHashMap<>();

    /** Node {@code node} listens at {@code address}: connections dialed there lead to it. */
    public void register(int node, InetSocketAddress address) {
        nodeByAddress.put(address, node);
    }

    /**
     * The shaper for node {@code node}'s transport: connections it dials to other nodes are
     * shaped, and the bytes of every connection it has are counted.
     */
    public LinkShaper shaperFor(int node) {
        return (remote, outbound) -> {
            Integer other = outbound && remote != null ? nodeByAddress.get(remote) : null;
            return other == null ? new ByteTally(this, node) : new LinkHandler(this, node, other);
        };
    }

    /** Bytes node {@code node} has written to its sockets, all connections, all time. */
    public long bytesSent(int node) {
        LongAdder a = sent.get(node);
        return a == null ? 0 : a.sum();
    }

    public long bytesReceived(int node) {
        LongAdder a = received.get(node);
        return a == null ? 0 : a.sum();
    }

    void countSent(int node, Object msg) {
        if (msg instanceof ByteBuf b) sent.computeIfAbsent(node, n -> new LongAdder()).add(b.readableBytes());
    }

    void countReceived(int node, Object msg) {
        if (msg instanceof ByteBuf b) received.computeIfAbsent(node, n -> new LongAdder()).add(b.readableBytes());
    }

    /** Sets the conditions of every link. */
    public void setAll(Conditions c) {
        everywhere = c;
        byNode.clear();
    }

    /** Sets the conditions of every link touching one of {@code nodes}. */
    public void set(Set<Integer> nodes, Conditions c) {
        for (int n : nodes) byNode.put(n, c);
    }

    /** The conditions between two nodes: the slower of what applies to either end. */
    public Conditions conditions(int a, int b) {
        Conditions ca = byNode.getOrDefault(a, everywhere);
        Conditions cb = byNode.getOrDefault(b, everywhere);
        return new Conditions(max(ca.latency(), cb.latency()), max(ca.jitter(), cb.jitter()), Math.max(ca.loss(), cb.loss()));
    }

    private static Duration max(Duration x, Duration y) {
        return x.compareTo(y) >= 0 ? x : y;
    }

    /**
     * Splits the network into {@code sides}: links between nodes of different sides are cut now
     * and refused until {@link #heal}. Nodes in no side keep every link.
     */
    public void partition(List<Set<Integer>> newSides) {
        sides = List.copyOf(newSides);
        for (LinkHandler h : live) {
            if (split(h.from(), h.to())) h.cut();
        }
    }

    public void heal() {
        sides = List.of();
    }

    /** True while {@code a} and {@code b} are on different sides of a partition. */
    public boolean split(int a, int b) {
        int sa = -1;
        int sb = -1;
        List<Set<Integer>> s = sides;
        for (int i = 0; i < s.size(); i++) {
            if (s.get(i).contains(a)) sa = i;
            if (s.get(i).contains(b)) sb = i;
        }
        return sa >= 0 && sb >= 0 && sa != sb;
    }

    /** How long the next write or read on the link between {@code a} and {@code b} waits, in nanoseconds. */
    long delayNanos(int a, int b) {
        Conditions c = conditions(a, b);
        if (c.none()) return 0;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long d = c.latency().toNanos();
        if (!c.jitter().isZero()) d += r.nextLong(c.jitter().toNanos());
        if (c.loss() > 0 && r.nextDouble() < c.loss()) d += Math.max(MIN_RETRANSMIT.toNanos(), 2 * c.latency().toNanos());
        return d;
    }

    void opened(LinkHandler h) {
        live.add(h);
    }

    void closed(LinkHandler h) {
        live.remove(h);
    }
}
