package org.grapevine.node;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.grapevine.gossip.discovery.Admission;
import org.grapevine.gossip.discovery.DialPolicy;
import org.grapevine.gossip.discovery.PeerAddress;
import org.grapevine.gossip.discovery.PeerTable;
import org.grapevine.gossip.policy.Visibility;
import org.grapevine.gossip.transport.PeerChannel;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;
import org.grapevine.node.protocol.Protocols;

/**
 * A node's connections: which are kept once their handshake is done, the dials under way, and
 * what becomes of a peer that misbehaves. A dialed address must show the id expected there and
 * becomes verified; an inbound peer needs a slot ({@link Admission}); of two connections to one
 * peer, both sides keep the same. State on the node loop.
 */
final class Connections {
    /** Inbound connections refused, and inbound handshakes failed, logged per tick; the rest are counted. */
    static final int LOGGED_PER_TICK = 32;

    /** What a connection needs from the rest of the node. */
    record Context(AuthorId self, PeerTable table, LanPresence lan, Protocols protocols, Visibility visibility,
                   Predicate<AuthorId> followed, LongSupplier clock, Consumer<String> events,
                   Function<InetSocketAddress, CompletableFuture<?>> connect, Consumer<Runnable> onLoop) {}

    private final Context c;
    private final Map<AuthorId, PeerChannel> connected = new LinkedHashMap<>();
    /** The table endpoint of each established connection, so failures back off the address that was dialed. */
    private final Map<PeerChannel, String> endpoints = new IdentityHashMap<>();
    /** Outbound dials under way, by the address dialed, with the endpoint they came from. */
    private final Map<InetSocketAddress, String> dialing = new HashMap<>();
    /** Who may hold an inbound connection; banned ids; addresses whose strangers are refused. */
    private final Admission admission = new Admission();
    private int refusedSinceTick;
    private int failedSinceTick;

    Connections(Context context) {
        this.c = context;
    }

    /** The connections kept, by peer; a read-only view. */
    Map<AuthorId, PeerChannel> connected() {
        return Collections.unmodifiableMap(connected);
    }

    /** Whether {@code peer} is the connection kept for its id. */
    boolean current(PeerChannel peer) {
        return connected.get(peer.id()) == peer;
    }

    int dialingCount() {
        return dialing.size();
    }

    long outbound() {
        return connected.values().stream().filter(PeerChannel::outbound).count();
    }

    /** The node's connections as {@link DialPolicy} sees them. */
    DialPolicy.Connections forDialPolicy() {
        return new DialPolicy.Connections(connected.size(), outbound(), dialing.values(), connected.keySet());
    }

    /** {@code peer} delivered entries of a feed the node wants: it earns a slot strangers cannot take. */
    void contributed(AuthorId peer) {
        admission.contributed(peer);
    }

    /** Dials {@code a}, unless it is this node's own address or cannot be resolved. */
    void dial(PeerAddress a, InetSocketAddress listening, long now) {
        InetSocketAddress target = a.socketAddress();
        if (target.isUnresolved() || target.equals(listening)) {
            c.table().failed(a.endpoint(), now);
            return;
        }
        dialing.put(target, a.endpoint());
        c.connect().apply(target).whenComplete((ok, error) -> {
            if (error != null) {
                c.onLoop().accept(() -> {
                    dialing.remove(target);
                    c.table().failed(a.endpoint(), c.clock().getAsLong());
                    c.events().accept("cannot reach " + a.endpoint() + ": " + error.getMessage());
                });
            }
        });
    }

    /**
     * A misbehaving peer: its id is refused for a while, the address we dialed it at is backed
     * off, and one it came in from counts towards refusing strangers from there.
     */
    void penalize(AuthorId peer) {
        PeerChannel ch = connected.get(peer);
        if (ch == null) return;
        long now = c.clock().getAsLong();
        admission.misbehaved(ch.id(), ch.outbound() ? null : ch.remoteAddress().getAddress(), now);
        String endpoint = endpoints.get(ch);
        if (endpoint != null) {
            for (int i = 0; i < 4; i++) c.table().failed(endpoint, now); // A longer backoff than for a plain failure.
        }
    }

    /** Whether {@code id} may have a slot strangers cannot take: followed, or delivered entries we wanted. */
    private boolean valued(AuthorId id) {
        return admission.contributor(id) || c.followed().test(id);
    }

    /**
     * A connection finished its handshake: whether it is kept. A dialed address must show the id
     * expected there when that is more than a hint, and becomes verified; an inbound peer needs a
     * slot (see {@link Admission}), and the port it says it listens on is only a hint until a dial
     * there proves it.
     */
    void admit(PeerChannel peer) {
        long now = c.clock().getAsLong();
        PeerTable table = c.table();
        String endpoint = peer.outbound() ? dialing.remove(peer.remoteAddress()) : null;
        if (peer.id().equals(c.self())) {
            peer.close(WireMessage.Reason.PROTOCOL, "connected to itself");
            if (endpoint != null) table.failed(endpoint, now);
            return;
        }
        PeerTable.Known known = endpoint == null ? null : table.get(endpoint);
        boolean unexpected = known != null && known.strict() && !known.address().expected().equals(peer.id());
        if (!unexpected && endpoint != null) unexpected = !table.succeeded(endpoint, peer.id(), now); // Verified here, if all is well.
        if (unexpected) {
            c.events().accept("expected " + (known == null ? "another id" : known.address().expected()) + " at " + endpoint + " but found " + peer.id());
            peer.close(WireMessage.Reason.PROTOCOL, "unexpected identity");
            table.failed(endpoint, now);
            return;
        }
        if (endpoint != null) c.lan().proved(endpoint, peer.id(), now);
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
            for (PeerChannel ch : connected.values()) {
                if (!ch.outbound() && ch != existing) held.add(new Admission.Held(ch.id(), valued(ch.id())));
            }
            Admission.Verdict v = admission.inbound(peer.id(), peer.remoteAddress().getAddress(), valued(peer.id()), held, now);
            if (!v.accepted()) {
                if (refusedSinceTick++ < LOGGED_PER_TICK) {
                    c.events().accept("refused " + peer.id() + " " + peer.remoteAddress().getHostString() + ": " + v.refusal());
                }
                peer.close(v.reason(), v.refusal());
                return;
            }
            if (v.evict() != null) {
                PeerChannel stranger = connected.get(v.evict());
                c.events().accept("disconnecting " + v.evict() + " to make room for " + peer.id());
                drop(stranger);
                stranger.close(WireMessage.Reason.TOO_MANY_PEERS, "making room for a followed peer");
            }
        }
        if (existing != null) {
            drop(existing);
            existing.close(WireMessage.Reason.DUPLICATE_CONNECTION, "replaced by another connection");
        }
        if (c.visibility() != Visibility.PUBLIC) peer.show(c.visibility());
        connected.put(peer.id(), peer);
        if (endpoint != null) {
            endpoints.put(peer, endpoint);
        } else if (peer.listenPort() > 0) {
            PeerAddress claimed = new PeerAddress(peer.remoteAddress().getAddress().getHostAddress(), peer.listenPort(), peer.id());
            // A hint: dialed (a few a tick) when the node wants more connections, and passed on only once that proved it.
            table.learn(claimed, PeerTable.Source.INBOUND, peer.id());
        }
        c.protocols().connected(peer);
        c.events().accept("connected " + peer.id() + " " + peer.remoteAddress().getHostString() + ":" + peer.remoteAddress().getPort()
                + (peer.outbound() ? " (outbound)" : " (inbound)"));
    }

    /** The connection closed (by either side); its dialed address, if any, backs off. */
    void disconnected(PeerChannel peer, String reason) {
        if (!current(peer)) return;
        String endpoint = endpoints.get(peer);
        drop(peer);
        if (endpoint != null) c.table().failed(endpoint, c.clock().getAsLong());
        c.events().accept("disconnected " + peer.id() + ": " + reason);
    }

    /** A handshake failed: a dial's address backs off; inbound ones are logged a few per tick. */
    void rejected(SocketAddress remote, String reason) {
        String endpoint = remote instanceof InetSocketAddress r ? dialing.remove(r) : null;
        if (endpoint != null) {
            c.table().failed(endpoint, c.clock().getAsLong());
            c.events().accept("handshake with " + remote + " failed: " + reason);
        } else if (failedSinceTick++ < LOGGED_PER_TICK) { // Inbound: a few lines per tick, whatever peers send.
            c.events().accept("handshake with " + remote + " failed: " + reason);
        }
    }

    /** A tick ended: the refusals and failures not logged are counted in one line each. */
    void endTick() {
        int refusedUnlogged = refusedSinceTick - LOGGED_PER_TICK;
        int failedUnlogged = failedSinceTick - LOGGED_PER_TICK;
        if (refusedUnlogged > 0) c.events().accept("refused " + refusedUnlogged + " more inbound connection" + (refusedUnlogged == 1 ? "" : "s"));
        if (failedUnlogged > 0) c.events().accept(failedUnlogged + " more inbound handshake" + (failedUnlogged == 1 ? "" : "s") + " failed");
        refusedSinceTick = 0;
        failedSinceTick = 0;
    }

    /** Forgets a connection that is being closed here (its disconnect event then finds nothing to do). */
    private void drop(PeerChannel ch) {
        connected.remove(ch.id());
        endpoints.remove(ch);
        c.protocols().disconnected(ch.id());
    }

    /** Whether {@code candidate} should replace {@code existing}, a connection to the same peer. */
    private boolean preferred(PeerChannel candidate, PeerChannel existing) {
        if (candidate.outbound() == existing.outbound()) return false;
        AuthorId candidateDialer = candidate.outbound() ? c.self() : candidate.id();
        AuthorId existingDialer = existing.outbound() ? c.self() : existing.id();
        return candidateDialer.compareTo(existingDialer) < 0;
    }

    /** The peers connected now. */
    Collection<PeerChannel> channels() {
        return connected.values();
    }
}
