package org.grapevine.node.meshbench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.grapevine.gossip.discovery.PeerAddress;
import org.grapevine.gossip.discovery.PeerTable;
import org.grapevine.gossip.transport.NetworkKey;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.Home;
import org.grapevine.node.Node;
import org.grapevine.node.Publisher;
import org.grapevine.node.store.AppendResult;
import org.grapevine.node.store.Store;

/** One benchmark node: a temporary home, a fresh identity, its store, and (once started) the running node. */
final class MeshNode implements AutoCloseable {
    private static final int KEPT_EVENTS = 40;

    final String name;
    final Home home;
    final Identity identity;
    final Store store;
    final Publisher publisher;
    private final boolean verbose;
    private static final long EPOCH = System.nanoTime();
    private final Deque<String> events = new ArrayDeque<>();
    private Node node;

    private MeshNode(String name, Home home, Identity identity, Store store, boolean verbose) {
        this.name = name;
        this.home = home;
        this.identity = identity;
        this.store = store;
        this.publisher = new Publisher(identity, store, Clock.systemUTC());
        this.verbose = verbose;
    }

    static MeshNode create(String name, boolean verbose) throws IOException {
        Path dir = Files.createTempDirectory("grapevine-meshbench-" + name + "-");
        try {
            Home home = new Home(dir);
            home.create();
            Identity identity = Identity.generate(new SecureRandom());
            Store store = Store.open(home.storeFile());
            return new MeshNode(name, home, identity, store, verbose);
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    AuthorId id() {
        return identity.id();
    }

    Node node() {
        if (node == null) throw new IllegalStateException(name + " is not started");
        return node;
    }

    /**
     * Starts the node listening on {@code host} (an ephemeral port) with the given follow hops, on a
     * network of its own and without LAN discovery, so it meets only the nodes the benchmark dials.
     */
    void start(String host, int hops) throws InterruptedException {
        Node.Config config = Node.Config.defaults()
                .withListen(new InetSocketAddress(host, 0))
                .withHops(hops)
                .withNetwork(NetworkKey.named("meshbench"))
                .withLan(Node.Lan.OFF);
        node = Node.start(home, identity, store, config, this::event);
    }

    /** Where this node listens, as another node dials it. */
    PeerAddress address() {
        InetSocketAddress a = node().listenAddress();
        return new PeerAddress(a.getAddress().getHostAddress(), a.getPort(), identity.id());
    }

    void dial(MeshNode other) {
        node().addPeer(other.address(), PeerTable.Source.BOOTSTRAP);
    }

    /** Signs and stores the next entry of this node's own log and, once running, pushes it to peers. */
    Entry publish(Content content) {
        Entry e = publisher.publish(content);
        if (node != null) node.published(e);
        return e;
    }

    /** Stores pre-signed entries in batches (one commit each); fails unless every one is appended. */
    void load(List<Entry> entries, int batch) {
        for (int i = 0; i < entries.size(); i += batch) {
            List<AppendResult> results = store.appendAll(entries.subList(i, Math.min(entries.size(), i + batch)));
            for (AppendResult r : results) {
                if (!r.stored()) throw new SetupFailure(name + ": preloading an entry failed: " + r.reason());
            }
        }
    }

    long head(AuthorId author) {
        return store.headSeq(author);
    }

    /** How many peers the node is connected to right now. */
    int connectedPeers() {
        try {
            return (int) node().peers().get(5, TimeUnit.SECONDS).stream().filter(Node.PeerInfo::connected).count();
        } catch (Exception e) {
            throw new SetupFailure(name + ": cannot list peers: " + e);
        }
    }

    List<AuthorId> connectedIds() {
        try {
            List<AuthorId> out = new ArrayList<>();
            for (Node.PeerInfo p : node().peers().get(5, TimeUnit.SECONDS)) if (p.connected()) out.add(p.id());
            return out;
        } catch (Exception e) {
            throw new SetupFailure(name + ": cannot list peers: " + e);
        }
    }

    private void event(String line) {
        String stamped = String.format("%8.3f s %s: %s", (System.nanoTime() - EPOCH) / 1e9, name, line);
        synchronized (events) {
            events.addLast(stamped);
            if (events.size() > KEPT_EVENTS) events.removeFirst();
        }
        if (verbose) System.err.println(stamped);
    }

    /** The node's latest event-log lines, for diagnosing a failed run. */
    List<String> recentEvents() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    @Override
    public void close() {
        try {
            if (node != null) node.close();
        } finally {
            try {
                store.close();
            } finally {
                deleteTree(home.dir());
            }
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("meshbench: could not delete " + dir + ": " + e.getMessage());
        }
    }

    /** The benchmark could not set itself up or a run did not complete: exit non-zero. */
    static final class SetupFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SetupFailure(String message) {
            super(message);
        }
    }
}
