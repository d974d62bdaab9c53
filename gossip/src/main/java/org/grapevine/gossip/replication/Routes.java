package org.grapevine.gossip.replication;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.grapevine.gossip.policy.Visibility;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.gossip.wire.WireMessage.FeedState;
import org.grapevine.gossip.wire.WireMessage.Mode;
import org.grapevine.identity.AuthorId;

/**
 * How far each wanted feed's author is, over connected peers (docs/PROTOCOL.md, "Routes"): what
 * peers told, what each was told, and which feeds have nobody with a route. A peer is told the
 * best route not through itself, so that two nodes cut off from an author do not keep each
 * other's routes alive; longer or lost routes travel at once, shorter ones once a tick.
 */
final class Routes {
    private final AuthorId self;
    /** Feeds this node writes besides its own (channel personas). */
    final Set<AuthorId> authored = new java.util.HashSet<>();
    private final Map<AuthorId, ReplicaPeer> peers;
    private final Set<AuthorId> wanted;
    private final Visibility visibility;

    /** Over the replicator's live map of peers and set of wanted feeds; a peer hears no route of a feed hidden from it. */
    Routes(AuthorId self, Map<AuthorId, ReplicaPeer> peers, Set<AuthorId> wanted, Visibility visibility) {
        this.visibility = visibility;
        this.self = self;
        this.peers = peers;
        this.wanted = wanted;
    }

    /**
     * Wanted feeds (other than our own) to whose authors no connected peer knows a route, as far
     * as their clocks and routes told; nothing until every peer's first clock is in.
     */
    Set<AuthorId> unserved() {
        Set<AuthorId> out = new LinkedHashSet<>();
        for (ReplicaPeer p : peers.values()) {
            if (!p.greeted) return out; // Wait for every clock first.
        }
        for (AuthorId feed : wanted) {
            if (route(feed, null) == WireMessage.NO_ROUTE) out.add(feed);
        }
        return out;
    }

    /**
     * Hops from this node to {@code feed}'s author over connected peers that replicate the feed,
     * leaving out {@code except}, or {@link WireMessage#NO_ROUTE}.
     */
    int route(AuthorId feed, ReplicaPeer except) {
        if (feed.equals(self)) return 0;
        // Feeds this node writes under another name (channel personas): one hop, so that a route
        // never says that their author is here.
        if (authored.contains(feed)) return 1;
        if (!wanted.contains(feed)) return WireMessage.NO_ROUTE;
        int best = WireMessage.NO_ROUTE;
        for (ReplicaPeer p : peers.values()) {
            if (p != except) best = Math.min(best, via(p, feed));
        }
        return best >= WireMessage.MAX_ROUTE ? WireMessage.NO_ROUTE : best + 1;
    }

    /** The route {@code peer} has to {@code feed}'s author: none unless it replicates the feed. */
    static int via(ReplicaPeer peer, AuthorId feed) {
        if (feed.equals(peer.link.id())) return 0;
        if (!peer.wants.containsKey(feed)) return WireMessage.NO_ROUTE;
        return peer.routes.getOrDefault(feed, WireMessage.NO_ROUTE);
    }

    /** Routes of {@code feeds} may have changed: every peer replicating one hears its new route. */
    void rerouted(Set<AuthorId> feeds) {
        for (ReplicaPeer p : peers.values()) {
            for (AuthorId feed : feeds) {
                if (p.wants.containsKey(feed)) p.routeNotes.add(feed);
            }
        }
    }

    /** {@code feeds} ceased or began to be wanted: every peer hears their routes again. */
    void wantedChanged(Set<AuthorId> feeds) {
        for (ReplicaPeer p : peers.values()) {
            for (AuthorId feed : feeds) {
                if (visibility.feed(p.link.id(), feed)) p.routeNotes.add(feed);
            }
        }
    }

    /**
     * Records {@code peer}'s route to the author of a feed it replicates (others are not kept);
     * whether that changed.
     */
    boolean learn(ReplicaPeer peer, AuthorId feed, int hops) {
        if (!peer.wants.containsKey(feed)) return false;
        Integer now = hops == WireMessage.NO_ROUTE ? null : hops;
        Integer old = now == null ? peer.routes.remove(feed) : peer.routes.put(feed, now);
        return !Objects.equals(old, now);
    }

    /** A Routes message from {@code peer}: its routes are recorded, and peers hear of wanted feeds whose route changed. */
    void received(ReplicaPeer peer, List<WireMessage.Route> routes) {
        Set<AuthorId> changed = new LinkedHashSet<>();
        for (WireMessage.Route r : routes) {
            if (learn(peer, r.feed(), r.hops()) && wanted.contains(r.feed())) changed.add(r.feed());
        }
        rerouted(changed);
    }

    /** {@code state} as {@code peer} is sent it in a clock, with our route to the author, which is noted as told. */
    FeedState tell(ReplicaPeer peer, FeedState state) {
        int hops = state.mode() == Mode.NONE ? WireMessage.NO_ROUTE : route(state.feed(), peer);
        if (hops == WireMessage.NO_ROUTE) peer.toldRoutes.remove(state.feed());
        else peer.toldRoutes.put(state.feed(), hops);
        return state.withRoute(hops);
    }

    /**
     * Sends each peer the routes it should hear again that differ from what it was told: with
     * {@code better}, all of them; otherwise only routes that got longer or went, which must
     * travel at once (a loop cut off from the author counts its route up until it is none),
     * while shorter ones wait for the next tick, which sends each peer the improvements of a
     * whole second in one message.
     */
    void send(boolean better) {
        for (ReplicaPeer p : peers.values()) {
            if (p.routeNotes.isEmpty()) continue;
            List<WireMessage.Route> changed = new ArrayList<>();
            for (var it = p.routeNotes.iterator(); it.hasNext(); ) {
                AuthorId feed = it.next();
                // Neither an author nor the peer of ours that is one needs telling how far the author is,
                // and a peer is told nothing of a feed hidden from it.
                if (feed.equals(self) || feed.equals(p.link.id()) || !visibility.feed(p.link.id(), feed)) {
                    it.remove();
                    continue;
                }
                int hops = route(feed, p);
                Integer told = p.toldRoutes.get(feed);
                if (told == null ? hops == WireMessage.NO_ROUTE : told == hops) {
                    it.remove();
                    continue;
                }
                if (!better && told != null && hops < told) continue;
                if (!better && told == null) continue;
                it.remove();
                if (hops == WireMessage.NO_ROUTE) p.toldRoutes.remove(feed);
                else p.toldRoutes.put(feed, hops);
                changed.add(new WireMessage.Route(feed, hops));
            }
            for (int i = 0; i < changed.size(); i += WireMessage.MAX_CLOCK_FEEDS) {
                p.link.send(new WireMessage.Routes(changed.subList(i, Math.min(changed.size(), i + WireMessage.MAX_CLOCK_FEEDS))));
            }
        }
    }

    /** A route for people: "the author", "author 2 hops away", "no route to the author". */
    static String describe(int route) {
        if (route == 0) return "the author";
        return route == WireMessage.NO_ROUTE ? "no route to the author" : "author " + route + (route == 1 ? " hop" : " hops") + " away";
    }
}
