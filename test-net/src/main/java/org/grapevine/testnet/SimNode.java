package org.grapevine.testnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.grapevine.gossip.discovery.PeerAddress;
import org.grapevine.gossip.discovery.PeerTable;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.Home;
import org.grapevine.node.Node;
import org.grapevine.node.Publisher;
import org.grapevine.node.blob.BlobStore;
import org.grapevine.node.blob.MediaTypes;
import org.grapevine.node.store.Store;
import org.grapevine.testnet.link.LinkEmulator;

/** One node of an in-process test network: its home, identity, store and running node. */
final class SimNode implements TestNode {
    private final int index;
    private final Home home;
    private final Identity identity;
    private Node.Config config;
    private final Node.Hooks hooks;
    private final LinkEmulator links;
    private final Consumer<String> events;
    private Store store;
    private Node node;
    private Publisher publisher;
    private int port;

    SimNode(int index, Path dir, Identity identity, Node.Config config, Node.Hooks hooks, LinkEmulator links, Consumer<String> events) {
        this.index = index;
        this.home = new Home(dir);
        this.identity = identity;
        this.config = config;
        this.hooks = hooks;
        this.links = links;
        this.events = events;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public AuthorId id() {
        return identity.id();
    }

    @Override
    public void launch() {
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
        links.register(index, address());
    }

    @Override
    public void awaitStarted() {
        // Started in launch.
    }

    /** Stops the node and closes its store, as a daemon stopping does (nothing here is killed for real). */
    @Override
    public void kill() {
        if (node == null) return;
        try {
            node.close();
        } finally {
            node = null;
            store.close();
            store = null;
        }
    }

    @Override
    public boolean alive() {
        return node != null;
    }

    @Override
    public InetSocketAddress address() {
        return port == 0 ? null : new InetSocketAddress("127.0.0.1", port);
    }

    @Override
    public void post(String text, Path attachment, String name, Posted posted) {
        if (attachment == null) {
            publish(Content.Post.text(text), e -> posted.posted(e.id(), null, System.nanoTime()));
            return;
        }
        BlobStore.Held held;
        try {
            held = node.blobFiles().add(attachment);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot add " + name + " to node " + index + "'s blobs", e);
        }
        Content.Attachment a = new Content.Attachment(held.id(), held.size(), MediaTypes.byName(name), name);
        publish(new Content.Post(text, null, null, List.of(), List.of(a), ""), e -> posted.posted(e.id(), held.id(), System.nanoTime()));
    }

    @Override
    public void declareName(String name) {
        publish(new Content.About(name, "", null), e -> {});
    }

    @Override
    public void follow(TestNode other, boolean introduce) {
        publish(new Content.Follow(other.id(), true), e -> {});
        // People follow someone whose invite (address and id) they were given.
        if (introduce) node.addPeer(peerAddress(other), PeerTable.Source.INVITE);
    }

    @Override
    public void dial(TestNode other) {
        node.addPeer(peerAddress(other), PeerTable.Source.BOOTSTRAP);
    }

    private static PeerAddress peerAddress(TestNode other) {
        InetSocketAddress a = other.address();
        return new PeerAddress(a.getAddress().getHostAddress(), a.getPort(), other.id());
    }

    /** This node's local API, answered in this JVM as a daemon answers it. */
    @Override
    public ChannelSteps.Api api() {
        org.grapevine.node.api.LocalApi local = org.grapevine.node.api.LocalApi.daemon(node, store, home);
        return new ChannelSteps.Api() {
            @Override
            public <T extends org.grapevine.node.api.ApiResponse> T ask(org.grapevine.node.api.ApiRequest request, Class<T> type) {
                org.grapevine.node.api.ApiResponse answer = local.handle(request);
                if (answer instanceof org.grapevine.node.api.ApiResponse.Failed f) {
                    throw new ScenarioRunner.ScenarioFailure("node " + index + ": " + f.message());
                }
                return type.cast(answer);
            }
        };
    }


    /** On the node's own loop, so that the message is tracked before any peer can have it. */
    @Override
    public void message(TestNode to, String text, Posted sent) {
        node.channels(c -> {
            Entry e = c.message(to.id(), Content.Post.text(text), List.of());
            sent.posted(e.id(), null, System.nanoTime());
            return e;
        }).join();
    }

    @Override
    public AuthorId personaWith(AuthorId other) {
        return DmRun.persona(identity, other);
    }

    @Override
    public long holds(AuthorId author) {
        return store.headSeq(author);
    }

    @Override
    public boolean holdsUnseen(EntryId entry) {
        return store.get(entry).isPresent();
    }

    @Override
    public boolean hasBlob(BlobId blob) {
        return node.blobFiles().isComplete(blob);
    }

    @Override
    public boolean connected() {
        try {
            return node.peers().get(5, TimeUnit.SECONDS).stream().anyMatch(Node.PeerInfo::connected);
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String explain(AuthorId feed, Function<AuthorId, String> nameOf) {
        try {
            return node.explain(feed, nameOf).get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return "no answer from the node: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    @Override
    public List<String> feed(int limit, Function<AuthorId, String> nameOf) {
        List<String> lines = new ArrayList<>();
        for (Entry e : store.indexes().timeline(id(), limit, h -> h.contentType() == Content.POST)) lines.add(render(e, nameOf));
        return lines;
    }

    private String render(Entry e, Function<AuthorId, String> nameOf) {
        String who = nameOf.apply(e.header().author());
        try {
            Content c = e.decodeContent();
            if (c instanceof Content.Post p) {
                StringBuilder b = new StringBuilder(who + ": " + p.text());
                for (Content.Attachment a : p.attachments()) {
                    boolean here = node.blobFiles().isComplete(a.blob());
                    b.append("  [").append(a.name()).append(", ").append(Report.human(a.size())).append(here ? ", here" : ", not here yet").append(']');
                }
                return b.toString();
            }
            return who + ": " + c.getClass().getSimpleName();
        } catch (Exception ex) {
            return who + ": (unreadable)";
        }
    }

    /** Signs and stores {@code content}, lets {@code beforeSending} see the entry, then tells peers. */
    private void publish(Content content, Consumer<Entry> beforeSending) {
        Entry e = publisher.publish(content);
        beforeSending.accept(e);
        node.published(e);
    }
}
