package org.grapevine.node;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.grapevine.gossip.discovery.Admission;
import org.grapevine.gossip.discovery.DialPolicy;
import org.grapevine.gossip.discovery.Locator;
import org.grapevine.gossip.discovery.PeerAddress;
import org.grapevine.gossip.discovery.PeerTable;
import org.grapevine.gossip.policy.Visibility;
import org.grapevine.gossip.replication.Replicator;
import org.grapevine.gossip.transport.LinkShaper;
import org.grapevine.gossip.transport.NetworkKey;
import org.grapevine.gossip.transport.PeerChannel;
import org.grapevine.gossip.transport.Transport;
import org.grapevine.gossip.transport.TransportEvents;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.blob.BlobStore;
import org.grapevine.node.channel.ChannelBook;
import org.grapevine.node.channel.ChannelProtocol;
import org.grapevine.node.protocol.Protocol;
import org.grapevine.node.protocol.Protocols;
import org.grapevine.node.replication.Interest;
import org.grapevine.node.replication.ReplicationProtocol;
import org.grapevine.node.replication.StoreFeeds;
import org.grapevine.node.store.Store;

/**
 * A running node: the runtime its protocols run in. It owns the node loop, the transport and
 * the connections: who is admitted ({@link Admission}), what is dialed ({@link DialPolicy}),
 * which protocol each message goes to ({@link Protocols}: replication, blobs, addresses). All
 * protocol state lives on one thread, the node loop; Netty threads and the control channel hand
 * their work to it.
 */
public final class Node implements AutoCloseable {
    /** How a node runs; see {@link #defaults}. */
    public record Config(InetSocketAddress listen, List<PeerAddress> bootstrap, NetworkKey network, int hops,
                         int targetConnections, long sourceSwitchMillis, long tickMillis, Lan lan, Blobs blobs) {
        public static final int DEFAULT_PORT = 7733;

        /** LAN discovery off by default (tests, embedded nodes); the daemon turns it on. */
        public static Config defaults() {
            return new Config(new InetSocketAddress("0.0.0.0", DEFAULT_PORT), List.of(), NetworkKey.defaultNetwork(),
                    Interest.DEFAULT_HOPS, 8, 2_000, 1_000, Lan.OFF, Blobs.DEFAULTS);
        }

        public Config withListen(InetSocketAddress a) {
            return new Config(a, bootstrap, network, hops, targetConnections, sourceSwitchMillis, tickMillis, lan, blobs);
        }

        public Config withBootstrap(List<PeerAddress> b) {
            return new Config(listen, List.copyOf(b), network, hops, targetConnections, sourceSwitchMillis, tickMillis, lan, blobs);
        }

        public Config withNetwork(NetworkKey n) {
            return new Config(listen, bootstrap, n, hops, targetConnections, sourceSwitchMillis, tickMillis, lan, blobs);
        }

        public Config withHops(int h) {
            return new Config(listen, bootstrap, network, h, targetConnections, sourceSwitchMillis, tickMillis, lan, blobs);
        }

        public Config withBlobs(Blobs b) {
            return new Config(listen, bootstrap, network, hops, targetConnections, sourceSwitchMillis, tickMillis, lan, b);
        }

        public Config withLan(Lan l) {
            return new Config(listen, bootstrap, network, hops, targetConnections, sourceSwitchMillis, tickMillis, l, blobs);
        }
    }

    /**
     * Blob settings: attachments of followed authors' posts are fetched unasked up to
     * {@code autoFetchMax} bytes; no blob over {@code maxSize} is stored; wants travel {@code hops}.
     */
    public record Blobs(long autoFetchMax, long maxSize, int hops) {
        public static final Blobs DEFAULTS = new Blobs(20L << 20, 2L << 30, 2);

        public Blobs {
            if (autoFetchMax < 0 || maxSize < 0) throw new IllegalArgumentException("negative blob size limit");
            if (hops < 1 || hops > WireMessage.MAX_HOPS) throw new IllegalArgumentException("blob hops must be 1 to " + WireMessage.MAX_HOPS);
        }
    }

    /**
     * What a test network adds to a node: a shared event loop group (null for the node's own), a
     * link shaper under every connection, an observer of what arrives, a longer handshake
     * timeout (0 for the default) for many nodes sharing a few cores, and the clock every part
     * of the node reads (milliseconds since the epoch).
     */
    public record Hooks(EventLoopGroup group, LinkShaper shaper, Observer observer, long handshakeTimeoutMillis, LongSupplier clock) {
        public static final Hooks NONE = new Hooks(null, LinkShaper.NONE, (from, entries) -> {}, 0);

        public Hooks(EventLoopGroup group, LinkShaper shaper, Observer observer) {
            this(group, shaper, observer, 0);
        }

        public Hooks(EventLoopGroup group, LinkShaper shaper, Observer observer, long handshakeTimeoutMillis) {
            this(group, shaper, observer, handshakeTimeoutMillis, System::currentTimeMillis);
        }
    }

    /** Hears of every batch of entries a peer sends, copies included, before they are checked. */
    @FunctionalInterface
    public interface Observer {
        /** Called on the node's loop thread; must not block. */
        void received(AuthorId from, List<Entry> entries);
    }

    /** How a blob stands: chunks held of all, bytes received in this run, from how many peers. */
    public record BlobProgress(long size, int chunks, int held, long bytesReceived, int sources, boolean complete) {}

    /** LAN discovery over mDNS: off, on every LAN interface, or on the one named. */
    public record Lan(boolean enabled, String interfaceName) {
        public static final Lan OFF = new Lan(false, null);
        public static final Lan ALL = new Lan(true, null);

        public static Lan on(String interfaceName) {
            return new Lan(true, interfaceName);
        }
    }

    /** Someone met over the LAN in this run: where, when, and (once connected) who. */
    public record Nearby(AuthorId id, String address, long firstSeen, long lastSeen, boolean connected) {}

    /** A connected peer as {@code grapevine peers} shows it. */
    public record PeerInfo(AuthorId id, String address, boolean outbound, boolean connected, long lastSeen, String source) {}

    private final Home home;
    private final Identity identity;
    private final Store store;
    private final Config config;
    private final Consumer<String> eventLog;
    private final LongSupplier clock;
    private final ScheduledExecutorService loop;
    private final Transport transport;
    /** The protocols spoken with peers, and which handles each message type. */
    private final Protocols protocols = new Protocols();
    /** What may be named to which peer: every protocol's rule together. */
    private final Visibility visibility;
    private final ReplicationProtocol replication;
    /** Writes the user's own entries, on the node loop. */
    private final Publisher publisher;
    private final NodeBlobs blobs;
    private final AddressExchange addresses;
    /** Private channels: membership proven per connection, persona feeds, sealed entries. */
    private final ChannelProtocol channels;
    private final PeerTable table = new PeerTable();
    private final DialPolicy dialPolicy;
    /** The connections kept and the dials under way. */
    private final Connections connections;
    private InetSocketAddress listening;
    /** mDNS, and the nodes met on the LAN in this run. */
    private final LanPresence lan;
    /** Set on the node loop when close begins: no more dials into a transport being shut down. */
    private boolean closing;
    /** At most this many messages per drain of the inbox. */
    static final int DRAIN_MESSAGES = 256;
    /** A message from a peer, waiting for the node loop. */
    /**
     * What a connection brings the node loop, in the order it happened: its admission, its
     * messages, its end (with the reason). All three go through one queue, so that no message is
     * handled (or dropped as coming from a connection not admitted) before its connection is
     * admitted, and no connection is admitted after its end was handled.
     */
    private record Inbound(PeerChannel peer, WireMessage message, int bytes, String closed) {
        Inbound(PeerChannel peer, WireMessage message, int bytes) {
            this(peer, message, bytes, null);
        }

        static Inbound admission(PeerChannel peer) {
            return new Inbound(peer, null, 0, null);
        }

        static Inbound end(PeerChannel peer, String reason) {
            return new Inbound(peer, null, 0, reason);
        }
    }
    private final Queue<Inbound> inbox = new ConcurrentLinkedQueue<>();
    /** Whether a drain of {@link #inbox} is scheduled or running. */
    private final AtomicBoolean draining = new AtomicBoolean();

    private Node(Home home, Identity identity, Store store, Config config, Consumer<String> eventLog, Hooks hooks,
                 List<Protocol> extensions) {
        this.home = home;
        this.identity = identity;
        this.store = store;
        this.config = config;
        this.eventLog = eventLog;
        this.clock = hooks.clock();
        this.lan = new LanPresence(this::event);
        this.publisher = new Publisher(identity, store, clock);
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "grapevine-node");
            t.setDaemon(true);
            return t;
        });
        this.dialPolicy = new DialPolicy(config.targetConnections(), identity.id());
        try {
            this.channels = new ChannelProtocol(identity, store, new ChannelBook(home.channelBook(), identity), new ChannelHost(), clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the channels: " + e.getMessage(), e);
        }
        List<Protocol> spoken = new ArrayList<>(extensions);
        spoken.add(0, channels);
        // What protocols hide from some peers, replication must not ask those peers for either.
        this.visibility = Visibility.all(spoken.stream().map(Protocol::visibility).toList());
        this.connections = new Connections(new Connections.Context(identity.id(), table, lan, protocols, visibility,
                id -> store.indexes().follows(identity.id(), id), clock, this::event, this::connect, this::onLoop));
        this.blobs = new NodeBlobs(new BlobStore(home.blobDir(), store, config.blobs().maxSize(), clock),
                config.blobs(), clock, this::event, peer -> onLoop(() -> connections.penalize(peer)));
        Replicator replicator = new Replicator(identity.id(), new StoreFeeds(store, stored -> {
                    blobs.stored(stored, this::followedOrSelf);
                    channelBlobs(channels.stored(stored));
                }),
                clock, config.sourceSwitchMillis(), new ReplicationEvents(), visibility);
        Interest interest = Interest.standard(config.hops()).with(spoken.stream().flatMap(p -> p.interest().stream()).toList());
        this.replication = new ReplicationProtocol(replicator, store, identity.id(), interest, hooks.observer()::received);
        replicator.authored(channels.ownPersonas());
        this.addresses = new AddressExchange(identity.id(), table, new Locator(config.tickMillis(), new Random()), connections.connected());
        protocols.add(replication).add(blobs).add(addresses);
        spoken.forEach(protocols::add);
        Transport.Config transportConfig = Transport.Config.of(identity, config.network()).with(hooks.group(), hooks.shaper())
                .withCapabilities(protocols.capabilities());
        if (hooks.handshakeTimeoutMillis() > 0) transportConfig = transportConfig.withHandshakeTimeout(hooks.handshakeTimeoutMillis());
        this.transport = new Transport(transportConfig, new Events());
    }

    /** What replication tells the node: contributors earn an inbound slot, misbehaving peers are cut off. */
    private final class ReplicationEvents implements Replicator.Events {
        @Override
        public void stored(AuthorId peer, int count) {
            connections.contributed(peer);
            event("synced " + count + " entr" + (count == 1 ? "y" : "ies") + " from " + peer);
        }

        @Override
        public void forked(AuthorId author) {
            event(author + " forked their log (signed two histories): nothing more of it is accepted");
        }

        @Override
        public void distrusted(AuthorId peer, String reason) {
            event("not believing " + peer + " for a while: " + reason);
        }

        @Override
        public void misbehaved(AuthorId peer, String reason) {
            event("disconnecting " + peer + ": " + reason);
            connections.penalize(peer);
        }
    }

    /** Starts listening and connecting. The store stays the caller's to close, after this node. */
    public static Node start(Home home, Identity identity, Store store, Config config, Consumer<String> eventLog)
            throws InterruptedException {
        return start(home, identity, store, config, eventLog, Hooks.NONE);
    }

    /** Starts a node with test-network hooks. */
    public static Node start(Home home, Identity identity, Store store, Config config, Consumer<String> eventLog,
                             Hooks hooks) throws InterruptedException {
        return start(home, identity, store, config, eventLog, hooks, List.of());
    }

    /**
     * Starts a node that speaks {@code extensions} besides its own protocols (replication, blobs,
     * addresses); what their visibility rules hide from a peer is neither sent to it nor taken from it.
     */
    public static Node start(Home home, Identity identity, Store store, Config config, Consumer<String> eventLog,
                             Hooks hooks, List<Protocol> extensions) throws InterruptedException {
        Node node = new Node(home, identity, store, config, eventLog, hooks, extensions);
        node.listening = node.transport.listen(config.listen());
        if (config.lan().enabled()) {
            node.lan.start(config.lan(), node.listening, config.network(), found -> node.onLoop(() -> node.lanFound(found)));
        }
        node.onLoop(() -> {
            PeerFile.load(home.peerFile(), node.table);
            for (PeerAddress a : config.bootstrap()) node.table.add(a, PeerTable.Source.BOOTSTRAP);
            node.replication.refreshInterest();
            node.tick();
        }).join();
        node.blobs.resume();
        // Channel attachments that arrived before a stop and were not fetched whole yet; and where
        // this node is now, for its channels' members.
        node.onLoop(() -> {
            node.channelBlobs(node.channels.blobsAtStart());
            node.channels.announce();
        });
        node.loop.scheduleWithFixedDelay(node.guarded(node::tick, false), config.tickMillis(), config.tickMillis(), TimeUnit.MILLISECONDS);
        node.loop.scheduleWithFixedDelay(node.guarded(node::savePeers, false), 60, 60, TimeUnit.SECONDS);
        store.recovery().ifPresent(r -> node.event("store rebuilt from its journal after an unclean shutdown: "
                + r.entries() + " entries in " + r.took().toMillis() + " ms" + (r.skipped() > 0 ? ", " + r.skipped() + " records skipped" : "")));
        node.event("listening on " + node.listening + " (" + config.network() + ", "
                + (node.transport.usesEpoll() ? "epoll" : "nio") + "), id " + identity.id());
        return node;
    }

    /** The blob files; safe to use from any thread. */
    public BlobStore blobFiles() {
        return blobs.files();
    }

    /** Starts fetching a blob from peers (size −1 when unknown); a no-op for one held whole. */
    public CompletableFuture<Void> fetchBlob(BlobId blob, long size) {
        // A channel blob is wanted from peers only, never relayed (PROTOCOL.md, "Replication among members").
        return channels.isChannelBlob(blob) ? blobs.fetch(blob, size, 1) : blobs.fetch(blob, size);
    }

    public CompletableFuture<Optional<BlobProgress>> blobProgress(BlobId blob) {
        return blobs.progress(blob);
    }

    /** Stops fetching a blob and removes its files; true if anything was held. */
    public CompletableFuture<Boolean> removeBlob(BlobId blob) {
        return blobs.remove(blob);
    }

    private boolean followedOrSelf(AuthorId author) {
        return author.equals(identity.id()) || store.indexes().follows(identity.id(), author);
    }

    public Home home() {
        return home;
    }

    public InetSocketAddress listenAddress() {
        return listening;
    }

    public AuthorId id() {
        return identity.id();
    }

    /**
     * Signs {@code content} as the user's next entry and stores it, on the node loop: while a node
     * runs, it is the one writer of the user's log. Then passes it on; the future fails with the
     * store's error if it could not be stored.
     */
    public CompletableFuture<Entry> publish(Content content) {
        return onLoop(() -> {
            Entry entry = publisher.publish(content);
            replication.published(entry);
            return entry;
        });
    }

    /**
     * What {@code peer} may see changed (a protocol's visibility rule now shows it more, or less):
     * replication asks it for the wanted feeds it sees now, and blob fetches are told to it.
     * Protocols whose rules change within a connection (a member proving itself) call this.
     */
    public void visibilityChanged(AuthorId peer) {
        onLoop(() -> {
            if (!connections.connected().containsKey(peer)) return;
            replication.replicator().visibilityChanged(peer);
            blobs.visibilityChanged(peer);
        });
    }

    /** Fetches the attachments of channel posts that arrived, as the attachments of followed people's posts are (up to the automatic size). */
    private void channelBlobs(List<org.grapevine.identity.channel.Sealing.BlobKey> keys) {
        for (var k : keys) {
            long size = org.grapevine.identity.channel.ChannelBlobs.encryptedSize(k.size());
            if (size <= config.blobs().autoFetchMax() && size <= config.blobs().maxSize()) blobs.fetch(k.blob(), size, 1);
        }
    }

    /** Runs {@code call} with the node's channels, on the node loop (every change to them happens there). */
    public <T> CompletableFuture<T> channels(Function<ChannelProtocol, T> call) {
        return onLoop(() -> call.apply(channels));
    }

    /** What the channel protocol asks of the node; every call comes on the node loop. */
    private final class ChannelHost implements ChannelProtocol.Host {
        @Override
        public Entry publish(Identity author, Content content) {
            Entry entry = new Publisher(author, store, clock).publish(content);
            replication.published(entry);
            return entry;
        }

        @Override
        public void interestChanged() {
            replication.refreshInterest();
        }

        @Override
        public void visibilityChanged(AuthorId peer) {
            Node.this.visibilityChanged(peer);
        }

        @Override
        public void authored(Set<AuthorId> personas) {
            replication.replicator().authored(personas);
        }

        @Override
        public List<String> reachableAt() {
            if (listening == null) return List.of();
            return List.of(new PeerAddress(LanAddress.of(listening), listening.getPort(), identity.id()).toString());
        }

        @Override
        public void dial(String address) {
            try {
                PeerAddress a = PeerAddress.parse(address);
                if (!identity.id().equals(a.expected())) addPeer(a, PeerTable.Source.INVITE);
            } catch (IllegalArgumentException bad) {
                // An address this node cannot read: the member's others may do.
            }
        }

        @Override
        public void fetch(List<org.grapevine.identity.channel.Sealing.BlobKey> keys) {
            channelBlobs(keys);
        }

        @Override
        public void reach(AuthorId person) {
            if (connections.connected().containsKey(person) || listening == null) return;
            long now = clock.getAsLong();
            DialPolicy.Connections c = connections.forDialPolicy();
            for (PeerAddress a : table.toDialFor(Set.of(person), now, 2, c.dialing(), c.ids())) connections.dial(a, listening, now);
        }

        @Override
        public void event(String line) {
            Node.this.event(line);
        }
    }

    /** Gives {@code author} the user's own name for them (empty removes it), on the node loop. */
    public CompletableFuture<Void> setPetname(AuthorId author, String name) {
        return onLoop(() -> store.indexes().setPetname(author, name));
    }

    /** The user posted {@code entry} (stored by another writer, as tests do): push it to peers, and follow the change if it was a follow or block. */
    public void published(Entry entry) {
        onLoop(() -> replication.published(entry));
    }

    /** Adds an address to dial (from an invite, a flag, the LAN). */
    public void addPeer(PeerAddress address, PeerTable.Source source) {
        onLoop(() -> {
            table.add(address, source);
            tick();
        });
    }

    public CompletableFuture<List<PeerInfo>> peers() {
        return onLoop(() -> {
            List<PeerInfo> out = new ArrayList<>();
            for (PeerChannel ch : connections.channels()) {
                InetSocketAddress r = ch.remoteAddress();
                out.add(new PeerInfo(ch.id(), r.getHostString() + ":" + r.getPort(), ch.outbound(), true, clock.getAsLong(), ""));
            }
            for (PeerTable.Known k : table.all()) {
                if (k.id() != null && connections.connected().containsKey(k.id())) continue;
                out.add(new PeerInfo(k.id(), k.address().endpoint(), true, false, k.lastSeen(), k.source().name()));
            }
            return out;
        });
    }

    /** The peers remembered in a home's peer table, for when no daemon runs. */
    public static List<PeerInfo> knownPeers(Home home) {
        PeerTable table = new PeerTable();
        PeerFile.load(home.peerFile(), table);
        List<PeerInfo> out = new ArrayList<>();
        for (PeerTable.Known k : table.all()) {
            out.add(new PeerInfo(k.id(), k.address().endpoint(), true, false, k.lastSeen(), k.source().name()));
        }
        return out;
    }

    /** Remembers an address in a home's peer table while no daemon runs (an accepted invite). */
    public static void rememberPeer(Home home, PeerAddress address, PeerTable.Source source) throws IOException {
        PeerTable table = new PeerTable();
        PeerFile.load(home.peerFile(), table);
        table.add(address, source);
        PeerFile.save(home.peerFile(), table);
    }

    public Config config() {
        return config;
    }

    public CompletableFuture<List<Replicator.FeedSync>> sync() {
        return onLoop(replication.replicator()::sync);
    }

    /** Bytes sent plus received (handshake and framing included) over the connections open now. */
    public CompletableFuture<Long> bytesMoved() {
        return onLoop(() -> {
            long sum = 0;
            for (PeerChannel ch : connections.channels()) sum += ch.bytesSent() + ch.bytesReceived();
            return sum;
        });
    }

    /**
     * What peers make this node hold now, against the bounds in {@link org.grapevine.gossip.limits.Limits}: connections,
     * bytes queued to peers and received but not handled (in all, and the most for one peer),
     * feeds named by peers that replication keeps track of, fetches and bytes for others, open
     * part files, known addresses, and inbound connections refused before their handshake.
     */
    public record Usage(int connections, int inbound, long queued, long mostQueued, long unhandled, long mostUnhandled,
                        int feedsTracked, int relays, long relayBytes, int openPartFiles, int addresses, long refusedBeforeHandshake) {}

    public CompletableFuture<Usage> usage() {
        return blobs.relays().thenCompose(relays -> onLoop(() -> {
            long queued = 0, mostQueued = 0, unhandled = 0, mostUnhandled = 0;
            int inbound = 0;
            for (PeerChannel ch : connections.channels()) {
                long q = ch.queued();
                long u = ch.unhandled();
                queued += q;
                unhandled += u;
                mostQueued = Math.max(mostQueued, q);
                mostUnhandled = Math.max(mostUnhandled, u);
                if (!ch.outbound()) inbound++;
            }
            return new Usage(connections.connected().size(), inbound, queued, mostQueued, unhandled, mostUnhandled, replication.replicator().feedsTracked(),
                    (int) relays[0], relays[1], blobs.files().openPartFiles(), table.all().size(), transport.refusedConnections());
        }));
    }

    private void lanFound(InetSocketAddress address) {
        if (closing) return;
        table.add(lan.found(address, clock.getAsLong()), PeerTable.Source.LAN);
        tick();
    }

    /** The nodes met over the LAN in this run. */
    public CompletableFuture<List<Nearby>> nearby() {
        return onLoop(() -> lan.list(connections.connected()::containsKey));
    }

    /**
     * Why {@code feed} is or is not arriving: replication's view of it, the peers the node knows
     * for its author, and whether it would dial them. Peers are named by {@code name}.
     */
    public CompletableFuture<String> explain(AuthorId feed, Function<AuthorId, String> name) {
        return onLoop(() -> {
            Replicator replicator = replication.replicator();
            StringBuilder b = new StringBuilder(replicator.explain(feed, name));
            long now = clock.getAsLong();
            boolean known = false;
            for (PeerTable.Known k : table.all()) {
                if (!feed.equals(k.id())) continue;
                known = true;
                b.append("\n  author's address ").append(k.address().endpoint()).append(" (").append(k.source())
                        .append(", ").append(k.failures()).append(" failures").append(connections.connected().containsKey(feed) ? ", connected" : "").append(')');
            }
            if (!known) b.append("\n  no address known for the author");
            if (replicator.unserved().contains(feed)) b.append("\n  unserved: no connected peer has a route to the author");
            addresses.explain(feed, now).ifPresent(l -> b.append("\n  located: ").append(l));
            b.append("\n  ").append(connections.connected().size()).append(" connections (").append(connections.outbound()).append(" outbound), ")
                    .append(connections.dialingCount()).append(" dials under way, ").append(table.all().size()).append(" addresses known");
            return b.toString();
        });
    }

    private void tick() {
        if (closing) return;
        long now = clock.getAsLong();
        table.newTick();
        protocols.tick();
        Replicator replicator = replication.replicator();
        // People a message waits for count as followed (their node is dialed) and, while not
        // connected, as unserved (their address is asked for).
        Set<AuthorId> correspondents = channels.correspondentsToReach();
        Set<AuthorId> following = new HashSet<>(store.indexes().following(identity.id()));
        following.addAll(correspondents);
        Set<AuthorId> wanted = new HashSet<>(replicator.wanted());
        wanted.addAll(correspondents);
        Set<AuthorId> unserved = new HashSet<>(replicator.unserved());
        for (AuthorId c : correspondents) {
            if (!connections.connected().containsKey(c)) unserved.add(c);
        }
        DialPolicy.Plan plan = dialPolicy.plan(table, connections.forDialPolicy(), new DialPolicy.Wants(following, wanted, unserved), now);
        if (plan.locating()) addresses.locate(plan.locate(), wanted, now);
        addresses.newTick();
        connections.endTick();
        for (PeerAddress a : plan.dial()) connections.dial(a, listening, now);
    }

    /** Dials {@code target} (for {@link Connections}, which is made before the transport). */
    private CompletableFuture<Void> connect(InetSocketAddress target) {
        return transport.connect(target);
    }

    private void savePeers() {
        try {
            PeerFile.save(home.peerFile(), table);
        } catch (IOException e) {
            event("cannot save the peer table: " + e.getMessage());
        }
    }

    private void event(String line) {
        eventLog.accept(line);
    }

    /** Runs {@code r} on the node loop; once the node has closed, the future fails and {@code r} does not run. */
    private CompletableFuture<Void> onLoop(Runnable r) {
        try {
            return CompletableFuture.runAsync(guarded(r, true), loop);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("node closed"));
        }
    }

    private <T> CompletableFuture<T> onLoop(Supplier<T> s) {
        try {
            return CompletableFuture.supplyAsync(s, loop);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("node closed"));
        }
    }

    /**
     * Logs what a task throws. A one-off task rethrows, failing its future; a periodic one
     * ({@code rethrow} false) must not, or the executor would never run it again.
     */
    private Runnable guarded(Runnable r, boolean rethrow) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                event("internal error: " + e);
                if (rethrow) throw e;
            }
        };
    }

    /** Transport events, moved onto the node loop. */
    private final class Events implements TransportEvents {
        @Override
        public void connected(PeerChannel peer) {
            // Netty reports the connection before any of its messages: queued behind the messages
            // of other peers and ahead of its own.
            inbox.add(Inbound.admission(peer));
            if (draining.compareAndSet(false, true)) onLoop(Node.this::drainInbox);
        }

        @Override
        public boolean checks(AuthorId feed) {
            return replication.wants(feed);
        }

        @Override
        public void received(PeerChannel peer, WireMessage message, int bytes) {
            inbox.add(new Inbound(peer, message, bytes));
            if (draining.compareAndSet(false, true)) onLoop(Node.this::drainInbox);
        }

        @Override
        public void writable(PeerChannel peer) {
            onLoop(() -> {
                if (connections.current(peer)) protocols.writable(peer.id());
            });
        }

        @Override
        public void disconnected(PeerChannel peer, String reason) {
            inbox.add(Inbound.end(peer, reason));
            if (draining.compareAndSet(false, true)) onLoop(Node.this::drainInbox);
        }

        @Override
        public void rejected(SocketAddress remote, String reason) {
            onLoop(() -> connections.rejected(remote, reason));
        }
    }

    /**
     * Hands what peers sent to the protocols, in arrival order, on the node loop. A drain handles
     * a bounded number of messages and leaves the rest to the next, so ticks and local work get
     * turns; a message's bytes count as handled once its protocol is done with it.
     */
    private void drainInbox() {
        draining.set(false); // First: a message added from now on schedules another drain.
        try {
            for (int handled = 0; handled < DRAIN_MESSAGES; handled++) {
                Inbound in = inbox.poll();
                if (in == null) break;
                PeerChannel peer = in.peer();
                if (in.message() == null) {
                    protocols.flush(); // the run before ends: protocols hear of connections from a settled state
                    if (in.closed() == null) connections.admit(peer);
                    else connections.disconnected(peer, in.closed());
                    continue;
                }
                if (!connections.current(peer)) {
                    peer.handled(in.bytes());
                    continue;
                }
                WireMessage message;
                try {
                    message = visible(peer, in.message());
                } catch (RuntimeException e) {
                    peer.handled(in.bytes());
                    throw e;
                }
                if (message == null) {
                    peer.handled(in.bytes());
                    continue;
                }
                protocols.received(peer, message, () -> peer.handled(in.bytes()));
            }
            protocols.flush();
        } finally {
            if (!inbox.isEmpty() && draining.compareAndSet(false, true)) onLoop(this::drainInbox);
        }
    }

    /**
     * What the peer may not see is not taken from it either, as if it had never been said; a
     * clock that named only hidden feeds still counts as a clock (an empty one), so that a peer's
     * first clock is its first; and a request for chunks of a hidden blob is answered as one for
     * a blob never heard of, with a have of nothing.
     */
    private WireMessage visible(PeerChannel peer, WireMessage message) {
        WireMessage shown = visibility.filter(peer.id(), message);
        if (shown == null && message instanceof WireMessage.Clock) return new WireMessage.Clock(List.of());
        if (shown == null && message instanceof WireMessage.BlobGet g) peer.send(WireMessage.BlobHave.nothing(g.blob()));
        return shown;
    }

    @Override
    public void close() {
        try {
            onLoop(() -> {
                closing = true;
                savePeers();
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            eventLog.accept("could not save peers on close: " + e);
        }
        lan.close();
        transport.close();
        loop.shutdown();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        blobs.close(); // After the loop: nothing hands it work any more.
    }
}
