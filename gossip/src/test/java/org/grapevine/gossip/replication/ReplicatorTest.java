package org.grapevine.gossip.replication;

import org.grapevine.gossip.sim.SimNet;
import org.grapevine.gossip.sim.SimWire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.grapevine.gossip.replication.FeedStore.Outcome;
import org.grapevine.gossip.wire.WireCodec;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.gossip.wire.WireMessage.CaughtUp;
import org.grapevine.gossip.wire.WireMessage.Clock;
import org.grapevine.gossip.wire.WireMessage.Entries;
import org.grapevine.gossip.wire.WireMessage.FeedState;
import org.grapevine.gossip.wire.WireMessage.Mode;
import org.grapevine.gossip.wire.WireMessage.Reason;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.log.Entry;
import org.junit.jupiter.api.Test;

/** Replication stories on a simulated network: who ends up holding what, and at what cost in messages. */
class ReplicatorTest {
    private final SimNet<SimNode> net = SimNode.network();
    private final SimNode alice = net.node("alice");
    private final SimNode bob = net.node("bob");
    private final SimNode carol = net.node("carol");

    // ---- two nodes

    @Test
    void aLateFollowerGetsAThousandEntriesInOrder() {
        bob.wants(alice);
        alice.posts(1000);
        net.resetCounters();

        net.connect(alice, bob);
        net.deliverAll();

        assertEquals(alice.store().entries(alice.id()), bob.store().entries(alice.id()));
        assertEquals("alice 1000", bob.texts(alice).get(999));
        assertEquals(1000, bob.store().count(Outcome.STORED));
        assertEquals(0, bob.store().count(Outcome.DUPLICATE) + bob.store().count(Outcome.OUT_OF_ORDER));
        assertEquals(1000, bob.storedReported());
        // One batch (up to 1,024 entries) and one note that the feed is done.
        SimWire toBob = net.link(alice, bob);
        assertEquals(1000, toBob.entriesSent());
        assertEquals(1, toBob.count(Entries.class));
        assertEquals(List.of(new CaughtUp(alice.id(), 1000)), ofType(toBob, CaughtUp.class));
        // Alice hears bob's clock and nothing else: bob has nothing she wants and tells her nothing new.
        SimWire toAlice = net.link(bob, alice);
        assertEquals(List.of(Clock.class), types(toAlice));
        assertEquals(0, alice.store().appendCalls());
        assertTrue(alice.misbehaviour().isEmpty() && bob.misbehaviour().isEmpty());

        assertTrue(bob.caughtUp());
        Replicator.FeedSync aliceFeed = syncOf(bob, alice);
        assertEquals(new Replicator.FeedSync(alice.id(), 1000, 1000, true), aliceFeed);
        assertTrue(alice.caughtUp());
    }

    @Test
    void aNewEntryIsPushedLiveInExactlyOneMessage() {
        bob.wants(alice);
        alice.posts(10);
        net.connect(alice, bob);
        net.deliverAll();
        net.resetCounters();

        Entry e = alice.post("one more");
        net.deliverAll();

        assertEquals(11, bob.holds(alice));
        assertEquals("one more", bob.texts(alice).get(10));
        assertEquals(1, net.link(alice, bob).count(Entries.class));
        assertEquals(1, net.link(alice, bob).messagesCarrying(e.id()));
        assertEquals(1, net.link(alice, bob).entriesSent());
        assertEquals(List.of(), types(net.link(bob, alice)), "bob has nothing to say about an entry he got");
        assertEquals(0, bob.store().count(Outcome.DUPLICATE));
        assertTrue(bob.caughtUp());
    }

    @Test
    void aReconnectingFollowerGetsOnlyWhatItLacks() {
        bob.wants(alice);
        alice.posts(10);
        net.connect(alice, bob);
        net.deliverAll();
        net.disconnect(alice, bob);
        alice.posts(5);
        net.resetCounters();

        net.connect(alice, bob);
        net.deliverAll();

        assertEquals(15, bob.holds(alice));
        assertEquals(5, net.link(alice, bob).entriesSent());
        assertEquals(0, bob.store().count(Outcome.DUPLICATE));
    }

    @Test
    void aNodeThatDoesNotWantAFeedGetsNoneOfIt() {
        alice.posts(10);
        net.connect(alice, carol);
        net.deliverAll();
        alice.post("and live");
        net.deliverAll();

        assertEquals(0, carol.holds(alice));
        assertEquals(0, carol.store().appendCalls());
        assertEquals(0, net.link(alice, carol).entriesSent());
        assertEquals(List.of(carol.id()), carol.replicator().sync().stream().map(Replicator.FeedSync::feed).toList());
    }

    @Test
    void wantingAFeedLaterFetchesItAndUnwantingStopsThePush() {
        alice.posts(10);
        net.connect(alice, bob);
        net.deliverAll();
        assertEquals(0, bob.holds(alice));

        bob.wants(alice);
        net.deliverAll();
        assertEquals(10, bob.holds(alice));

        bob.wants();
        net.deliverAll();
        net.resetCounters();
        alice.posts(3);
        net.deliverAll();
        assertEquals(10, bob.holds(alice));
        assertEquals(0, net.link(alice, bob).entriesSent());
    }

    @Test
    void entriesOfAFeedNotWantedAreNotStoredEvenIfAPeerPushesThem() {
        SimNode mallory = net.node("mallory").wants(alice);
        alice.posts(3);
        net.connect(alice, mallory);
        net.deliverAll();
        net.connect(mallory, bob);
        net.deliverAll();

        // Bob never asked for alice's feed (he may have blocked her); mallory sends it anyway.
        net.link(mallory, bob).inject(new Entries(mallory.store().entries(alice.id())));
        net.deliverAll();

        assertEquals(0, bob.holds(alice));
    }

    @Test
    void idleNodesSendNothing() {
        bob.wants(alice);
        carol.wants(alice, bob);
        alice.posts(20);
        bob.posts(5);
        net.connect(alice, bob);
        net.connect(bob, carol);
        net.connect(alice, carol);
        net.deliverAll();
        assertEquals(20, carol.holds(alice));
        assertEquals(5, carol.holds(bob));
        settle(); // The first tick tells the routes the connections made.
        net.resetCounters();

        net.tickAll();
        net.deliverAll();
        net.advance(3_600_000);
        net.tickAll();
        net.deliverAll();

        assertEquals(0, net.sent(), "no clocks, notes or entries while nothing changes");
        assertTrue(alice.caughtUp() && bob.caughtUp() && carol.caughtUp());
    }

    // ---- several peers: one eager source per feed

    @Test
    void withTwoPeersHoldingAFeedEachEntryArrivesAboutOnce() {
        bob.wants(alice);
        carol.wants(alice);
        net.connect(alice, bob);
        net.connect(alice, carol);
        net.connect(bob, carol);
        net.deliverAll();

        int duplicates = postOneByOne(100);

        assertEquals(alice.store().entries(alice.id()), carol.store().entries(alice.id()));
        assertEquals(100, bob.holds(alice));
        assertTrue(duplicates <= 5, "carol got " + duplicates + " duplicates of 100 entries");
        assertTrue(bob.store().duplicates(alice.id()) <= 5, "bob got " + bob.store().duplicates(alice.id()));
        // Bob only told carol what he holds; alice streamed to her directly.
        assertEquals(100, net.link(alice, carol).entriesSent());
        assertEquals(0, net.link(bob, carol).entriesSent());
        report("eager/lazy (alice-bob, alice-carol, bob-carol)", duplicates);

        // Without the direct link bob becomes carol's source and relays each entry, still once.
        net.disconnect(alice, carol);
        int more = postOneByOne(10);
        assertEquals(alice.store().entries(alice.id()), carol.store().entries(alice.id()));
        assertEquals(10, net.link(bob, carol).entriesSent());
        assertEquals(0, more);
    }

    @Test
    void whenTheRelayConnectedFirstTheTreeStillSettlesOnOneCopy() {
        // Carol's first peer, and so her first source, is bob, who relays; alice's direct notes
        // tell her of entries before bob's copies arrive.
        bob.wants(alice);
        carol.wants(alice);
        net.connect(bob, carol);
        net.connect(alice, bob);
        net.connect(alice, carol);
        net.deliverAll();

        int duplicates = postOneByOne(100);

        assertEquals(100, carol.holds(alice));
        assertTrue(duplicates <= 5, "carol got " + duplicates + " duplicates of 100 entries");
        assertTrue(bob.store().duplicates(alice.id()) <= 5, "bob got " + bob.store().duplicates(alice.id()));
        report("eager/lazy (bob-carol first)", duplicates);
    }

    @Test
    void aFollowerConnectedToTheAuthorTakesItAsSourceWithNoCopyTwice() {
        // Carol met bob first, so he was her source; once alice herself is connected, she is.
        bob.wants(alice);
        carol.wants(alice);
        alice.posts(5);
        net.connect(bob, carol);
        net.connect(alice, bob);
        net.deliverAll();
        assertEquals(5, carol.holds(alice));
        net.connect(alice, carol);
        net.deliverAll();

        int duplicates = postOneByOne(20);

        assertEquals(0, duplicates);
        assertEquals(20, net.link(alice, carol).entriesSent());
        assertEquals(0, net.link(bob, carol).entriesSent());
    }

    @Test
    void aLazyPeerThatAnnouncesEntriesFirstTwiceRunningBecomesTheSourceWithNoCopyTwice() {
        SimNode dave = carolOnBobWithDaveLazy();
        // Bob's link to carol is slow.

        for (int i = 1; i <= Replicator.LEADS_BEFORE_SWITCH; i++) {
            net.link(bob, carol).setWritable(false);
            alice.post("slow " + i);
            net.deliverAll();
            assertEquals(2 + i, carol.holds(alice), "dave only announced it");
            net.link(bob, carol).setWritable(true); // tells bob, as Netty does
            net.deliverAll();
            assertEquals(3 + i, carol.holds(alice));
        }
        assertEquals(Replicator.LEADS_BEFORE_SWITCH, net.link(bob, carol).entriesSent());

        // Dave is the source now: bob's link may stay stuck.
        net.link(bob, carol).setWritable(false);
        alice.post("fast");
        net.deliverAll();
        assertEquals(3 + Replicator.LEADS_BEFORE_SWITCH + 1, carol.holds(alice));
        assertEquals(1, net.link(dave, carol).entriesSent());
        assertEquals(0, carol.store().count(Outcome.DUPLICATE));
    }

    @Test
    void aSourceThatStaysAheadOfTheNotesStaysTheSource() {
        SimNode dave = carolOnBobWithDaveLazy();

        // One slow delivery by bob, then prompt ones: dave's one lead is forgotten.
        net.link(bob, carol).setWritable(false);
        alice.post("slow");
        net.deliverAll();
        net.link(bob, carol).setWritable(true); // tells bob, as Netty does
        net.deliverAll();
        for (int i = 0; i < 5; i++) {
            alice.post("prompt " + i);
            net.deliverAll();
        }

        assertEquals(9, carol.holds(alice));
        assertEquals(6, net.link(bob, carol).entriesSent());
        assertEquals(0, net.link(dave, carol).entriesSent());
    }

    @Test
    void explainTellsTheSourceTheWaitAndWhatEachPeerHoldsAndWasAsked() {
        SimNode dave = carolOnBobWithDaveLazy();
        net.tickAll(); // Routes that got shorter go out on ticks.
        net.deliverAll();
        net.link(bob, carol).setWritable(false);
        alice.post("stuck behind bob");
        net.deliverAll();
        net.advance(500);

        String why = carol.replicator().explain(alice.id(), id -> List.of(alice, bob, dave).stream()
                .filter(n -> n.id().equals(id)).findFirst().map(SimNode::name).orElse("?"));

        assertEquals(List.of(
                "wanted, hold 3, source bob, waiting 500 ms of " + SimNode.SWITCH_AFTER_MILLIS + ", author 2 hops away",
                "  peer bob: holds 3, wants LAZY, asked EAGER, author 1 hop away, caught us up to 3", // bob's post is stuck in the link: no note
                "  peer dave: holds 4, wants LAZY, asked LAZY, author 1 hop away"), why.lines().toList());
        assertTrue(carol.replicator().explain(dave.id(), id -> "?").startsWith("not wanted, hold 0, source none, not waiting, no route to the author"));
    }

    /** Alice has posted 3; bob and dave hold them; carol met bob first (her source), then dave (lazy). */
    private SimNode carolOnBobWithDaveLazy() {
        SimNode dave = net.node("dave").wants(alice);
        bob.wants(alice);
        carol.wants(alice);
        alice.posts(3);
        net.connect(carol, bob);
        net.connect(carol, dave);
        net.connect(alice, bob);
        net.connect(alice, dave);
        net.deliverAll();
        net.resetCounters();
        return dave;
    }

    @Test
    void aMissedDeadlineMakesTheNodeMorePatient() {
        carolStuckOnAlice();
        assertEquals(SimNode.SWITCH_AFTER_MILLIS, carol.replicator().patience());

        net.advance(SimNode.SWITCH_AFTER_MILLIS);
        net.tickAll();
        net.deliverAll();

        assertEquals(10, carol.holds(alice));
        assertTrue(carol.replicator().patience() > SimNode.SWITCH_AFTER_MILLIS, "patience " + carol.replicator().patience());
    }

    @Test
    void aFeedNoConnectedPeerReplicatesIsReportedUnserved() {
        SimNode dave = net.node("dave");
        carol.wants(alice);
        net.connect(carol, dave);
        net.deliverAll();
        assertTrue(carol.replicator().unserved().contains(alice.id()), "dave does not replicate alice");

        bob.wants(alice);
        net.connect(bob, alice);
        net.connect(carol, bob);
        settle();
        assertFalse(carol.replicator().unserved().contains(alice.id()), "bob does, from alice herself");
        assertFalse(carol.replicator().unserved().contains(carol.id()), "her own feed");
    }

    @Test
    void peersThatReplicateAFeedButAreCutOffFromItsAuthorDoNotServeIt() {
        // Bob and carol replicate alice's feed through dave, the only one connected to alice.
        SimNode dave = net.node("dave").wants(alice);
        bob.wants(alice);
        carol.wants(alice);
        net.connect(alice, dave);
        net.connect(dave, bob);
        net.connect(dave, carol);
        net.connect(bob, carol);
        settle();
        assertEquals(Set.of(), carol.replicator().unserved());
        assertTrue(carol.replicator().explain(alice.id(), id -> "?").contains("author 2 hops away"));

        // Dave goes: bob and carol each still have a peer that replicates alice, but neither has a
        // way to her, and each was told so by the other (not the other's old route through dave).
        net.disconnect(dave, bob);
        net.disconnect(dave, carol);
        net.deliverAll(); // No ticks: bad news travels at once.
        assertEquals(Set.of(alice.id()), carol.replicator().unserved());
        assertEquals(Set.of(alice.id()), bob.replicator().unserved());

        // Bob reaches alice: carol is served again, through him.
        net.connect(alice, bob);
        settle();
        assertEquals(Set.of(), carol.replicator().unserved());
        assertEquals(Set.of(), bob.replicator().unserved());
        assertTrue(carol.replicator().explain(alice.id(), id -> "?").contains("author 2 hops away"));
    }

    /** Lets messages and then ticks run until routes that got shorter (which wait for ticks) have spread. */
    private void settle() {
        for (int i = 0; i < 4; i++) {
            net.deliverAll();
            net.tickAll();
        }
        net.deliverAll();
    }

    @Test
    void aPeerClaimingToBeAnotherFeedsAuthorIsCutOff() {
        SimNode mallory = net.node("mallory").wants(alice);
        carol.wants(alice);
        net.connect(mallory, carol);
        net.deliverAll();
        assertEquals(Set.of(alice.id()), carol.replicator().unserved());

        // A route of 0 hops says "I am the author": mallory is not alice.
        net.link(mallory, carol).inject(new WireMessage.Routes(List.of(new WireMessage.Route(alice.id(), 0))));
        net.deliverAll();

        assertEquals(Reason.PROTOCOL, net.link(carol, mallory).closeReason());
        assertTrue(carol.misbehaviour().get(0).contains("author of " + alice.id()), carol.misbehaviour().get(0));
        assertEquals(Set.of(alice.id()), carol.replicator().unserved());

        // The same claim in a clock entry.
        SimNode trudy = net.node("trudy").wants(alice);
        net.connect(trudy, carol);
        net.deliverAll();
        net.link(trudy, carol).inject(new Clock(List.of(new FeedState(alice.id(), 0, Mode.LAZY, 0))));
        net.deliverAll();
        assertEquals(Reason.PROTOCOL, net.link(carol, trudy).closeReason());
        assertEquals(Set.of(alice.id()), carol.replicator().unserved());
    }

    @Test
    void aLoopOfNodesCutOffFromTheAuthorCountsItsRouteUpUntilItIsNone() {
        // Bob, carol and erin in a ring, each replicating alice, with dave (alice's peer) on bob.
        SimNode dave = net.node("dave").wants(alice);
        SimNode erin = net.node("erin").wants(alice);
        bob.wants(alice);
        carol.wants(alice);
        net.connect(alice, dave);
        net.connect(dave, bob);
        net.connect(bob, carol);
        net.connect(carol, erin);
        net.connect(erin, bob);
        settle();
        assertEquals(Set.of(), erin.replicator().unserved());

        net.disconnect(dave, bob);
        net.deliverAll(); // No ticks: bad news travels at once.
        for (SimNode n : List.of(bob, carol, erin)) assertEquals(Set.of(alice.id()), n.replicator().unserved(), n.name());
        net.resetCounters();
        for (int i = 0; i < 3; i++) {
            net.tickAll();
            net.deliverAll();
        }
        assertEquals(0, net.count(WireMessage.Routes.class), "settled: nothing more is said");
        for (SimNode n : List.of(bob, carol, erin)) assertEquals(Set.of(alice.id()), n.replicator().unserved(), n.name());
    }

    @Test
    void aShorterRouteWaitsForTheTickAndGoesInOneMessage() {
        // Carol replicates alice through bob, whose source is dave; bob then meets alice. (Had
        // carol been bob's source, the clock that demotes her would carry the new route.)
        SimNode dave = net.node("dave").wants(alice);
        bob.wants(alice);
        carol.wants(alice);
        net.connect(bob, dave);
        net.connect(bob, carol);
        settle();
        assertEquals(Set.of(alice.id()), carol.replicator().unserved());
        net.resetCounters();

        net.connect(alice, bob);
        net.deliverAll();
        assertEquals(0, net.link(bob, carol).count(WireMessage.Routes.class), "good news waits for the tick");
        assertEquals(Set.of(alice.id()), carol.replicator().unserved());

        net.tickAll();
        net.deliverAll();
        assertEquals(1, net.link(bob, carol).count(WireMessage.Routes.class));
        assertEquals(Set.of(), carol.replicator().unserved());
    }

    @Test
    void naiveFloodingWouldDeliverEveryEntryTwice() {
        // Every node asks every peer for everything eagerly: what the eager/lazy split saves.
        net.rewriteAll(m -> m instanceof Clock c ? new Clock(c.feeds().stream()
                .map(f -> f.mode() == Mode.LAZY ? new FeedState(f.feed(), f.seq(), Mode.EAGER) : f).toList()) : m);
        bob.wants(alice);
        carol.wants(alice);
        net.connect(alice, bob);
        net.connect(alice, carol);
        net.connect(bob, carol);
        net.deliverAll();

        int duplicates = postOneByOne(100);

        assertEquals(100, carol.holds(alice));
        assertTrue(duplicates >= 90, "flooding gave carol only " + duplicates + " duplicates");
        report("flooding", duplicates);
    }

    /** Alice posts {@code n} entries, letting the network settle after each; returns carol's duplicates. */
    private int postOneByOne(int n) {
        net.resetCounters();
        for (int i = 1; i <= n; i++) {
            alice.post("live " + i);
            net.deliverAll();
            net.advance(100);
            net.tickAll();
            net.deliverAll();
        }
        return carol.store().duplicates(alice.id());
    }

    private static void report(String what, int duplicates) {
        System.out.println("replication " + what + ": carol received " + duplicates + " duplicates of 100 entries");
    }

    @Test
    void entriesThatArrivedTogetherFromSeveralPeersAreStoredWithOneAppend() {
        SimNode dave = net.node("dave").wants(alice);
        bob.wants(alice);
        carol.wants(alice);
        net.connect(carol, bob);
        net.connect(carol, dave);
        net.deliverAll();
        alice.posts(5);
        List<Entry> log = alice.store().entries(alice.id());
        int appends = carol.store().appendCalls();

        carol.replicator().receivedEntries(List.of(new Replicator.Arrival(bob.id(), log.subList(0, 3)),
                new Replicator.Arrival(dave.id(), log.subList(2, 5))));

        assertEquals(appends + 1, carol.store().appendCalls());
        assertEquals(log, carol.store().entries(alice.id()));
        assertEquals(1, carol.store().duplicates(alice.id()), "entry 3 came from both");
    }

    // ---- failover

    /** Bob holds alice's 10 entries; carol wants them, asked alice first, but alice's link to her is stuck. */
    private void carolStuckOnAlice() {
        bob.wants(alice);
        carol.wants(alice);
        alice.posts(10);
        net.connect(alice, bob);
        net.deliverAll();
        net.connect(carol, alice);
        net.link(alice, carol).setWritable(false);
        net.connect(carol, bob);
        net.deliverAll();
        assertEquals(0, carol.holds(alice));
        assertFalse(carol.caughtUp());
    }

    @Test
    void whenTheSourceDisconnectsAPeerThatHasTheEntriesTakesOver() {
        carolStuckOnAlice();

        net.disconnect(alice, carol);
        net.deliverAll();

        assertEquals(10, carol.holds(alice));
        assertEquals(10, net.link(bob, carol).entriesSent());
        assertTrue(carol.caughtUp());
    }

    @Test
    void aSourceThatDoesNotDeliverIsReplacedAfterTheDeadline() {
        carolStuckOnAlice();

        net.advance(SimNode.SWITCH_AFTER_MILLIS - 1);
        net.tickAll();
        net.deliverAll();
        assertEquals(0, carol.holds(alice), "not before the deadline");

        net.advance(2);
        net.tickAll();
        net.deliverAll();
        assertEquals(10, carol.holds(alice));
        assertEquals(10, net.link(bob, carol).entriesSent());
        assertTrue(carol.caughtUp());
    }

    @Test
    void aStreamLostOnTheWayIsAskedForAgainWhenNobodyElseHasTheEntries() {
        // Bob is carol's only peer holding alice's feed; his first stream to her is lost.
        AtomicBoolean lose = new AtomicBoolean();
        net.rewriteAll(m -> m instanceof Entries && lose.get() ? new Clock(List.of()) : m);
        bob.wants(alice);
        carol.wants(alice);
        alice.posts(10);
        net.connect(alice, bob);
        net.deliverAll();
        net.disconnect(alice, bob);
        lose.set(true);
        net.connect(bob, carol);
        net.deliverAll();
        assertEquals(0, carol.holds(alice));

        lose.set(false);
        net.advance(SimNode.SWITCH_AFTER_MILLIS - 1);
        net.tickAll();
        net.deliverAll();
        assertEquals(0, carol.holds(alice), "not before the deadline");
        net.advance(2);
        net.tickAll();
        net.deliverAll();

        assertEquals(10, carol.holds(alice));
        assertTrue(carol.caughtUp());
    }

    @Test
    void aSourceDemotedToLazyStopsStreaming() {
        carolStuckOnAlice();
        net.advance(SimNode.SWITCH_AFTER_MILLIS + 1);
        net.tickAll();
        net.deliverAll();
        assertEquals(10, carol.holds(alice));

        // Alice's link drains; carol told her meanwhile that she is no longer the source.
        net.link(alice, carol).setWritable(true); // tells alice, as Netty does
        net.deliverAll();

        assertEquals(0, net.link(alice, carol).entriesSent());
        assertEquals(0, carol.store().count(Outcome.DUPLICATE));
    }

    // ---- claims not kept

    /** Mallory's first clock claims far more of alice's feed than exists (and carries nothing else of hers). */
    private SimNode malloryClaiming(long seq) {
        SimNode mallory = net.node("mallory");
        net.rewriteAll(m -> m instanceof Clock c && c.feeds().stream().anyMatch(f -> f.feed().equals(mallory.id()))
                ? new Clock(List.of(c.feeds().get(0), new FeedState(alice.id(), seq, Mode.LAZY))) : m);
        net.connect(mallory, bob);
        net.rewriteAll(m -> m);
        return mallory;
    }

    @Test
    void aStrangersClaimToBeFarAheadDoesNotTakeAWorkingSourceAwayAndIsNotBelievedOnceUnkept() {
        bob.wants(alice);
        alice.posts(3);
        net.connect(alice, bob);
        net.deliverAll();

        SimNode mallory = malloryClaiming(1_000_000);
        net.deliverAll();
        net.resetCounters();

        // Alice stays bob's source: her next post crosses at once, once.
        alice.post("live after the claim");
        net.deliverAll();
        assertEquals(4, bob.holds(alice));
        assertEquals(1, net.link(alice, bob).entriesSent());
        assertEquals(0, bob.store().count(Outcome.DUPLICATE));

        // Mallory was asked for what it claimed and brought nothing: after the patience its claims are not believed.
        net.advance(SimNode.SWITCH_AFTER_MILLIS);
        net.tickAll();
        net.deliverAll();
        String why = bob.replicator().explain(alice.id(), id -> id.equals(mallory.id()) ? "mallory" : "alice");
        assertTrue(why.startsWith("wanted, hold 4, source alice, not waiting"), why);
        assertTrue(why.contains("peer mallory: holds 4, wants LAZY, asked LAZY, its claims not believed"), why);
        assertEquals(new Replicator.FeedSync(alice.id(), 4, 4, true), syncOf(bob, alice), "the false claim no longer counts");
        assertEquals(List.of(), bob.misbehavingPeers(), "an unkept claim alone costs no connection");

        // Its next claim starts nothing, and alice keeps delivering at once.
        net.link(mallory, bob).inject(new Clock(List.of(new FeedState(alice.id(), 2_000_000, Mode.LAZY))));
        alice.post("live after the second claim");
        net.deliverAll();
        assertEquals(5, bob.holds(alice));
        net.advance(10 * SimNode.SWITCH_AFTER_MILLIS);
        net.tickAll();
        net.deliverAll();
        assertEquals(List.of(Mode.LAZY), ofType(net.link(bob, mallory), Clock.class).stream()
                .flatMap(c -> c.feeds().stream()).filter(f -> f.feed().equals(alice.id())).map(FeedState::mode).distinct().toList(),
                "mallory is not asked again");
    }

    @Test
    void aPeerThatIsReallyAheadStreamsAlongsideTheSourceAndTakesOverOnceItDelivered() {
        // Carol's source for alice's feed is bob, who holds 3; dave, who holds 20, comes along.
        SimNode dave = net.node("dave").wants(alice);
        bob.wants(alice);
        carol.wants(alice);
        alice.posts(3);
        net.connect(alice, bob);
        net.connect(carol, bob);
        net.deliverAll();
        net.disconnect(alice, bob);
        alice.posts(17);
        net.connect(alice, dave);
        net.deliverAll();
        net.resetCounters();

        net.connect(carol, dave);
        net.deliverAll();

        assertEquals(20, carol.holds(alice));
        assertEquals(17, net.link(dave, carol).entriesSent());
        assertEquals(0, net.link(bob, carol).entriesSent());
        assertTrue(carol.replicator().explain(alice.id(), id -> id.equals(dave.id()) ? "dave" : "bob").startsWith("wanted, hold 20, source dave"));
        alice.post("live");
        net.deliverAll();
        assertEquals(21, carol.holds(alice));
        assertEquals(0, carol.store().count(Outcome.DUPLICATE));
    }

    @Test
    void feedsAPeerNamesThatWeNeitherWantNorHoldAreKeptOnlyUpToABound() {
        bob.wants(alice);
        alice.posts(2);
        net.connect(alice, bob);
        SimNode mallory = net.node("mallory");
        net.connect(mallory, bob);
        net.deliverAll();
        java.util.Random random = new java.util.Random(7);
        for (int round = 0; round < 3; round++) {
            List<FeedState> feeds = new ArrayList<>();
            for (int i = 0; i < WireMessage.MAX_CLOCK_FEEDS; i++) {
                byte[] key = new byte[32];
                random.nextBytes(key);
                feeds.add(new FeedState(new org.grapevine.identity.AuthorId(key), 1 + i, Mode.LAZY));
            }
            net.link(mallory, bob).inject(new Clock(feeds));
            net.link(mallory, bob).inject(new CaughtUp(feeds.get(0).feed().equals(alice.id()) ? bob.id() : new org.grapevine.identity.AuthorId(new byte[32]), 9));
        }
        net.link(mallory, bob).inject(new Clock(List.of(new FeedState(alice.id(), 2, Mode.LAZY))));
        net.deliverAll();

        assertEquals(org.grapevine.gossip.limits.Limits.UNKNOWN_FEEDS_PER_PEER + 1, bob.replicator().feedsNamedBy(mallory.id()),
                "the bound, and alice's feed, which bob wants");
        alice.post("still flowing");
        net.deliverAll();
        assertEquals(3, bob.holds(alice));
    }

    // ---- forks

    /** A second entry by alice at sequence {@code seq}, after the same entry as her own. */
    private Entry otherHistory(int seq) {
        Entry own = alice.store().entries(alice.id()).get(seq - 1);
        return Entry.create(alice.identity(), seq, own.header().previous(), own.header().timestamp() + 1,
                org.grapevine.identity.content.Content.Post.text("the other history"));
    }

    @Test
    void aForkSeenByOneNodeIsProvedToEveryNodeThatReplicatesTheFeed() {
        // alice - bob - carol - dave in a line; all want alice's feed. Mallory shows bob a second history.
        SimNode dave = net.node("dave").wants(alice);
        bob.wants(alice);
        carol.wants(alice);
        alice.posts(3);
        net.connect(alice, bob);
        net.connect(bob, carol);
        net.connect(carol, dave);
        SimNode mallory = net.node("mallory");
        net.connect(mallory, bob);
        net.deliverAll();
        assertEquals(3, dave.holds(alice));

        net.link(mallory, bob).inject(new Entries(List.of(otherHistory(2))));
        net.deliverAll();

        for (SimNode n : List.of(bob, carol, dave)) assertTrue(n.store().isForked(alice.id()), n + " knows alice forked");
        assertEquals(1, ofType(net.link(bob, carol), WireMessage.ForkProof.class).size());
        assertEquals(1, ofType(net.link(carol, dave), WireMessage.ForkProof.class).size());
        assertEquals(0, ofType(net.link(dave, carol), WireMessage.ForkProof.class).size(), "carol is not told what she told");
        assertEquals(List.of(), carol.misbehavingPeers());

        // A node that meets a forked feed's replica later hears the proof once, on connect.
        SimNode erin = net.node("erin").wants(alice);
        net.connect(erin, dave);
        net.deliverAll();
        assertTrue(erin.store().isForked(alice.id()));
        assertEquals(1, ofType(net.link(dave, erin), WireMessage.ForkProof.class).size());
        assertEquals(1, erin.holds(alice), "what came before the fork is kept, nothing from it on");
    }

    @Test
    void aForkProofItsAuthorDidNotSignCostsThePeerItsConnection() {
        bob.wants(alice);
        alice.posts(2);
        net.connect(alice, bob);
        SimNode mallory = net.node("mallory");
        net.connect(mallory, bob);
        net.deliverAll();
        Entry forged = Entry.create(mallory.identity(), 2, alice.store().entries(alice.id()).get(0).id(), 1,
                org.grapevine.identity.content.Content.Post.text("forged"));
        // Alice's header with mallory's signature: the bytes decode, the signature does not check out.
        byte[] h = forged.header().encoded();
        System.arraycopy(alice.id().bytes(), 0, h, 1, 32);
        org.grapevine.identity.log.EntryHeader fake;
        try {
            fake = org.grapevine.identity.log.EntryHeader.decode(h);
        } catch (Malformed e) {
            throw new AssertionError(e);
        }
        net.link(mallory, bob).inject(new WireMessage.ForkProof(alice.store().entries(alice.id()).get(1).header(), fake));
        net.deliverAll();

        assertFalse(bob.store().isForked(alice.id()));
        assertEquals(Reason.INVALID_ENTRY, net.link(bob, mallory).closeReason());
    }

    // ---- bad peers

    @Test
    void aPeerSendingAnInvalidEntryIsCutOffAndWhatCameBeforeItIsKeptAndPassedOn() {
        SimNode mallory = net.node("mallory").wants(alice);
        alice.posts(5);
        net.connect(alice, mallory);
        net.deliverAll();
        bob.wants(alice);
        carol.wants(alice);
        net.connect(bob, carol);
        net.deliverAll();
        // Mallory relays alice's log with entry 3 forged.
        net.rewriteAll(m -> m instanceof Entries es
                ? new Entries(es.entries().stream().map(e -> e.header().seq() == 3 ? forged(e) : e).toList()) : m);
        net.connect(mallory, bob);
        net.deliverAll();

        assertEquals(alice.store().entries(alice.id()).subList(0, 2), bob.store().entries(alice.id()));
        assertEquals(1, bob.store().count(Outcome.INVALID));
        assertEquals(Reason.INVALID_ENTRY, net.link(bob, mallory).closeReason());
        assertEquals(List.of(mallory.id()), bob.misbehavingPeers());
        assertFalse(net.connected(bob, mallory));
        assertEquals(2, bob.storedReported());
        // The honest entries before the forged one reach bob's other peers at once.
        assertEquals(2, carol.holds(alice));

        net.rewriteAll(m -> m);
        net.connect(alice, bob);
        net.deliverAll();
        assertEquals(alice.store().entries(alice.id()), bob.store().entries(alice.id()));
        assertEquals(5, carol.holds(alice));
    }

    @Test
    void aForgedFirstEntryStoresNothing() {
        SimNode mallory = net.node("mallory").wants(alice);
        alice.posts(3);
        net.connect(alice, mallory);
        net.deliverAll();
        bob.wants(alice);
        net.rewriteAll(m -> m instanceof Entries es
                ? new Entries(es.entries().stream().map(ReplicatorTest::forged).toList()) : m);
        net.connect(mallory, bob);
        net.deliverAll();

        assertEquals(0, bob.holds(alice));
        assertEquals(0, bob.storedReported());
        assertEquals(Reason.INVALID_ENTRY, net.link(bob, mallory).closeReason());
        assertTrue(bob.misbehaviour().get(0).contains("#1"), bob.misbehaviour().get(0));
    }

    @Test
    void whatTheStoreKeptOfABatchWithAForgedEntryIsPassedOnAndThePeerReportedOnce() {
        SimNode mallory = net.node("mallory");
        SimNode dave = net.node("dave");
        alice.posts(3);
        dave.posts(1);
        bob.wants(alice, dave);
        carol.wants(alice, dave);
        net.connect(bob, carol);
        net.connect(mallory, bob);
        net.deliverAll();

        List<Entry> a = alice.store().entries(alice.id());
        Entry d = dave.store().entries(dave.id()).get(0);
        net.link(mallory, bob).inject(new Entries(List.of(a.get(0), forged(a.get(1)), forged(a.get(2)), d)));
        net.deliverAll();

        // The store judged each entry: alice's first and dave's are valid and kept; alice's 3 follows a gap.
        assertEquals(List.of(a.get(0)), bob.store().entries(alice.id()));
        assertEquals(List.of(d), bob.store().entries(dave.id()));
        assertEquals(2, bob.store().count(Outcome.INVALID));
        assertEquals(List.of(mallory.id()), bob.misbehavingPeers());
        assertEquals(1, net.link(bob, mallory).count(WireMessage.Goodbye.class));
        assertFalse(net.connected(bob, mallory));
        assertEquals(1, carol.holds(alice));
        assertEquals(1, carol.holds(dave));
    }

    /** The same entry with one bit of its signature flipped: it still decodes, but does not verify. */
    static Entry forged(Entry e) {
        byte[] bytes = e.encode();
        bytes[e.header().size() - 1] ^= 0x01;
        try {
            return Entry.decode(bytes);
        } catch (Malformed m) {
            throw new AssertionError(m);
        }
    }

    // ---- backpressure

    @Test
    void anUnwritableLinkGetsNoEntriesUntilItDrains() {
        bob.wants(alice);
        alice.posts(600);
        net.connect(alice, bob);
        SimWire toBob = net.link(alice, bob);
        toBob.setWritable(false);
        net.deliverAll();
        assertEquals(0, toBob.count(Entries.class));
        assertEquals(0, bob.holds(alice));

        toBob.setWritable(true); // tells alice, as Netty does
        net.deliverAll();
        assertEquals(600, bob.holds(alice));
        assertEquals(600, toBob.entriesSent());
        assertTrue(bob.caughtUp());
    }

    @Test
    void streamingPausesAtTheHighWaterMarkAndResumesWhenTheLinkDrains() {
        bob.wants(alice);
        alice.posts(3000); // three batches at least
        net.connect(alice, bob);
        SimWire toBob = net.link(alice, bob);
        long highWater = 16 * 1024;
        toBob.setHighWater(highWater);
        net.deliverAll();

        assertEquals(alice.store().entries(alice.id()), bob.store().entries(alice.id()));
        assertEquals(0, bob.store().count(Outcome.DUPLICATE));
        // One batch may overshoot the mark, never more.
        long batch = toBob.sent().stream().filter(m -> m instanceof Entries)
                .mapToLong(m -> WireCodec.encode(m).length).max().orElseThrow();
        assertTrue(toBob.maxInFlight() < highWater + batch, "in flight at most " + toBob.maxInFlight());
        assertTrue(toBob.resumes() >= 2, "paused and resumed " + toBob.resumes() + " times");
    }

    @Test
    void aPeerThatStopsWantingAFeedMidStreamGetsNoMoreOfIt() {
        bob.wants(alice);
        alice.posts(300);
        net.connect(alice, bob);
        SimWire toBob = net.link(alice, bob);
        toBob.setWritable(false);
        net.deliverAll();

        bob.wants();
        net.deliverAll();
        toBob.setWritable(true); // tells alice, as Netty does
        net.deliverAll();

        assertEquals(0, toBob.entriesSent());
        assertEquals(0, bob.holds(alice));
    }

    // ---- chains

    @Test
    void aPostTravelsAlongAChainOfFiveOneCopyPerNode() {
        List<SimNode> chain = chain(false);
        SimNode a = chain.get(0);
        SimNode e = chain.get(4);
        net.resetCounters();

        a.post("down the vine");
        net.deliverAll();

        assertEquals(List.of("down the vine"), e.texts(a));
        for (SimNode n : chain.subList(1, 5)) {
            assertEquals(1, n.holds(a), n.name());
            assertEquals(1, n.store().count(Outcome.STORED) + n.store().count(Outcome.DUPLICATE), n + " got one copy");
        }
        assertEquals(4, net.count(Entries.class));
    }

    @Test
    void aChainConnectedFromTheFarEndAlsoCarriesPosts() {
        List<SimNode> chain = chain(true);
        SimNode a = chain.get(0);
        a.posts(3);
        net.deliverAll();
        a.post("fourth");
        net.deliverAll();
        assertEquals(List.of("a 1", "a 2", "a 3", "fourth"), chain.get(4).texts(a));
    }

    @Test
    void aLateChainCatchesUpOnEverything() {
        SimNode a = net.node("a");
        a.posts(300);
        List<SimNode> rest = new ArrayList<>();
        SimNode prev = a;
        for (String name : List.of("b", "c", "d", "e")) {
            SimNode n = net.node(name).wants(a);
            net.connect(prev, n);
            rest.add(n);
            prev = n;
        }
        net.deliverAll();
        for (SimNode n : rest) assertEquals(a.store().entries(a.id()), n.store().entries(a.id()), n.name());
    }

    @Test
    void aNodeThatDoesNotWantTheFeedNeitherStoresNorRelaysIt() {
        SimNode a = net.node("a");
        SimNode b = net.node("b").wants(a);
        SimNode c = net.node("c");
        SimNode d = net.node("d").wants(a);
        SimNode e = net.node("e").wants(a);
        SimNode f = net.node("f");
        net.connect(a, b);
        net.connect(b, c);
        net.connect(c, d);
        net.connect(d, e);
        net.connect(b, f);
        net.deliverAll();

        a.posts(5);
        net.deliverAll();

        assertEquals(5, b.holds(a));
        for (SimNode n : List.of(c, d, e, f)) {
            assertEquals(0, n.holds(a), n.name());
            assertEquals(0, n.store().appendCalls(), n.name());
        }
    }

    /** a-b-c-d-e, only neighbours connected; b to e want a's feed. */
    private List<SimNode> chain(boolean fromTheFarEnd) {
        SimNode a = net.node("a");
        List<SimNode> chain = new ArrayList<>(List.of(a));
        for (String name : List.of("b", "c", "d", "e")) chain.add(net.node(name).wants(a));
        for (int i = 0; i < 4; i++) {
            int k = fromTheFarEnd ? 3 - i : i;
            net.connect(chain.get(k), chain.get(k + 1));
        }
        net.deliverAll();
        return chain;
    }

    // ---- helpers

    private static Replicator.FeedSync syncOf(SimNode node, SimNode feed) {
        return node.replicator().sync().stream().filter(s -> s.feed().equals(feed.id())).findFirst().orElseThrow();
    }

    private static List<Class<?>> types(SimWire link) {
        return link.sent().stream().<Class<?>>map(Object::getClass).toList();
    }

    private static <T extends WireMessage> List<T> ofType(SimWire link, Class<T> type) {
        return link.sent().stream().filter(type::isInstance).map(type::cast).toList();
    }
}
