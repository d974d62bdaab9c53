package org.grapevine.testnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Consumer;
import org.grapevine.gossip.discovery.PeerAddress;
import org.grapevine.gossip.discovery.PeerTable;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.Home;
import org.grapevine.node.Node;
import org.grapevine.node.Publisher;
import org.grapevine.node.store.Store;

/** One node of an in-process test network: its home, identity, store and running node. */
final class SimNode {
    final int index;
    final Home home;
    final Identity identity;
    private Node.Config config;
    private final Node.Hooks hooks;
    private final Consumer<String> events;
    private Store store;
    private Node node;
    private Publisher publisher;
    private int port;

    SimNode(int index, Path dir, Identity identity, Node.Config config, Node.Hooks hooks, Consumer<String> events) {
        this.index = index;
        this.home = new Home(dir);
        this.identity = identity;
        this.config = config;
        this.hooks = hooks;
        this.events = events;
    }

    AuthorId id() {
        return identity.id();
    }

    /** Starts the node; after the first start it listens on the same port again. */
    void start() {
        try {
            home.create();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Nothing here is killed for real, so stores skip fsync: the disk would be what is measured.
        store = Store.open(home.storeFile(), false);
        try {
            node = Node.start(home, identity, store, config, events, hooks);
        } catch (InterruptedException e) {
            store.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting node " + index, e);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        publisher = new Publisher(identity, store, Clock.systemUTC());
        port = node.listenAddress().getPort();
        config = config.withListen(new InetSocketAddress("127.0.0.1", port));
    }

    /** Stops the node and closes its store, as a daemon stopping does. */
    void stop() {
        if (node == null) return;
        try {
            node.close();
        } finally {
            node = null;
            store.close();
            store = null;
        }
    }

    boolean alive() {
        return node != null;
    }

    int port() {
        return port;
    }

    Node node() {
        return node;
    }

    Store store() {
        return store;
    }

    Entry publish(Content content) {
        return publish(content, e -> {});
    }

    /** Signs and stores {@code content}, lets {@code beforeSending} see the entry, then tells peers. */
    Entry publish(Content content, Consumer<Entry> beforeSending) {
        Entry e = publisher.publish(content);
        beforeSending.accept(e);
        node.published(e);
        return e;
    }

    /** Learns {@code other}'s address as an invite code would give it (following someone starts that way). */
    void learn(SimNode other) {
        node.addPeer(new PeerAddress("127.0.0.1", other.port(), other.id()), PeerTable.Source.INVITE);
    }

    void dial(SimNode other) {
        node.addPeer(new PeerAddress("127.0.0.1", other.port(), other.id()), PeerTable.Source.BOOTSTRAP);
    }
}
