package org.grapevine.node.mesh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import org.grapevine.gossip.discovery.PeerAddress;
import org.grapevine.gossip.discovery.PeerTable;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.Verifier;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.Home;
import org.grapevine.node.Node;
import org.grapevine.node.Publisher;
import org.grapevine.node.blob.BlobStore;
import org.grapevine.node.protocol.Protocol;
import org.grapevine.node.store.AppendResult;
import org.grapevine.node.store.Store;

/**
 * One real node of a {@link TestNet}: its own home and MapDB store, a fresh identity, a Node
 * listening on 127.0.0.1, and the lines of its event log. Reads like the user of the node would
 * act: post, follow, connect; and answers what the node holds.
 */
final class TestNode {
    private final String name;
    private final Home home;
    private final Identity identity;
    private Node.Config config;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private Store store;
    private Node node;
    private Publisher publisher;
    /** The port of the last start, kept across a stop. */
    private int port;

    /** Protocols the node speaks besides its own. */
    private final List<Protocol> extensions;

    private TestNode(String name, Home home, Identity identity, Node.Config config, List<Protocol> extensions) {
        this.extensions = extensions;
        this.name = name;
        this.home = home;
        this.identity = identity;
        this.config = config;
    }

    static TestNode start(String name, Home home, Identity identity, Node.Config config) {
        return start(name, home, identity, config, List.of());
    }

    static TestNode start(String name, Home home, Identity identity, Node.Config config, List<Protocol> extensions) {
        try {
            home.create();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestNode n = new TestNode(name, home, identity, config, extensions);
        n.start();
        return n;
    }

    private void start() {
        store = Store.open(home.storeFile());
        try {
            node = Node.start(home, identity, store, config, line -> events.add(line), Node.Hooks.NONE, extensions);
        } catch (InterruptedException e) {
            store.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + " was interrupted while starting", e);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        publisher = new Publisher(identity, store, Clock.systemUTC());
        port = node.listenAddress().getPort();
    }

    // ---- acting ----

    /** Posts {@code text} as the user would: sign and store it, then tell the node to pass it on. */
    Entry post(String text) {
        return published(publisher.publish(Content.Post.text(text)));
    }

    /**
     * Posts {@code count} entries in one store commit (the store's batch path) and tells the node
     * once: the same entries and chain as {@code count} calls of {@link #post}, without a commit
     * each.
     */
    List<Entry> postMany(int count, IntFunction<String> text) {
        List<Entry> entries = new ArrayList<>(count);
        synchronized (store) { // as Publisher does: nobody else appends to this log meanwhile
            long seq = store.headSeq(identity.id());
            EntryId previous = store.headId(identity.id()).orElse(null);
            long at = seq == 0 ? System.currentTimeMillis()
                    : Math.max(System.currentTimeMillis(), store.get(identity.id(), seq).orElseThrow().header().timestamp());
            for (int i = 0; i < count; i++) {
                Entry e = Entry.create(identity, ++seq, previous, at, Content.Post.text(text.apply(i)));
                entries.add(e);
                previous = e.id();
            }
            for (AppendResult r : store.appendAll(entries)) {
                if (!r.stored()) throw new IllegalStateException(name + " could not store its own entry: " + r.reason());
            }
        }
        return published(entries);
    }

    /** Adds a file to this node's blobs and posts it as an attachment. */
    Entry postAttaching(String text, Path file) {
        try {
            BlobStore.Held held = node.blobFiles().add(file);
            Content.Attachment a = new Content.Attachment(held.id(), held.size(), "application/octet-stream",
                    file.getFileName().toString());
            return published(publisher.publish(new Content.Post(text, null, null, List.of(), List.of(a), "")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code photo} encrypted under {@code key} as a channel attachment is, into {@code file}, added to this node's blobs: its id. */
    BlobId encryptedBlob(byte[] photo, byte[] key, Path file) throws IOException {
        try (var out = java.nio.file.Files.newOutputStream(file)) {
            org.grapevine.identity.channel.ChannelBlobs.encrypt(new java.io.ByteArrayInputStream(photo), photo.length, key, out);
        }
        return node.blobFiles().add(file).id();
    }

    Entry block(TestNode other) {
        return published(publisher.publish(new Content.Block(other.id(), true)));
    }

    Entry follow(TestNode other) {
        return published(publisher.publish(new Content.Follow(other.id(), true)));
    }

    /** Dials {@code other}, expecting its id there, as an address from the bootstrap list. */
    void connect(TestNode other) {
        node.addPeer(new PeerAddress("127.0.0.1", other.port(), other.id()), PeerTable.Source.BOOTSTRAP);
    }

    private Entry published(Entry entry) {
        node.published(entry);
        return entry;
    }

    private List<Entry> published(List<Entry> entries) {
        if (!entries.isEmpty()) node.published(entries.get(entries.size() - 1));
        return entries;
    }

    // ---- lifecycle ----

    /** Closes the node, then its store, as a daemon shutting down does. */
    void stop() {
        if (node == null) return;
        try {
            node.close();
        } finally {
            node = null;
            store.close();
        }
    }

    /** Stops (if running) and starts again from the same home and identity, listening on the same port. */
    void restart() {
        stop();
        config = config.withListen(new InetSocketAddress("127.0.0.1", port));
        start();
    }

    boolean running() {
        return node != null;
    }

    // ---- what the node holds ----

    /** True once the store holds at least {@code n} entries of {@code other}'s log. */
    boolean sees(TestNode other, long n) {
        return store.headSeq(other.id()) >= n;
    }

    /** True once the store holds a post of {@code other} saying {@code text}. */
    boolean sees(TestNode other, String text) {
        for (Entry e : log(other)) {
            if (saysText(e, text)) return true;
        }
        return false;
    }

    /** True once the user's timeline (own posts and those of followed people) shows {@code text}. */
    boolean timelineShows(String text) {
        return store.indexes().timeline(id(), 1_000, h -> h.contentType() == Content.POST).stream()
                .anyMatch(e -> saysText(e, text));
    }

    boolean holdsFeedOf(TestNode other) {
        return store.headSeq(other.id()) > 0;
    }

    /** Every entry of {@code other}'s log held here, in sequence order. */
    List<Entry> log(TestNode other) {
        return store.log(other.id(), 1, Integer.MAX_VALUE);
    }

    /**
     * Checks the held log of {@code author} end to end: sequences 1..n without gaps, each entry's
     * previous hash naming the one before, every signature the author's, every body its hash's.
     * Returns the number of entries, or throws naming the first thing wrong.
     */
    long verifiedLength(TestNode author) {
        Verifier verifier = new Verifier();
        EntryId previous = null;
        long seq = 0;
        for (Entry e : log(author)) {
            seq++;
            var h = e.header();
            if (!h.author().equals(author.id())) throw new AssertionError(name + ": entry of " + h.author() + " in " + author.name + "'s log");
            if (h.seq() != seq) throw new AssertionError(name + ": " + author.name + "'s log has #" + h.seq() + " where #" + seq + " belongs");
            if (seq == 1 ? h.previous() != null : !h.previous().equals(previous)) {
                throw new AssertionError(name + ": " + author.name + " #" + seq + " does not chain to #" + (seq - 1));
            }
            if (!h.verifySignature(verifier)) throw new AssertionError(name + ": " + author.name + " #" + seq + " has a bad signature");
            if (!e.hasContent() || !h.matches(e.content())) throw new AssertionError(name + ": " + author.name + " #" + seq + " lost its body");
            previous = e.id();
        }
        if (seq != store.headSeq(author.id())) throw new AssertionError(name + ": head of " + author.name + " is not the last entry");
        return seq;
    }

    /** Ids of the peers connected right now. */
    List<AuthorId> connectedPeers() {
        try {
            List<AuthorId> out = new ArrayList<>();
            for (Node.PeerInfo p : node.peers().get(5, TimeUnit.SECONDS)) {
                if (p.connected()) out.add(p.id());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(name + " did not list its peers", e);
        }
    }

    boolean connectedTo(TestNode other) {
        return connectedPeers().contains(other.id());
    }

    /** True once a line of the event log contains {@code fragment}. */
    boolean logged(String fragment) {
        return events.stream().anyMatch(l -> l.contains(fragment));
    }

    private static boolean saysText(Entry e, String text) {
        try {
            return e.hasContent() && e.decodeContent() instanceof Content.Post p && p.text().equals(text);
        } catch (Malformed bad) {
            return false;
        }
    }

    // ---- plumbing ----

    String name() {
        return name;
    }

    AuthorId id() {
        return identity.id();
    }

    Identity identity() {
        return identity;
    }

    Home home() {
        return home;
    }

    Store store() {
        return store;
    }

    Node node() {
        return node;
    }

    /** The port the node listens on (or last listened on, while stopped). */
    int port() {
        return port;
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port());
    }

    List<String> events() {
        return List.copyOf(events);
    }

    @Override
    public String toString() {
        return name;
    }
}
