package org.grapevine.gossip.replication;

import org.grapevine.gossip.sim.RecordingPeer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.grapevine.gossip.policy.Visibility;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.gossip.wire.WireMessage.FeedState;
import org.grapevine.gossip.wire.WireMessage.Mode;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.Identity;
import org.junit.jupiter.api.Test;

/** How far authors are over connected peers, and what each peer is told of it. */
class RoutesTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final AuthorId self = Identity.generate(RANDOM).id();
    private final AuthorId far = Identity.generate(RANDOM).id();
    private final Map<AuthorId, ReplicaPeer> peers = new LinkedHashMap<>();
    private final Set<AuthorId> wanted = new LinkedHashSet<>(List.of(self, far));
    private final Routes routes = new Routes(self, peers, wanted, Visibility.PUBLIC);

    private ReplicaPeer peer() {
        ReplicaPeer p = new ReplicaPeer(new RecordingPeer(Identity.generate(RANDOM).id()));
        peers.put(p.link.id(), p);
        return p;
    }

    private static RecordingPeer link(ReplicaPeer p) {
        return (RecordingPeer) p.link;
    }

    @Test
    void aRouteIsOneHopMoreThanTheBestPeersAndNeverThroughThePeerItIsToldTo() {
        ReplicaPeer a = peer();
        ReplicaPeer b = peer();
        a.wants.put(far, Mode.EAGER);
        b.wants.put(far, Mode.LAZY);
        routes.learn(a, far, 1);
        routes.learn(b, far, 3);
        assertEquals(2, routes.route(far, null));
        assertEquals(4, routes.route(far, a), "told to a: the best route not through a");
        assertEquals(0, routes.route(self, null));
        assertEquals(WireMessage.NO_ROUTE, routes.route(a.link.id(), null), "a feed not wanted has no route");
        assertEquals(0, Routes.via(a, a.link.id()), "a peer is its own author");

        // A route from a peer that does not replicate the feed does not count.
        ReplicaPeer c = peer();
        assertEquals(false, routes.learn(c, far, 0));
        assertEquals(WireMessage.NO_ROUTE, Routes.via(c, far));
    }

    @Test
    void aFeedIsUnservedOnlyOnceEveryPeersClockIsInAndNoneHasARoute() {
        ReplicaPeer a = peer();
        assertEquals(Set.of(), routes.unserved(), "a's first clock is not in yet");
        a.greeted = true;
        assertEquals(Set.of(far), routes.unserved());
        a.wants.put(far, Mode.LAZY);
        routes.learn(a, far, 2);
        assertEquals(Set.of(), routes.unserved());
    }

    @Test
    void lostOrLongerRoutesTravelAtOnceAndShorterOnesWaitForTheTick() {
        ReplicaPeer a = peer();
        ReplicaPeer b = peer();
        a.wants.put(far, Mode.EAGER);
        b.wants.put(far, Mode.LAZY);
        routes.learn(a, far, 1);
        // b is told our route of 2 in a clock.
        assertEquals(new FeedState(far, 5, Mode.LAZY, 2), routes.tell(b, new FeedState(far, 5, Mode.LAZY, WireMessage.NO_ROUTE)));

        routes.learn(a, far, 3); // longer
        routes.rerouted(Set.of(far));
        routes.send(false);
        assertEquals(List.of(new WireMessage.Routes(List.of(new WireMessage.Route(far, 4)))), link(b).take(WireMessage.Routes.class));

        routes.learn(a, far, 1); // shorter: waits
        routes.rerouted(Set.of(far));
        routes.send(false);
        assertEquals(List.of(), link(b).take(WireMessage.Routes.class));
        routes.send(true);
        assertEquals(List.of(new WireMessage.Routes(List.of(new WireMessage.Route(far, 2)))), link(b).take(WireMessage.Routes.class));

        routes.learn(a, far, WireMessage.NO_ROUTE); // gone
        routes.rerouted(Set.of(far));
        routes.send(false);
        assertEquals(List.of(new WireMessage.Routes(List.of(new WireMessage.Route(far, WireMessage.NO_ROUTE)))),
                link(b).take(WireMessage.Routes.class));
        assertEquals(List.of(), link(a).take(WireMessage.Routes.class), "a was never told a route, and has none from us");
    }
}
