package org.grapevine.node;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
import java.util.function.Supplier;
import org.grapevine.gossip.discovery.LanDiscovery;
import org.grapevine.gossip.discovery.LanInterfaces;
import org.grapevine.gossip.discovery.PeerAddress;
import org.grapevine.gossip.discovery.PeerTable;
import org.grapevine.gossip.limits.Limits;
import org.grapevine.gossip.replication.Replicator;
import org.grapevine.gossip.transport.NetworkKey;
import org.grapevine.gossip.transport.PeerChannel;
import org.grapevine.gossip.transport.Transport;
import org.grapevine.gossip.transport.TransportEvents;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.gossip.transport.LinkShaper;
import org.grapevine.node.blob.BlobStore;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.replication.Interest;
import org.grapevine.node.replication.StoreFeeds;
import org.grapevine.node.store.Store;

/**
 * A running node: the store, replication with connected peers, the transport, and the peer table
 * (bootstrap addresses, exchanged ones, reconnects with backoff). All protocol state lives on one
 * thread, the node loop; Netty threads and the control channel hand their work to it.
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
     * link shaper under every connection, an observer of what arrives, and a longer handshake
     * timeout (0 for the default) for many nodes sharing a few cores.
     */
    public record Hooks(EventLoopGroup group, LinkShaper shaper, Observer observer, long handshakeTimeoutMillis) {
        public static final Hooks NONE = new Hooks(null, LinkShaper.NONE, (from, entries) -> {}, 0);

        public Hooks(EventLoopGroup group, LinkShaper shaper, Observer observer) {
            this(group, shaper, observer, 0);
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
    private final ScheduledExecutorService loop;
    private final Replicator replicator;
    private final NodeBlobs blobs;
    private final Transport transport;
    private final PeerTable table = new PeerTable();
    private final Map<AuthorId, PeerChannel> connected = new LinkedHashMap<>();
    /** The table endpoint of each established connection, so failures back off the address that was dialed. */
    private final Map<PeerChannel, String> endpoints = new java.util.IdentityHashMap<>();
    /** Outbound dials under way, by the address dialed, with the endpoint they came from. */
    private final Map<InetSocketAddress, String> dialing = new HashMap<>();
    private InetSocketAddress listening;
    private final List<LanDiscovery> lan = new ArrayList<>();
    /** Nodes met over the LAN in this run, by the endpoint they announced. */
    private final Map<String, NearbyState> nearby = new LinkedHashMap<>();

    private static final class NearbyState {
        final long firstSeen;
        long lastSeen;
        AuthorId id;

        NearbyState(long now) {
            firstSeen = now;
            lastSeen = now;
        }
    }
    /** Set on the node loop when close begins: no more dials into a transport being shut down. */
    private boolean closing;
    /** Who may hold an inbound connection; banned ids; addresses whose strangers are refused. */
    private final Admission admission = new Admission();
    /** Inbound connections refused, and inbound handshakes failed, since the last tick: a few logged, the rest counted. */
    private int refusedSinceTick;
    private int failedSinceTick;
    static final int LOGGED_PER_TICK = 32;
    /** Connections a node may hold past its target to reach people it follows directly. */
    static final int FOLLOWED_EXTRA = 8;
    static final int FOLLOWED_DIALS_PER_TICK = 2;
    /** Further connections a node may open to authors whose feeds no connected peer replicates. */
    static final int UNSERVED_EXTRA = 4;
    /**
     * How many ticks (30 s by default) a node first waits before asking its peers again where an
     * author can be reached; the wait doubles with each ask, up to {@link #LOCATE_BACKOFF_LIMIT} times as long.
     */
    static final int LOCATE_AGAIN_TICKS = 30;
    static final int LOCATE_BACKOFF_LIMIT = 64;
    /** At most this many authors are asked after per tick. */
    static final int LOCATES_PER_TICK = 4;
    /** A peer is asked at most one Locate per this many ticks (30 s by default). */
    static final int LOCATE_PEER_TICKS = 30;
    /** When each connected peer was last asked a Locate. */
    private final Map<AuthorId, Long> locateAsked = new HashMap<>();
    /** Each Locate goes to at most this many peers, chosen at random. */
    static final int LOCATE_FANOUT = 8;
    /** Locates answered per peer since the last tick. */
    private final Map<AuthorId, Integer> locateAnswers = new HashMap<>();
    /** At most this many addresses answer a Locate. */
    static final int LOCATE_ANSWERS = 4;
    /** The feeds {@link Replicator#unserved} named on the last tick. */
    private Set<AuthorId> unservedBefore = Set.of();
    /** Authors whose whereabouts this node asked its peers for: when it may ask again, and the wait after that. */
    private final Map<AuthorId, Locating> located = new HashMap<>();
    private final Random random = new Random();

    private static final class Locating {
        /** When it was last asked after (0: never). */
        long asked;
        long next;
        long wait;

        Locating(long next, long wait) {
            this.next = next;
            this.wait = wait;
        }
    }
    /** At most this many messages per drain of the inbox, and at most this many entries per append. */
    static final int DRAIN_MESSAGES = 256;
    static final int DRAIN_ENTRIES = 4096;
    /** A message from a peer, waiting for the node loop. */
    private record Inbound(PeerChannel peer, WireMessage message, int bytes) {}
    private final Queue<Inbound> inbox = new ConcurrentLinkedQueue<>();
    /** Whether a drain of {@link #inbox} is scheduled or running. */
    private final AtomicBoolean draining = new AtomicBoolean();

    private final Hooks hooks;
    /** The feeds this node wants, for Netty's threads: entries of others are dropped unchecked. */
    private volatile Set<AuthorId> wantedFeeds = Set.of();

    private Node(Home home, Identity identity, Store store, Config config, Consumer<String> eventLog, Hooks hooks) {
        this.hooks = hooks;
        this.home = home;
        this.identity = identity;
        this.store = store;
        this.config = config;
        this.eventLog = eventLog;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "grapevine-node");
            t.setDaemon(true);
            return t;
        });
        this.blobs = new NodeBlobs(new BlobStore(home.blobDir(), store, config.blobs().maxSize(), System::currentTimeMillis),
                config.blobs(), this::event, peer -> onLoop(() -> {
                    PeerChannel ch = connected.get(peer);
                    if (ch != null) penalize(ch);
                }));
        this.replicator = new Replicator(identity.id(), new StoreFeeds(store, stored -> blobs.stored(stored, this::followedOrSelf)), System::currentTimeMillis, config.sourceSwitchMillis(),
                new Replicator.Events() {
                    @Override
                    public void stored(AuthorId peer, int count) {
                        admission.contributed(peer);
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
                        PeerChannel ch = connected.get(peer);
                        if (ch != null) penalize(ch);
                    }
                });
        Transport.Config transportConfig = Transport.Config.of(identity, config.network()).with(hooks.group(), hooks.shaper());
        if (hooks.handshakeTimeoutMillis() > 0) transportConfig = transportConfig.withHandshakeTimeout(hooks.handshakeTimeoutMillis());
        this.transport = new Transport(transportConfig, new Events());
    }

    /** Starts listening and connecting. The store stays the caller's to close, after this node. */
    public static Node start(Home home, Identity identity, Store store, Config config, Consumer<String> eventLog)
            throws InterruptedException {
        return start(home, identity, store, config, eventLog, Hooks.NONE);
    }

    /** Starts a node with test-network hooks. */
    public static Node start(Home home, Identity identity, Store store, Config config, Consumer<String> eventLog,
                             Hooks hooks) throws InterruptedException {
        Node node = new Node(home, identity, store, config, eventLog, hooks);
        node.listening = node.transport.listen(config.listen());
        if (config.lan().enabled()) node.startLan();
        node.onLoop(() -> {
            PeerFile.load(home.peerFile(), node.table);
            for (PeerAddress a : config.bootstrap()) node.table.add(a, PeerTable.Source.BOOTSTRAP);
            node.refreshInterest();
            node.tick();
        }).join();
        node.blobs.resume();
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
        return blobs.fetch(blob, size);
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

    public InetSocketAddress listenAddress() {
        return listening;
    }

    public AuthorId id() {
        return identity.id();
    }

    /** The user posted {@code entry}: push it to peers, and follow the change if it was a follow or block. */
    public void published(Entry entry) {
        onLoop(() -> {
            replicator.advanced(identity.id());
            int type = entry.header().contentType();
            if (type == Content.FOLLOW || type == Content.BLOCK) refreshInterest();
        });
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
            for (PeerChannel ch : connected.values()) {
                InetSocketAddress r = ch.remoteAddress();
                out.add(new PeerInfo(ch.id(), r.getHostString() + ":" + r.getPort(), ch.outbound(), true,
                        System.currentTimeMillis(), ""));
            }
            for (PeerTable.Known k : table.all()) {
                if (k.id() != null && connected.containsKey(k.id())) continue;
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
        return onLoop(replicator::sync);
    }

    /** Bytes sent plus received (handshake and framing included) over the connections open now. */
    public CompletableFuture<Long> bytesMoved() {
        return onLoop(() -> {
            long sum = 0;
            for (PeerChannel ch : connected.values()) sum += ch.bytesSent() + ch.bytesReceived();
            return sum;
        });
    }

    /**
     * What peers make this node hold now, against the bounds in {@link Limits}: connections,
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
            for (PeerChannel ch : connected.values()) {
                long q = ch.queued();
                long u = ch.unhandled();
                queued += q;
                unhandled += u;
                mostQueued = Math.max(mostQueued, q);
                mostUnhandled = Math.max(mostUnhandled, u);
                if (!ch.outbound()) inbound++;
            }
            return new Usage(connected.size(), inbound, queued, mostQueued, unhandled, mostUnhandled, replicator.feedsTracked(),
                    (int) relays[0], relays[1], blobs.files().openPartFiles(), table.all().size(), transport.refusedConnections());
        }));
    }

    private void startLan() {
        List<Inet4Address> addresses = config.lan().interfaceName() != null
                ? List.of(LanInterfaces.addressOf(config.lan().interfaceName()))
                : LanInterfaces.candidates().stream().map(LanInterfaces.Candidate::address).toList();
        InetAddress host = listening.getAddress();
        for (Inet4Address a : addresses) {
            if (!host.isAnyLocalAddress() && !host.equals(a)) {
                event("not announcing on " + a.getHostAddress() + ": listening on " + host.getHostAddress() + " only");
                continue;
            }
            try {
                lan.add(LanDiscovery.start(a, listening.getPort(), config.network(), found -> onLoop(() -> lanFound(found))));
                event("looking for nearby nodes on " + a.getHostAddress() + " (mDNS)");
            } catch (IOException e) {
                event("mDNS unavailable on " + a.getHostAddress() + ": " + e.getMessage());
            }
        }
        if (lan.isEmpty()) event("LAN discovery runs on no interface");
    }

    private void lanFound(InetSocketAddress address) {
        if (closing) return;
        PeerAddress peer = new PeerAddress(address.getAddress().getHostAddress(), address.getPort(), null);
        long now = System.currentTimeMillis();
        NearbyState state = nearby.get(peer.endpoint());
        if (state == null) {
            nearby.put(peer.endpoint(), state = new NearbyState(now));
            event("found " + peer.endpoint() + " on the LAN");
        }
        state.lastSeen = now;
        table.add(peer, PeerTable.Source.LAN);
        tick();
    }

    /** The nodes met over the LAN in this run. */
    public CompletableFuture<List<Nearby>> nearby() {
        return onLoop(() -> {
            List<Nearby> out = new ArrayList<>();
            nearby.forEach((endpoint, n) -> out.add(new Nearby(n.id, endpoint, n.firstSeen, n.lastSeen,
                    n.id != null && connected.containsKey(n.id))));
            return out;
        });
    }

    /**
     * Why {@code feed} is or is not arriving: replication's view of it, the peers the node knows
     * for its author, and whether it would dial them. Peers are named by {@code name}.
     */
    public CompletableFuture<String> explain(AuthorId feed, Function<AuthorId, String> name) {
        return onLoop(() -> {
            StringBuilder b = new StringBuilder(replicator.explain(feed, name));
            long now = System.currentTimeMillis();
            boolean known = false;
            for (PeerTable.Known k : table.all()) {
                if (!feed.equals(k.id())) continue;
                known = true;
                b.append("\n  author's address ").append(k.address().endpoint()).append(" (").append(k.source())
                        .append(", ").append(k.failures()).append(" failures").append(connected.containsKey(feed) ? ", connected" : "").append(')');
            }
            if (!known) b.append("\n  no address known for the author");
            if (replicator.unserved().contains(feed)) b.append("\n  unserved: no connected peer has a route to the author");
            Locating l = located.get(feed);
            if (l != null) {
                b.append("\n  located: ").append(l.asked == 0 ? "never asked" : "last asked " + (now - l.asked) / 1000 + " s ago")
                        .append(", next in ").append(Math.max(0, l.next - now) / 1000).append(" s");
            }
            long outbound = connected.values().stream().filter(PeerChannel::outbound).count();
            b.append("\n  ").append(connected.size()).append(" connections (").append(outbound).append(" outbound), ")
                    .append(dialing.size()).append(" dials under way, ").append(table.all().size()).append(" addresses known");
            return b.toString();
        });
    }

    private void refreshInterest() {
        Set<AuthorId> feeds = Interest.feeds(store.indexes(), identity.id(), config.hops());
        replicator.setWanted(feeds);
        wantedFeeds = Set.copyOf(feeds);
    }

    private void tick() {
        if (closing) return;
        table.newTick();
        replicator.tick();
        long now = System.currentTimeMillis();
        int slots = config.targetConnections() - connected.size() - dialing.size();
        List<PeerAddress> toDial = new ArrayList<>();
        if (slots > 0) toDial.addAll(table.toDial(now, slots, dialing.values(), connected.keySet(), identity.id()));
        // The authors of wanted feeds, people one follows first, are worth a direct connection even
        // past the target: their feeds then need no chain of peers who happen to replicate them
        // (and survive the loss of the friend through whom a feed came). A few per tick, bounded.
        long outbound = connected.values().stream().filter(PeerChannel::outbound).count();
        if (outbound + dialing.size() < config.targetConnections() + FOLLOWED_EXTRA) {
            if (!addAuthors(toDial, store.indexes().following(identity.id()), now)) addAuthors(toDial, replicator.wanted(), now);
        }
        // A wanted feed to whose author no connected peer has a route gets no new entries at all
        // (the peers who linked us to the author may all have gone): reach the author, even past
        // the budget above. Only feeds unserved on two ticks running: a peer's route to a feed
        // follows its clock by a round trip, and the feed is unserved in between.
        Set<AuthorId> unserved = replicator.unserved();
        Set<AuthorId> lasting = new LinkedHashSet<>(unserved);
        lasting.retainAll(unservedBefore);
        unservedBefore = unserved;
        if (outbound + dialing.size() < config.targetConnections() + FOLLOWED_EXTRA + UNSERVED_EXTRA) {
            addAuthors(toDial, lasting, now);
            locate(lasting, now);
        }
        locateAnswers.clear();
        int refusedUnlogged = refusedSinceTick - LOGGED_PER_TICK;
        int failedUnlogged = failedSinceTick - LOGGED_PER_TICK;
        if (refusedUnlogged > 0) event("refused " + refusedUnlogged + " more inbound connection" + (refusedUnlogged == 1 ? "" : "s"));
        if (failedUnlogged > 0) event(failedUnlogged + " more inbound handshake" + (failedUnlogged == 1 ? "" : "s") + " failed");
        refusedSinceTick = 0;
        failedSinceTick = 0;
        for (PeerAddress a : toDial) {
            InetSocketAddress target = a.socketAddress();
            if (target.isUnresolved() || target.equals(listening)) {
                table.failed(a.endpoint(), now);
                continue;
            }
            dialing.put(target, a.endpoint());
            transport.connect(target).whenComplete((ok, error) -> {
                if (error != null) {
                    onLoop(() -> {
                        dialing.remove(target);
                        table.failed(a.endpoint(), System.currentTimeMillis());
                        event("cannot reach " + a.endpoint() + ": " + error.getMessage());
                    });
                }
            });
        }
    }

    /**
     * Asks a few peers where the authors of unserved feeds can be reached, for those no address
     * is known of that worked at its last try. An author who stays out of reach (offline, say)
     * is asked after less and less often. Answers come as Peers and are dialed on a later tick.
     */
    private void locate(Set<AuthorId> unserved, long now) {
        located.keySet().retainAll(replicator.wanted()); // Kept while wanted, so the backoff survives a tick where the feed had a route.
        long peerWait = LOCATE_PEER_TICKS * config.tickMillis();
        locateAsked.keySet().retainAll(connected.keySet());
        long first = LOCATE_AGAIN_TICKS * config.tickMillis();
        // Those asked after least recently first: authors out of reach for good must not starve the others.
        List<AuthorId> due = new ArrayList<>();
        for (AuthorId author : unserved) {
            if (table.mayReach(author)) continue;
            if (now >= located.computeIfAbsent(author, a -> new Locating(now, first)).next) due.add(author);
        }
        due.sort(Comparator.comparingLong(a -> located.get(a).asked));
        int asked = 0;
        for (AuthorId author : due) {
            if (asked == LOCATES_PER_TICK) break;
            Locating l = located.get(author);
            // Peers not asked lately: authors nobody can reach (offline for good, say) must not
            // fill an idle connection with questions.
            List<PeerChannel> peers = new ArrayList<>();
            for (PeerChannel ch : connected.values()) {
                Long last = locateAsked.get(ch.id());
                if (last == null || now - last >= peerWait) peers.add(ch);
            }
            if (peers.isEmpty()) return;
            l.asked = now;
            l.next = now + l.wait;
            l.wait = Math.min(l.wait * 2, first * LOCATE_BACKOFF_LIMIT);
            asked++;
            Collections.shuffle(peers, random);
            for (PeerChannel ch : peers.subList(0, Math.min(LOCATE_FANOUT, peers.size()))) {
                locateAsked.put(ch.id(), now);
                ch.send(new WireMessage.Locate(author));
            }
        }
    }

    /** Adds to {@code toDial} a few known addresses of {@code authors} due for a dial; whether there were any. */
    private boolean addAuthors(List<PeerAddress> toDial, Set<AuthorId> authors, long now) {
        List<PeerAddress> found = table.toDialFor(authors, now, FOLLOWED_DIALS_PER_TICK, dialing.values(), connected.keySet());
        for (PeerAddress a : found) {
            if (!toDial.contains(a)) toDial.add(a);
        }
        return !found.isEmpty();
    }

    /**
     * A misbehaving peer: its id is refused for a while, the address we dialed it at is backed
     * off, and one it came in from counts towards refusing strangers from there.
     */
    private void penalize(PeerChannel ch) {
        long now = System.currentTimeMillis();
        admission.misbehaved(ch.id(), ch.outbound() ? null : ch.remoteAddress().getAddress(), now);
        String endpoint = endpoints.get(ch);
        if (endpoint != null) {
            for (int i = 0; i < 4; i++) table.failed(endpoint, now); // A longer backoff than for a plain failure.
        }
    }

    /** Whether {@code id} may have a slot strangers cannot take: followed, or delivered entries we wanted. */
    private boolean valued(AuthorId id) {
        return admission.contributor(id) || store.indexes().follows(identity.id(), id);
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

    /**
     * A connection finished its handshake: whether it is kept. A dialed address must show the id
     * expected there when that is more than a hint, and becomes verified; an inbound peer needs a
     * slot (see {@link Admission}), and the port it says it listens on is only a hint until a dial
     * there proves it.
     */
    private void admit(PeerChannel peer) {
        long now = System.currentTimeMillis();
        String endpoint = peer.outbound() ? dialing.remove(peer.remoteAddress()) : null;
        if (peer.id().equals(identity.id())) {
            peer.close(WireMessage.Reason.PROTOCOL, "connected to itself");
            if (endpoint != null) table.failed(endpoint, now);
            return;
        }
        PeerTable.Known known = endpoint == null ? null : table.get(endpoint);
        boolean unexpected = known != null && known.strict() && !known.address().expected().equals(peer.id());
        if (!unexpected && endpoint != null) unexpected = !table.succeeded(endpoint, peer.id(), now); // Verified here, if all is well.
        if (unexpected) {
            event("expected " + (known == null ? "another id" : known.address().expected()) + " at " + endpoint + " but found " + peer.id());
            peer.close(WireMessage.Reason.PROTOCOL, "unexpected identity");
            table.failed(endpoint, now);
            return;
        }
        if (endpoint != null) {
            // A dial proved who is at an address met on the LAN, whichever connection is kept.
            NearbyState met = nearby.get(endpoint);
            if (met != null) {
                met.id = peer.id();
                met.lastSeen = now;
            }
        }
        if (peer.outbound() && admission.banned(peer.id(), now)) {
            peer.close(WireMessage.Reason.PROTOCOL, "sent invalid data earlier");
            table.failed(endpoint, now);
            return;
        }
        PeerChannel existing = connected.get(peer.id());
        // Two nodes that dial each other at once must keep the same connection, or each would
        // close a different one: keep the one dialed by the smaller id.
        if (existing != null && !preferred(peer, existing)) {
            peer.close(WireMessage.Reason.DUPLICATE_CONNECTION, "already connected");
            return;
        }
        if (!peer.outbound()) {
            List<Admission.Held> held = new ArrayList<>();
            for (PeerChannel c : connected.values()) {
                if (!c.outbound() && c != existing) held.add(new Admission.Held(c.id(), valued(c.id())));
            }
            Admission.Verdict v = admission.inbound(peer.id(), peer.remoteAddress().getAddress(), valued(peer.id()), held, now);
            if (!v.accepted()) {
                if (refusedSinceTick++ < LOGGED_PER_TICK) event("refused " + peer.id() + " " + peer.remoteAddress().getHostString() + ": " + v.refusal());
                peer.close(v.reason(), v.refusal());
                return;
            }
            if (v.evict() != null) {
                PeerChannel stranger = connected.get(v.evict());
                event("disconnecting " + v.evict() + " to make room for " + peer.id());
                dropConnection(stranger);
                stranger.close(WireMessage.Reason.TOO_MANY_PEERS, "making room for a followed peer");
            }
        }
        if (existing != null) {
            dropConnection(existing);
            existing.close(WireMessage.Reason.DUPLICATE_CONNECTION, "replaced by another connection");
        }
        replicator.connected(peer);
        blobs.connected(peer);
        connected.put(peer.id(), peer);
        if (endpoint != null) {
            endpoints.put(peer, endpoint);
        } else if (peer.listenPort() > 0) {
            PeerAddress claimed = new PeerAddress(peer.remoteAddress().getAddress().getHostAddress(), peer.listenPort(), peer.id());
            // A hint: dialed (a few a tick) when the node wants more connections, and passed on only once that proved it.
            table.learn(claimed, PeerTable.Source.INBOUND, peer.id());
        }
        peer.send(new WireMessage.Peers(exchangeList(peer.id())));
        event("connected " + peer.id() + " " + peer.remoteAddress().getHostString() + ":" + peer.remoteAddress().getPort()
                + (peer.outbound() ? " (outbound)" : " (inbound)"));
    }

    /** Forgets a connection that is being closed here (its disconnect event then finds nothing to do). */
    private void dropConnection(PeerChannel ch) {
        connected.remove(ch.id());
        endpoints.remove(ch);
        replicator.disconnected(ch.id());
        blobs.disconnected(ch.id());
    }

    /** Transport events, moved onto the node loop. */
    private final class Events implements TransportEvents {
        @Override
        public void connected(PeerChannel peer) {
            onLoop(() -> admit(peer));
        }

        @Override
        public boolean checks(AuthorId feed) {
            return wantedFeeds.contains(feed);
        }

        @Override
        public void received(PeerChannel peer, WireMessage message, int bytes) {
            inbox.add(new Inbound(peer, message, bytes));
            if (draining.compareAndSet(false, true)) onLoop(Node.this::drainInbox);
        }

        @Override
        public void writable(PeerChannel peer) {
            onLoop(() -> {
                if (connected.get(peer.id()) != peer) return;
                replicator.writable(peer.id());
                blobs.writable(peer.id());
            });
        }

        @Override
        public void disconnected(PeerChannel peer, String reason) {
            onLoop(() -> {
                if (connected.get(peer.id()) != peer) return;
                String endpoint = endpoints.get(peer);
                dropConnection(peer);
                if (endpoint != null) table.failed(endpoint, System.currentTimeMillis());
                event("disconnected " + peer.id() + ": " + reason);
            });
        }

        @Override
        public void rejected(SocketAddress remote, String reason) {
            onLoop(() -> {
                String endpoint = remote instanceof InetSocketAddress r ? dialing.remove(r) : null;
                if (endpoint != null) {
                    table.failed(endpoint, System.currentTimeMillis());
                    event("handshake with " + remote + " failed: " + reason);
                } else if (failedSinceTick++ < LOGGED_PER_TICK) { // Inbound: a few lines per tick, whatever peers send.
                    event("handshake with " + remote + " failed: " + reason);
                }
            });
        }
    }

    /**
     * Handles what peers sent, in arrival order, on the node loop. Entries messages that follow
     * one another (from one peer or several) are stored with one append, so a node that falls
     * behind catches up with one commit per run instead of one per message. A drain handles a
     * bounded number of messages and leaves the rest to the next, so ticks and local work get turns.
     */
    private void drainInbox() {
        draining.set(false); // First: a message added from now on schedules another drain.
        List<Replicator.Arrival> run = new ArrayList<>();
        List<Inbound> runMessages = new ArrayList<>();
        int runEntries = 0;
        boolean graphChanged = false;
        try {
            for (int handled = 0; handled < DRAIN_MESSAGES; handled++) {
                Inbound in = inbox.poll();
                if (in == null) break;
                if (connected.get(in.peer().id()) != in.peer()) {
                    in.peer().handled(in.bytes());
                    continue;
                }
                if (in.message() instanceof WireMessage.Entries e) {
                    hooks.observer().received(in.peer().id(), e.entries());
                    run.add(new Replicator.Arrival(in.peer().id(), e.entries()));
                    runMessages.add(in);
                    runEntries += e.entries().size();
                    graphChanged |= touchesGraph(e.entries());
                    if (runEntries < DRAIN_ENTRIES) continue;
                }
                try {
                    storeRun(run, runMessages, graphChanged);
                } finally {
                    // Handled whatever became of the run: its bytes must count as handled.
                    if (!(in.message() instanceof WireMessage.Entries)) handle(in);
                }
                runEntries = 0;
                graphChanged = false;
            }
            storeRun(run, runMessages, graphChanged);
        } finally {
            if (!inbox.isEmpty() && draining.compareAndSet(false, true)) onLoop(this::drainInbox);
        }
    }

    private void storeRun(List<Replicator.Arrival> run, List<Inbound> messages, boolean graphChanged) {
        if (run.isEmpty()) return;
        try {
            replicator.receivedEntries(List.copyOf(run));
        } finally {
            for (Inbound in : messages) in.peer().handled(in.bytes());
            run.clear();
            messages.clear();
        }
        if (graphChanged) refreshInterest();
    }

    /** One message other than Entries from a connected peer; its bytes count as handled once it is done with. */
    private void handle(Inbound in) {
        if (NodeBlobs.isBlobMessage(in.message())) {
            blobs.received(in.peer().id(), in.message(), () -> in.peer().handled(in.bytes()));
            return;
        }
        try {
            handle(in.peer(), in.message());
        } finally {
            in.peer().handled(in.bytes());
        }
    }

    /** One message other than Entries from a connected peer. */
    private void handle(PeerChannel peer, WireMessage message) {
        if (message instanceof WireMessage.Peers p) {
            for (WireMessage.PeerAddress a : p.peers()) {
                // Only literal addresses: a host name would mean a blocking lookup on this thread.
                if (identity.id().equals(a.id()) || !isIpLiteral(a.host())) continue;
                // An answer to a Locate this node sent that peer, about an author it is looking for.
                boolean asked = a.id() != null && located.containsKey(a.id()) && locateAsked.containsKey(peer.id());
                table.learn(new PeerAddress(a.host(), a.port(), a.id()), PeerTable.Source.EXCHANGE, peer.id(), asked);
            }
        } else if (message instanceof WireMessage.Locate l) {
            // A few answers per peer and tick: each costs a look through the table.
            if (locateAnswers.merge(peer.id(), 1, Integer::sum) > Limits.LOCATE_ANSWERS_PER_TICK) return;
            List<WireMessage.PeerAddress> found = sendable(table.addressesOf(l.author(), LOCATE_ANSWERS));
            if (!found.isEmpty()) peer.send(new WireMessage.Peers(found));
        } else {
            replicator.received(peer.id(), message);
        }
    }

    /** Whether {@code candidate} should replace {@code existing}, a connection to the same peer. */
    private boolean preferred(PeerChannel candidate, PeerChannel existing) {
        if (candidate.outbound() == existing.outbound()) return false;
        AuthorId candidateDialer = candidate.outbound() ? identity.id() : candidate.id();
        AuthorId existingDialer = existing.outbound() ? identity.id() : existing.id();
        return candidateDialer.compareTo(existingDialer) < 0;
    }

    private List<WireMessage.PeerAddress> exchangeList(AuthorId to) {
        return sendable(table.firstHand(WireMessage.MAX_PEERS).stream().filter(a -> !to.equals(a.expected())).toList());
    }

    /** The addresses as Peers carries them, leaving out any it cannot. */
    private static List<WireMessage.PeerAddress> sendable(List<PeerAddress> addresses) {
        List<WireMessage.PeerAddress> out = new ArrayList<>();
        for (PeerAddress a : addresses) {
            try {
                out.add(new WireMessage.PeerAddress(a.host(), a.port(), a.expected()));
            } catch (IllegalArgumentException skip) {
                // Not sendable (a host name too long): keep it to ourselves.
            }
        }
        return out;
    }

    private static boolean isIpLiteral(String host) {
        return host.matches("[0-9.]+") || (host.contains(":") && host.matches("[0-9a-fA-F:.]+"));
    }

    private static boolean touchesGraph(List<Entry> entries) {
        for (Entry e : entries) {
            int t = e.header().contentType();
            if (t == Content.FOLLOW || t == Content.BLOCK) return true;
        }
        return false;
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
        lan.forEach(LanDiscovery::close); // jmDNS takes seconds to close: it finishes in the background.
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
