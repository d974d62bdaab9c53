package org.grapevine.node.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.Socket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.grapevine.gossip.handshake.NoiseHandshake;
import org.grapevine.identity.keys.X25519KeyPair;
import org.grapevine.gossip.handshake.NoiseProtocol;
import org.grapevine.gossip.transport.NetworkKey;
import org.grapevine.gossip.wire.WireCodec;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.Verifier;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.replication.Interest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole nodes on real sockets (127.0.0.1, ephemeral ports) with real MapDB stores: posts cross,
 * a restarted node catches up, networks stay apart, a peer that lies or sends garbage is cut off
 * while honest peers carry on, and feeds travel exactly as far as follow hops reach.
 */
class MeshIT {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;
    private TestNet net;

    @BeforeEach
    void startNet() {
        net = new TestNet(dir);
    }

    @AfterEach
    void stopNet() {
        net.close();
    }

    private TestNet.Expect await(TestNode node) {
        return net.await(node);
    }

    // ---- two nodes ----

    @Test
    void aPostCrossesToAFollowerAndSoDoesTheNextOne() {
        TestNode alice = net.node("alice");
        TestNode bob = net.node("bob");
        bob.follow(alice);
        bob.connect(alice);
        await(bob).isConnectedTo(alice);
        await(alice).isConnectedTo(bob);

        alice.post("hello bob");
        await(bob).showsInTimeline("hello bob");

        // Live: the connection is up and caught up, so this one is pushed.
        alice.post("still there?");
        await(bob).showsInTimeline("still there?");
        assertEquals(2, bob.verifiedLength(alice));
        net.assertNoInternalErrors();
    }

    @Test
    void aRestartedNodeCatchesUpOnAThousandEntriesItMissed() {
        TestNode alice = net.node("alice");
        TestNode bob = net.node("bob");
        bob.follow(alice);
        bob.connect(alice);
        alice.post("before the break");
        await(bob).sees(alice, "before the break");

        bob.stop();
        // Bodies of 300 to 900 bytes: a batch of entries then spans several Noise messages.
        alice.postMany(1_000, i -> "while bob was away, post " + i + " " + "x".repeat(300 + (i % 5) * 150));
        bob.restart();
        bob.connect(alice); // also remembered in bob's peer file; dialing it again is harmless

        await(bob).sees(alice, 1_001);
        assertEquals(1_001, bob.verifiedLength(alice));
        assertEquals(alice.store().headId(alice.id()), bob.store().headId(alice.id()));
        assertTrue(bob.timelineShows("while bob was away, post 999 " + "x".repeat(300 + 4 * 150)));
        net.assertNoInternalErrors();
    }

    // ---- networks ----

    @Test
    void nodesOfDifferentNetworksNeverConnectAndTheListenerStaysHealthy() {
        TestNode main = net.node("main", c -> c.withNetwork(NetworkKey.named("main")));
        TestNode stranger = net.node("stranger", c -> c.withNetwork(NetworkKey.named("other")));
        stranger.follow(main);
        main.post("for the main network only");

        stranger.connect(main);
        await(stranger).logs("127.0.0.1:" + main.port() + " failed: ");
        await(main).logs("handshake with");
        assertTrue(stranger.connectedPeers().isEmpty(), "stranger connected to " + stranger.connectedPeers());
        assertTrue(main.connectedPeers().isEmpty(), "main connected to " + main.connectedPeers());

        // The listener still serves its own network: a friend connects and gets the post.
        TestNode friend = net.node("friend", c -> c.withNetwork(NetworkKey.named("main")));
        friend.follow(main);
        friend.connect(main);
        await(friend).sees(main, "for the main network only");
        // By now the stranger has dialed again and again (backing off); nothing crossed, ever.
        assertFalse(stranger.holdsFeedOf(main));
        assertFalse(main.connectedTo(stranger));
        net.assertNoInternalErrors();
    }

    // ---- a peer that sends a forged entry ----

    @Test
    void aTamperedEntryCostsThePeerItsConnectionWhileHonestReplicationGoesOn() throws Exception {
        TestNode alice = net.node("alice");
        TestNode bob = net.node("bob");
        bob.follow(alice);
        bob.connect(alice);
        Entry first = alice.post("genuine 1");
        await(bob).sees(alice, "genuine 1");

        // Alice's next entry as a forger would present it: well formed, content hash right, one
        // signature bit wrong. Entry.decode checks the hash, not the signature: the store must.
        Entry signed = Entry.create(alice.identity(), 2, first.id(), System.currentTimeMillis(), Content.Post.text("forged"));
        byte[] envelope = signed.encode();
        envelope[signed.header().size() - 1] ^= 1;
        Entry tampered = Entry.decode(envelope);
        assertFalse(tampered.header().verifySignature(new Verifier()));

        Identity mallory = Identity.generate(RANDOM);
        try (RawPeer raw = RawPeer.connect(bob.address(), mallory, TestNet.NETWORK)) {
            assertEquals(bob.id(), raw.remote().author());
            raw.send(new WireMessage.Clock(List.of()));
            raw.send(new WireMessage.Entries(List.of(tampered)));
            WireMessage.Goodbye goodbye = raw.awaitHangUp();
            assertNotNull(goodbye, "bob hung up without a goodbye");
            assertEquals(WireMessage.Reason.INVALID_ENTRY, goodbye.reason());
        }
        await(bob).logs("disconnecting " + mallory.id() + ": sent an invalid entry of " + alice.id() + " #2");
        assertEquals(1, bob.store().headSeq(alice.id()));
        assertFalse(bob.sees(alice, "forged"));

        // The honest connection was never touched, and replicates on.
        assertTrue(bob.connectedTo(alice));
        Entry second = alice.post("genuine 2");
        await(bob).sees(alice, "genuine 2");
        assertEquals(second.id(), bob.store().get(alice.id(), 2).orElseThrow().id());
        assertEquals(2, bob.verifiedLength(alice));
        assertFalse(bob.store().isForked(alice.id()));
        net.assertNoInternalErrors();
    }

    @Test
    void aPeerLyingAboutWhatItHoldsCannotStallReplication() throws Exception {
        TestNode alice = net.node("alice");
        TestNode bob = net.node("bob");
        bob.follow(alice);
        bob.connect(alice);
        alice.post("before the lie");
        await(bob).sees(alice, "before the lie");

        // Mallory claims far more of alice's log than exists, so bob may ask mallory to stream it
        // instead of alice; mallory never delivers. Bob must fall back to alice (source switch).
        Identity mallory = Identity.generate(RANDOM);
        Identity nobody = Identity.generate(RANDOM);
        try (RawPeer liar = RawPeer.connect(bob.address(), mallory, TestNet.NETWORK)) {
            liar.send(new WireMessage.Clock(List.of(new WireMessage.FeedState(alice.id(), 1_000_000, WireMessage.Mode.LAZY))));
            liar.send(new WireMessage.CaughtUp(alice.id(), Long.MAX_VALUE));
            liar.send(new WireMessage.Ping(42));
            // Entries of a feed bob does not want are dropped, not stored, and no offence.
            liar.send(new WireMessage.Entries(List.of(Entry.create(nobody, 1, null, 1, Content.Post.text("spam")))));
            await(bob).isConnectedTo(alice);
            for (int i = 1; i <= 3; i++) {
                alice.post("after the lie " + i);
                await(bob).sees(alice, "after the lie " + i);
            }
            assertEquals(0, bob.store().headSeq(nobody.id()));
            assertTrue(bob.connectedPeers().contains(mallory.id()), "well-formed messages cost mallory its connection");
        }
        net.assertNoInternalErrors();
    }

    // ---- follow hops along a chain ----

    /**
     * n0..n4 where only neighbours are connected (n_i dials n_(i+1)). Every node dials at most one
     * connection: with the default target of 8, peer exchange would soon add shortcuts (n1 tells n2
     * about n0, and so on) and the chain would become a mesh.
     */
    private List<TestNode> chain(int length) {
        List<TestNode> nodes = new ArrayList<>();
        for (int i = 0; i < length; i++) nodes.add(net.node("n" + i, TestNet.targetConnections(1)));
        // From the far end, so each dialer has no connection yet when it dials (and no slot after).
        for (int i = length - 2; i >= 0; i--) {
            nodes.get(i).connect(nodes.get(i + 1));
            await(nodes.get(i)).isConnectedTo(nodes.get(i + 1));
            await(nodes.get(i + 1)).isConnectedTo(nodes.get(i));
        }
        for (int i = 0; i < length; i++) {
            Set<AuthorId> neighbours = new HashSet<>();
            if (i > 0) neighbours.add(nodes.get(i - 1).id());
            if (i < length - 1) neighbours.add(nodes.get(i + 1).id());
            assertEquals(neighbours, new HashSet<>(nodes.get(i).connectedPeers()), "n" + i + " is connected to its neighbours only");
        }
        // n4 follows n3, n3 follows n2, n2 follows n1, n1 follows n0.
        for (int i = length - 1; i > 0; i--) nodes.get(i).follow(nodes.get(i - 1));
        return nodes;
    }

    @Test
    void aPostTravelsAsManyFollowHopsAsInterestReaches() {
        List<TestNode> n = chain(5);
        // Interest (hops = 2): n1 wants {n1, n0}; n2 wants {n2, n1, n0} (n0 through n1's follow);
        // n3 wants {n3, n2, n1}; n4 wants {n4, n3, n2}. So n0's feed reaches n1 and n2, no further.
        n.get(0).post("from n0");
        await(n.get(1)).sees(n.get(0), "from n0");
        await(n.get(2)).sees(n.get(0), "from n0");

        // A barrier instead of a sleep: posts made after n2 got n0's arrive at n3 (two hops from
        // n1) and n4 (two hops from n2) over the same links n0's post would have taken.
        n.get(1).post("from n1");
        n.get(2).post("from n2");
        await(n.get(3)).sees(n.get(1), "from n1");
        await(n.get(4)).sees(n.get(2), "from n2");
        for (int i : new int[] {3, 4}) {
            assertFalse(n.get(i).holdsFeedOf(n.get(0)), "n" + i + " stored n0's feed, " + i + " follow hops away");
            assertFalse(Interest.feeds(n.get(i).store().indexes(), n.get(i).id(), 2).contains(n.get(0).id()));
        }
        assertTrue(Interest.feeds(n.get(2).store().indexes(), n.get(2).id(), 2).contains(n.get(0).id()));
        net.assertNoInternalErrors();
    }

    @Test
    void aFollowedFeedReachesOnlyThroughNodesThatReplicateIt() {
        List<TestNode> n = chain(5);
        TestNode n0 = n.get(0);
        TestNode n3 = n.get(3);
        TestNode n4 = n.get(4);
        n4.follow(n0);
        n0.post("n0 speaks");
        await(n.get(2)).sees(n0, "n0 speaks");

        // n4 wants n0 (hop 1), but its only peer n3 does not: n3's interest is {n3, n2, n1}, and a
        // node replicates (stores, and so passes on) only the feeds within its own hops. Entries are
        // not forwarded on behalf of others, so n0's post stops at n2.
        assertFalse(Interest.feeds(n3.store().indexes(), n3.id(), 2).contains(n0.id()));
        n3.post("n3 speaks");
        await(n4).sees(n3, "n3 speaks");
        assertFalse(n3.holdsFeedOf(n0));
        assertFalse(n4.holdsFeedOf(n0), "n0's post reached n4 past a node that does not replicate it");

        // Once n3 takes an interest in n0 it fetches the feed from n2, and then n4 gets it from n3.
        n3.follow(n0);
        await(n3).sees(n0, "n0 speaks");
        await(n4).sees(n0, "n0 speaks");
        assertEquals(1, n4.verifiedLength(n0));
        net.assertNoInternalErrors();
    }

    @Test
    void aNodeAsksItsPeersWhereAnAuthorNobodyNearReplicatesCanBeReached() {
        // Alice and carol want one connection, bob two: peer exchange opens no other way to alice.
        TestNode alice = net.node("alice", TestNet.targetConnections(1));
        TestNode bob = net.node("bob", TestNet.targetConnections(2));
        TestNode carol = net.node("carol", TestNet.targetConnections(1));
        carol.connect(bob);
        await(bob).isConnectedTo(carol);
        // Bob meets alice after his peer exchange with carol: carol has no address for alice.
        bob.connect(alice);
        await(bob).isConnectedTo(alice);
        alice.post("alice speaks");

        // Carol wants alice's feed, which bob, her only peer, does not replicate: she asks bob
        // where alice is, dials her and gets the post from her.
        carol.follow(alice);
        await(carol).sees(alice, "alice speaks");
        assertTrue(carol.connectedTo(alice));
        assertFalse(bob.holdsFeedOf(alice));
        net.assertNoInternalErrors();
    }

    // ---- hostile bytes ----

    /** alice serves bob; the tests below attack alice and check that bob does not notice. */
    private TestNode[] servingPair() {
        TestNode alice = net.node("alice");
        TestNode bob = net.node("bob");
        bob.follow(alice);
        bob.connect(alice);
        alice.post("before the fuzzing");
        await(bob).sees(alice, "before the fuzzing");
        return new TestNode[] {alice, bob};
    }

    @Test
    void garbageBeforeTheHandshakeIsShedWhileAnHonestPeerReplicates() throws Exception {
        TestNode[] pair = servingPair();
        TestNode alice = pair[0];
        TestNode bob = pair[1];
        Random random = new Random(7);
        byte[] msg1 = NoiseHandshake.initiator(NoiseProtocol.XX_25519_AESGCM_SHA256, RawPeer.prologue(TestNet.NETWORK),
                X25519KeyPair.generate()).writeMessage(new byte[0]);
        assertEquals(32, msg1.length);

        Map<String, byte[]> attacks = new LinkedHashMap<>();
        attacks.put("silence", new byte[0]);
        attacks.put("one byte", new byte[] {7});
        for (int n : new int[] {7, 100, 4_096, 70_000}) attacks.put(n + " random bytes", bytes(random, n));
        attacks.put("random frames", concat(frame(bytes(random, 10)), frame(bytes(random, 1_000)), frame(bytes(random, 2))));
        attacks.put("an empty frame", frame(new byte[0]));
        for (int n : new int[] {1, 16, 31}) attacks.put("message 1 cut to " + n + " bytes", frame(Arrays.copyOf(msg1, n)));
        attacks.put("message 1 with a payload", frame(concat(msg1, bytes(random, 40))));
        attacks.put("message 1 then silence", frame(msg1));
        attacks.put("message 1 with flipped bits, then silence", frame(flip(msg1, random)));
        attacks.put("message 1 twice", concat(frame(msg1), frame(msg1)));
        attacks.put("message 1 then a random message 3", concat(frame(msg1), frame(bytes(random, 48 + 99 + 16))));
        attacks.put("a low-order ephemeral key", frame(new byte[32]));
        attacks.put("a random ephemeral key and junk", concat(frame(bytes(random, 32)), frame(bytes(random, 5))));
        attacks.put("the largest frame", frame(bytes(random, 65_535)));
        attacks.put("the largest length, few bytes", new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3});

        // Connections that hang up themselves mid-handshake, opened before the silent ones so that
        // a handshake timeout wrongly left running for them would fire before the check below.
        int hangUps = 3;
        for (int i = 0; i < hangUps; i++) {
            try (Socket s = RawPeer.dial(alice.address())) {
                s.getOutputStream().write(i == 0 ? new byte[0] : frame(msg1));
            }
        }
        List<Socket> sockets = new ArrayList<>();
        try {
            for (byte[] attack : attacks.values()) {
                Socket s = RawPeer.dial(alice.address());
                sockets.add(s);
                s.getOutputStream().write(attack);
                s.getOutputStream().flush();
            }
            // While all of that is pending (some of it waits out the handshake timeout), alice posts.
            alice.post("during the fuzzing");
            await(bob).sees(alice, "during the fuzzing");

            // Node.Config has no handshake timeout, so the transport's 5 s applies to the silent ones.
            List<String> names = new ArrayList<>(attacks.keySet());
            for (int i = 0; i < sockets.size(); i++) {
                assertTrue(RawPeer.closedByPeer(sockets.get(i)), "alice kept open a connection that sent " + names.get(i));
            }
        } finally {
            for (Socket s : sockets) s.close();
        }
        await(alice).logs("no handshake within");
        // Each connection's failed handshake is reported once, when it fails: not again later by a
        // timeout left running, nor once per frame still buffered behind the one that failed it.
        net.waitFor("alice reports each failed handshake", () -> failedHandshakes(alice).size() >= hangUps + attacks.size());
        Map<String, List<String>> byRemote = failedHandshakes(alice);
        assertEquals(hangUps + attacks.size(), byRemote.size(), "connections with failed handshakes: " + byRemote);
        for (var e : byRemote.entrySet()) assertEquals(1, e.getValue().size(), e.getKey() + " reported " + e.getValue() + "; all: " + byRemote);

        alice.post("after the fuzzing");
        await(bob).sees(alice, "after the fuzzing");
        assertTrue(bob.connectedTo(alice));
        assertFalse(bob.logged("disconnected " + alice.id()), "the honest connection dropped");
        net.assertNoInternalErrors();
    }

    /** What a later version may send (PROTOCOL.md, "How the protocol grows") is ignored, and the connection stays. */
    @Test
    void whatALaterVersionMaySendIsIgnoredAndTheConnectionStays() throws Exception {
        TestNode alice = net.node("alice");
        try (RawPeer p = RawPeer.connect(alice.address(), Identity.generate(RANDOM), TestNet.NETWORK)) {
            p.readTimeout(TestNet.PATIENCE);
            assertEquals(java.util.Set.of("channels/1"), p.remote().capabilities(), "a node names what every node speaks beyond the base protocol");
            p.sendMessage(new byte[] {(byte) 255, 1, 2, 3});
            p.sendMessage(new byte[] {16});
            p.sendMessage(new ByteWriter(64).u8(1).varint(1).id(alice.id()).varint(1).u8(9).u8(255).toByteArray());
            p.sendMessage(new ByteWriter(32).u8(4).varint(1).string("127.0.0.1").u16(0).bool(false).toByteArray());
            p.send(new WireMessage.Ping(77));
            WireMessage m = p.receive();
            while (!(m instanceof WireMessage.Pong)) m = p.receive();
            assertEquals(new WireMessage.Pong(77), m, "still connected, still answering");
        }
        net.assertNoInternalErrors();
    }

    @Test
    void malformedMessagesAfterTheHandshakeCostTheSenderItsConnection() throws Exception {
        TestNode[] pair = servingPair();
        TestNode alice = pair[0];
        TestNode bob = pair[1];
        Random random = new Random(11);

        Map<String, FuzzStep> attacks = new LinkedHashMap<>();
        attacks.put("a frame that does not decrypt", p -> p.sendFrame(bytes(random, 100)));
        attacks.put("an empty frame", p -> p.sendFrame(new byte[0]));
        attacks.put("a frame shorter than its tag", p -> p.sendFrame(bytes(random, 15)));
        attacks.put("the largest frame, not decrypting", p -> p.sendFrame(bytes(random, 65_535)));
        attacks.put("a message longer than the limit", p -> p.sendPlaintext(new ByteWriter(8).u32(WireCodec.MAX_MESSAGE + 1L).u32(0).toByteArray()));
        attacks.put("a negative message length", p -> p.sendPlaintext(new byte[] {(byte) 0x80, 0, 0, 0, 1}));
        attacks.put("an empty message", p -> p.sendMessage(new byte[0]));
        attacks.put("message type 0", p -> p.sendMessage(new byte[] {0}));
        attacks.put("message type 8", p -> p.sendMessage(new byte[] {8, 0, 0}));
        attacks.put("a ping with a trailing byte", p -> p.sendMessage(new ByteWriter(10).u8(5).i64(1).u8(0).toByteArray()));
        attacks.put("a truncated pong", p -> p.sendMessage(new byte[] {6, 1, 2, 3}));
        attacks.put("a clock of 4,097 feeds", p -> p.sendMessage(new ByteWriter(8).u8(1).varint(4_097).toByteArray()));
        attacks.put("a clock of more feeds than bytes", p -> p.sendMessage(concat(new ByteWriter(8).u8(1).varint(100).toByteArray(), bytes(random, 60))));
        attacks.put("a clock with mode 9", p -> p.sendMessage(new ByteWriter(64).u8(1).varint(1).id(alice.id()).varint(1).u8(9).toByteArray()));
        attacks.put("a clock with an overlong sequence", p -> p.sendMessage(concat(new ByteWriter(64).u8(1).varint(1).id(alice.id()).toByteArray(),
                new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 1})));
        attacks.put("a batch of 1,025 entries", p -> p.sendMessage(new ByteWriter(8).u8(2).varint(1_025).toByteArray()));
        attacks.put("an entry of garbage", p -> p.sendMessage(concat(new ByteWriter(8).u8(2).varint(1).varint(300).toByteArray(), bytes(random, 300))));
        attacks.put("an entry longer than the message", p -> p.sendMessage(concat(new ByteWriter(8).u8(2).varint(1).varint(16_000).toByteArray(), bytes(random, 300))));
        attacks.put("an entry whose body is not its hash", p -> {
            Entry e = alice.log(alice).get(0);
            byte[] env = e.encode();
            env[env.length - 1] ^= 1;
            p.sendMessage(concat(new ByteWriter(8).u8(2).varint(1).varint(env.length).toByteArray(), env));
        });
        attacks.put("a peer list with an empty host", p -> p.sendMessage(new ByteWriter(32).u8(4).varint(1).string("").u16(7).bool(false).toByteArray()));
        attacks.put("a peer list of 65", p -> p.sendMessage(new ByteWriter(8).u8(4).varint(65).toByteArray()));
        for (int i = 0; i < 12; i++) {
            byte[] junk = malformedMessage(random);
            attacks.put("random message " + i + " (type " + (junk[0] & 0xff) + ", " + junk.length + " bytes)", p -> p.sendMessage(junk));
        }

        Map<String, Identity> fuzzers = new LinkedHashMap<>();
        for (var attack : attacks.entrySet()) {
            Identity fuzzer = Identity.generate(RANDOM);
            fuzzers.put(attack.getKey(), fuzzer);
            try (RawPeer p = RawPeer.connect(alice.address(), fuzzer, TestNet.NETWORK)) {
                attack.getValue().sendWith(p);
                WireMessage.Goodbye goodbye = p.awaitHangUp(); // fails if alice keeps the connection open
                if (goodbye != null) assertEquals(WireMessage.Reason.MALFORMED, goodbye.reason(), attack.getKey());
            }
            if (attacks.size() / 2 == fuzzers.size()) alice.post("amid the fuzzing");
        }
        for (var f : fuzzers.entrySet()) {
            await(alice).logs("disconnected " + f.getValue().id() + ": malformed input");
        }
        await(bob).sees(alice, "amid the fuzzing");
        alice.post("after the fuzzing");
        await(bob).sees(alice, "after the fuzzing");
        assertTrue(bob.connectedTo(alice));
        assertFalse(bob.logged("disconnected " + alice.id()), "the honest connection dropped");
        net.assertNoInternalErrors();
    }

    @Test
    void aReplayedNoiseMessageIsRefused() throws Exception {
        TestNode[] pair = servingPair();
        TestNode alice = pair[0];
        Identity fuzzer = Identity.generate(RANDOM);
        try (RawPeer p = RawPeer.connect(alice.address(), fuzzer, TestNet.NETWORK)) {
            p.sendReplayed(new WireMessage.Ping(1));
            p.awaitHangUp();
        }
        await(alice).logs("disconnected " + fuzzer.id() + ": malformed input");
        net.assertNoInternalErrors();
    }

    /** The reasons logged for failed handshakes, by remote address. */
    private static Map<String, List<String>> failedHandshakes(TestNode node) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String prefix = "handshake with ";
        for (String line : node.events()) {
            if (!line.startsWith(prefix)) continue;
            int end = line.indexOf(" failed: ");
            out.computeIfAbsent(line.substring(prefix.length(), end), k -> new ArrayList<>()).add(line.substring(end + 9));
        }
        return out;
    }

    /** Sends something hostile on an established connection. */
    private interface FuzzStep {
        void sendWith(RawPeer peer) throws Exception;
    }

    /** Random bytes of a known type that the codec refuses; anything but {@link Malformed} is a codec bug. */
    private static byte[] malformedMessage(Random random) {
        while (true) {
            byte[] b = bytes(random, 1 + random.nextInt(400));
            b[0] = (byte) (1 + random.nextInt(7));
            try {
                WireCodec.decode(b);
            } catch (Malformed expected) {
                return b;
            } catch (RuntimeException e) {
                fail("WireCodec.decode threw " + e + " on " + HexFormat.of().formatHex(b));
            }
        }
    }

    // ---- bytes ----

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] frame(byte[] body) {
        return concat(new byte[] {(byte) (body.length >>> 8), (byte) body.length}, body);
    }

    private static byte[] flip(byte[] b, Random random) {
        byte[] out = b.clone();
        out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }
}
