package org.grapevine.testnet;

import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.grapevine.gossip.transport.NetworkKey;
import org.grapevine.gossip.transport.Transport;
import org.grapevine.identity.Identity;
import org.grapevine.node.Node;
import org.grapevine.testnet.link.LinkEmulator;

/**
 * Nodes in this JVM: each with its own home under the work directory, its own port on 127.0.0.1
 * and its own MapDB store, all sharing one set of event loops, with a {@link LinkEmulator} under
 * every connection.
 */
final class InJvmNetwork implements TestNetwork {
    private static final long HANDSHAKE_TIMEOUT_MILLIS = 30_000;

    private final Path workDir;
    private final int hops;
    private final int degree;
    private final BiConsumer<Integer, String> events;
    private final LinkEmulator links = new LinkEmulator();
    private final List<SimNode> nodes = new ArrayList<>();
    private EventLoopGroup group;

    /**
     * @param degree how many connections each node aims for
     * @param events hears every line of every node's event log, with the node's index
     */
    InJvmNetwork(Path workDir, int hops, int degree, BiConsumer<Integer, String> events) {
        this.workDir = workDir;
        this.hops = hops;
        this.degree = degree;
        this.events = events;
    }

    @Override
    public List<TestNode> start(int count, Tracker tracker) {
        group = Transport.sharedGroup(Math.max(2, Runtime.getRuntime().availableProcessors()));
        NetworkKey network = NetworkKey.named("testnet-" + UUID.randomUUID());
        for (int i = 0; i < count; i++) {
            Node.Config config = new Node.Config(new InetSocketAddress("127.0.0.1", 0), List.of(), network, hops,
                    Math.max(1, Math.min(degree, 8)), 2_000, 250, Node.Lan.OFF,
                    new Node.Blobs(Node.Blobs.DEFAULTS.maxSize(), Node.Blobs.DEFAULTS.maxSize(), 2));
            Identity identity = Identity.generate(new SecureRandom());
            int index = i;
            // Many nodes share two cores here: a handshake may wait its turn far longer than on a network.
            Node.Hooks hooks = new Node.Hooks(group, links.shaperFor(i), tracker.observerFor(i), HANDSHAKE_TIMEOUT_MILLIS);
            SimNode n = new SimNode(i, workDir.resolve("node-" + i), identity, config, hooks, links, line -> events.accept(index, line));
            tracker.node(identity.id(), i);
            n.launch();
            nodes.add(n);
        }
        return List.copyOf(nodes);
    }

    @Override
    public boolean introduces() {
        return true;
    }

    /** One at a time: acting is quick here, and the order of posts stays that of the script. */
    @Override
    public int parallelism() {
        return 1;
    }

    @Override
    public void setLinks(Set<Integer> which, LinkEmulator.Conditions conditions) {
        if (which == null) links.setAll(conditions);
        else links.set(which, conditions);
    }

    @Override
    public void partition(List<Set<Integer>> sides) {
        links.partition(sides);
    }

    @Override
    public void heal() {
        links.heal();
    }

    @Override
    public void refresh() {
        // The nodes' observers tell the tracker as things happen.
    }

    @Override
    public long bytesSent(int node) {
        return links.bytesSent(node);
    }

    @Override
    public long memoryUsed() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    @Override
    public void close() {
        for (SimNode n : nodes) {
            try {
                n.kill();
            } catch (RuntimeException e) {
                events.accept(n.index(), "did not stop cleanly: " + e);
            }
        }
        if (group != null) group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
