package org.grapevine.node.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.grapevine.gossip.limits.Limits;
import org.grapevine.gossip.wire.WireCodec;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile peer with a valid identity, built on the project's own codec ({@link RawPeer}), against
 * real nodes over sockets: one test per kind of attack. Each checks that the bound meant for it
 * holds, that an honest pair (bob follows alice) keeps delivering meanwhile, and that nothing
 * stored is lost.
 */
class HostileIT {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;
    private TestNet net;
    private TestNode alice;
    private TestNode bob;

    @BeforeEach
    void honestPair() {
        net = new TestNet(dir);
        alice = net.node("alice");
        bob = net.node("bob");
        bob.follow(alice);
        bob.connect(alice);
        alice.post("before the attack");
        net.await(bob).sees(alice, "before the attack");
    }

    @AfterEach
    void stop() {
        net.close();
    }

    /** Alice posts and bob gets it; everything alice posted so far is there, in a verified chain. */
    private void honestPairDelivers(String text) {
        alice.post(text);
        net.await(bob).sees(alice, text);
        assertEquals(alice.store().headSeq(alice.id()), bob.verifiedLength(alice), "bob holds all of alice's log");
        assertEquals(alice.store().headSeq(alice.id()), alice.verifiedLength(alice), "alice holds all of her log");
    }

    private static Node.Usage usage(TestNode n) {
        return n.node().usage().join();
    }


    /** Files this JVM holds open now. */
    private static long openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private static long partFiles(TestNode n) throws IOException {
        if (!Files.isDirectory(n.home().blobDir())) return 0;
        try (Stream<Path> files = Files.list(n.home().blobDir())) {
            return files.filter(f -> f.toString().endsWith(".part")).count();
        }
    }

    // ---- relayed blob wants

    @Test
    void wantsForBlobsNobodyHasStartAFewRelaysTiedToTheAskerAndOpenNoFile() throws Exception {
        long filesBefore = openFiles();
        try (RawPeer mallory = RawPeer.connect(alice.address(), Identity.generate(RANDOM), TestNet.NETWORK)) {
            for (int round = 0; round < 100; round++) {
                List<WireMessage> wants = new ArrayList<>();
                for (int i = 0; i < 40; i++) wants.add(new WireMessage.BlobWant(Attacks.randomBlob(), WireMessage.MAX_HOPS, MIB));
                mallory.sendAll(wants);
            }
            honestPairDelivers("amid the wants");
            net.waitFor("alice handled every want", () -> usage(alice).unhandled() == 0);
            Node.Usage a = usage(alice);
            Node.Usage b = usage(bob);
            assertTrue(a.relays() <= Limits.RELAYS_PER_PEER, "alice relays for mallory: " + a);
            assertTrue(b.relays() <= Limits.RELAYS_PER_PEER, "bob relays for alice what alice relays: " + b);
            assertEquals(0, a.openPartFiles());
            assertEquals(0, b.openPartFiles());
            assertEquals(0, partFiles(alice) + partFiles(bob));
            assertTrue(openFiles() - filesBefore < 50, "open files grew by " + (openFiles() - filesBefore));
        }
        net.waitFor("the relays end with the asker", () -> usage(alice).relays() == 0 && usage(bob).relays() == 0);
        honestPairDelivers("after the wants");
    }

    // ---- a peer that does not read

    @Test
    void aPeerThatPingsWithoutReadingGetsOnePongAtATime() throws Exception {
        Identity id = Identity.generate(RANDOM);
        try (RawPeer mallory = RawPeer.connect(alice.address(), id, TestNet.NETWORK)) {
            List<WireMessage> pings = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) pings.add(new WireMessage.Ping(i));
            for (int round = 0; round < 100; round++) mallory.sendAll(pings); // A million, none of the answers read.
            honestPairDelivers("amid the pings");
            assertTrue(usage(alice).mostQueued() < 64 * 1024, "queued to mallory: " + usage(alice));
        }
        honestPairDelivers("after the pings");
    }

    @Test
    void peersThatAskForABlobWithoutReadingHoldNoMoreThanTheirLinkTakes() throws Exception {
        byte[] big = new byte[16 << 20];
        new Random(3).nextBytes(big);
        Path file = dir.resolve("big");
        Files.write(file, big);
        BlobId blob = alice.node().blobFiles().add(file).id();
        List<Integer> all = new ArrayList<>();
        for (int k = 0; k < WireMessage.MAX_GET; k++) all.add(k);
        List<RawPeer> leeches = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                RawPeer p = RawPeer.connect(alice.address(), Identity.generate(RANDOM), TestNet.NETWORK);
                leeches.add(p);
                p.send(new WireMessage.BlobGet(blob, all));
            }
            honestPairDelivers("amid the leeches");
            for (int i = 0; i < 10; i++) {
                Node.Usage u = usage(alice);
                assertTrue(u.mostQueued() <= Limits.QUEUED_PER_PEER, u.toString());
                assertTrue(u.queued() <= 8 * 4 * MIB, u.toString());
            }
        } finally {
            for (RawPeer p : leeches) p.close();
        }
        net.waitFor("alice holds nothing for the leeches once they left", () -> usage(alice).queued() == 0 && usage(alice).connections() == 1);
        honestPairDelivers("after the leeches");
    }

    // ---- clock state

    @Test
    void clocksNamingEndlessFeedsAreKeptOnlyUpToTheBound() throws Exception {
        Identity id = Identity.generate(RANDOM);
        try (RawPeer mallory = RawPeer.connect(alice.address(), id, TestNet.NETWORK)) {
            for (int round = 0; round < 100; round++) {
                List<WireMessage.FeedState> feeds = new ArrayList<>();
                for (int i = 0; i < WireMessage.MAX_CLOCK_FEEDS; i++) feeds.add(new WireMessage.FeedState(Attacks.randomAuthor(), 1 + i, WireMessage.Mode.LAZY));
                mallory.send(new WireMessage.Clock(feeds));
                Node.Usage u = usage(alice);
                assertTrue(u.mostUnhandled() <= Limits.UNHANDLED_PER_PEER + WireCodec.MAX_MESSAGE, u.toString());
            }
            honestPairDelivers("amid the clocks");
            net.waitFor("alice handled every clock", () -> usage(alice).unhandled() == 0);
            assertTrue(usage(alice).feedsTracked() <= Limits.UNKNOWN_FEEDS_PER_PEER + 16, usage(alice).toString());
        }
        honestPairDelivers("after the clocks");
    }

    // ---- the peer table

    @Test
    void addressesAStrangerPassesOnAreFewDialedSparinglyAndNeverPassedOn() throws Exception {
        AtomicInteger knocks = new AtomicInteger();
        List<ServerSocket> traps = new ArrayList<>();
        List<Thread> listeners = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                ServerSocket trap = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                traps.add(trap);
                Thread t = new Thread(() -> {
                    while (!trap.isClosed()) {
                        try (Socket s = trap.accept()) {
                            knocks.incrementAndGet();
                        } catch (IOException closed) {
                            return;
                        }
                    }
                });
                t.setDaemon(true);
                t.start();
                listeners.add(t);
            }
            int before = usage(alice).addresses();
            try (RawPeer mallory = RawPeer.connect(alice.address(), Identity.generate(RANDOM), TestNet.NETWORK)) {
                for (int round = 0; round < 50; round++) {
                    List<WireMessage.PeerAddress> addresses = new ArrayList<>();
                    for (int i = 0; i < WireMessage.MAX_PEERS; i++) {
                        ServerSocket trap = traps.get(i % traps.size());
                        addresses.add(i % 2 == 0
                                ? new WireMessage.PeerAddress("127.0.0.1", trap.getLocalPort(), Attacks.randomAuthor())
                                : new WireMessage.PeerAddress("10." + RANDOM.nextInt(256) + "." + RANDOM.nextInt(256) + ".1", 7733, Attacks.randomAuthor()));
                    }
                    mallory.send(new WireMessage.Peers(addresses));
                }
                honestPairDelivers("amid the addresses");
                assertTrue(usage(alice).addresses() - before <= Limits.LEARNED_PER_SOURCE, usage(alice).toString());
            }
            // What alice passes on to a newcomer is first-hand only: what she dialed herself (nothing)
            // and what bob said of himself when he connected; nothing mallory said.
            try (RawPeer newcomer = RawPeer.connect(alice.address(), Identity.generate(RANDOM), TestNet.NETWORK)) {
                WireMessage first = newcomer.receive();
                while (!(first instanceof WireMessage.Peers)) first = newcomer.receive();
                assertEquals(List.of(new WireMessage.PeerAddress("127.0.0.1", bob.port(), bob.id())), ((WireMessage.Peers) first).peers());
            }
            // Each address a stranger named is dialed at most twice (then forgotten), one a tick.
            assertTrue(knocks.get() <= 2 * traps.size(), "alice dialed the traps " + knocks.get() + " times");
        } finally {
            for (ServerSocket t : traps) t.close();
        }
    }

    @Test
    void aStrangerClaimingAKnownPeersPortTakesNothingFromIt() throws Exception {
        // Alice dials carol, so her address is verified as hers, and alice passes it on when asked.
        TestNode carol = net.node("carol");
        alice.connect(carol);
        net.waitFor("alice tells where carol is", () -> addressesTold(carol).contains(carol.port()));
        Identity claimer = Identity.generate(RANDOM);
        try (RawPeer mallory = RawPeer.connect(alice.address(), claimer, TestNet.NETWORK, carol.port())) {
            mallory.send(new WireMessage.Ping(1));
            for (WireMessage m = mallory.receive(); !(m instanceof WireMessage.Pong); m = mallory.receive()) {
                // Until alice has taken the connection in.
            }
            assertEquals(List.of(carol.port()), addressesTold(carol), () -> "carol's address is still carol's\n" + net.eventLog());
            try (RawPeer newcomer = RawPeer.connect(alice.address(), Identity.generate(RANDOM), TestNet.NETWORK)) {
                WireMessage m = newcomer.receive();
                while (!(m instanceof WireMessage.Peers)) m = newcomer.receive();
                for (WireMessage.PeerAddress a : ((WireMessage.Peers) m).peers()) {
                    assertFalse(claimer.id().equals(a.id()), "the claim was passed on: " + a);
                    if (a.port() == carol.port()) assertEquals(carol.id(), a.id());
                }
            }
        }
        carol.restart();
        net.await(alice).isConnectedTo(carol);
        honestPairDelivers("after the claim");
    }

    /**
     * The ports alice names for {@code who} to a newcomer: in the addresses she passes on at
     * connect, or in her answer to a Locate. Empty if she names none within a second.
     */
    private List<Integer> addressesTold(TestNode who) {
        try (RawPeer asker = RawPeer.connect(alice.address(), Identity.generate(RANDOM), TestNet.NETWORK)) {
            asker.readTimeout(Duration.ofSeconds(1));
            asker.send(new WireMessage.Locate(who.id()));
            while (true) {
                WireMessage m = asker.receive();
                if (m == null) return List.of();
                if (m instanceof WireMessage.Peers p && p.peers().stream().anyMatch(a -> who.id().equals(a.id()))) {
                    return p.peers().stream().filter(a -> who.id().equals(a.id())).map(WireMessage.PeerAddress::port).toList();
                }
            }
        } catch (java.net.SocketTimeoutException nothing) {
            return List.of();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    // ---- Sybils

    @Test
    void aFollowedPeerGetsInWhileSixtyFourFreshIdentitiesHoldEverySlotTheyCan() throws Exception {
        TestNode carol = net.node("carol");
        alice.follow(carol);
        List<RawPeer> sybils = new ArrayList<>();
        try {
            // Fresh identities come until they hold every slot strangers may (some are refused at
            // first: one address gets only so many handshakes a second).
            net.waitFor("the strangers hold their share", () -> {
                if (sybils.size() < 64) {
                    try {
                        sybils.add(RawPeer.connect(alice.address(), Identity.generate(RANDOM), TestNet.NETWORK, sybils.isEmpty() ? carol.port() : 0));
                    } catch (Exception refused) {
                        // Refused before or after the handshake: what the bounds are for.
                    }
                }
                return usage(alice).inbound() >= Limits.INBOUND_STRANGERS;
            });
            long started = System.nanoTime();
            carol.connect(alice);
            net.waitFor("carol, whom alice follows, gets in", Duration.ofSeconds(10), () -> alice.connectedTo(carol));
            long took = (System.nanoTime() - started) / 1_000_000;
            assertTrue(usage(alice).inbound() <= Limits.INBOUND, usage(alice).toString());
            System.out.println("HostileIT: carol connected within " + took + " ms while 64 Sybils held or tried alice's slots");
            honestPairDelivers("amid the Sybils");
        } finally {
            for (RawPeer p : sybils) p.close();
        }
    }

    // ---- false claims

    @Test
    void aStrangersClaimToBeFarAheadDelaysNothingHoweverOftenItReconnects() throws Exception {
        for (int round = 0; round < 5; round++) {
            try (RawPeer liar = RawPeer.connect(bob.address(), Identity.generate(RANDOM), TestNet.NETWORK)) {
                liar.send(new WireMessage.Clock(List.of(new WireMessage.FeedState(alice.id(), 1_000_000, WireMessage.Mode.LAZY))));
                liar.send(new WireMessage.Ping(round));
                for (WireMessage m = liar.receive(); !(m instanceof WireMessage.Pong); m = liar.receive()) {
                    // Bob's clock and the like, until bob has read the lie.
                }
                honestPairDelivers("after lie " + round);
                String why = bob.node().explain(alice.id(), id -> id.equals(alice.id()) ? "alice" : "someone").join();
                assertTrue(why.contains("source alice"), why);
            }
        }
    }

    // ---- exact protocol

    @Test
    void aMessageOverTheLimitGetsAGoodbyeBeforeTheClose() throws Exception {
        try (RawPeer p = RawPeer.connect(alice.address(), Identity.generate(RANDOM), TestNet.NETWORK)) {
            p.sendPlaintext(new ByteWriter(8).u32(WireCodec.MAX_MESSAGE + 1L).u32(0).toByteArray());
            WireMessage.Goodbye goodbye = p.awaitHangUp();
            assertNotNull(goodbye, "closed without a goodbye");
            assertEquals(WireMessage.Reason.MALFORMED, goodbye.reason());
        }
        honestPairDelivers("after the oversize frame");
    }

    @Test
    void anAuthorsForkSeenByOneNodeReachesANodeThatOnlyKnowsThatNode() throws Exception {
        TestNode carol = net.node("carol");
        carol.follow(alice);
        carol.connect(bob);
        net.await(carol).sees(alice, "before the attack");
        Entry first = alice.store().get(alice.id(), 1).orElseThrow();
        Entry other = Entry.create(alice.identity(), 2, first.id(), System.currentTimeMillis(), Content.Post.text("the other history"));
        alice.post("the real second entry");
        net.await(bob).sees(alice, "the real second entry");
        try (RawPeer mallory = RawPeer.connect(bob.address(), Identity.generate(RANDOM), TestNet.NETWORK)) {
            mallory.send(new WireMessage.Entries(List.of(other)));
            net.waitFor("bob marks alice forked", () -> bob.store().isForked(alice.id()));
        }
        net.waitFor("carol, who never saw the other history, marks alice forked", () -> carol.store().isForked(alice.id()));
        net.waitFor("alice learns that her key signed another history", () -> alice.store().isForked(alice.id()));
        assertEquals(2, bob.verifiedLength(alice), "nothing stored is lost");
    }
}
