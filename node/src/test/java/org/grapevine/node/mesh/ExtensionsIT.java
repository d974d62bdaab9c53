package org.grapevine.node.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.grapevine.gossip.policy.Visibility;
import org.grapevine.gossip.transport.PeerChannel;
import org.grapevine.gossip.wire.MessageType;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.protocol.Protocol;
import org.grapevine.node.replication.Interest;
import org.grapevine.node.store.Indexes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a protocol added to a node changes, on real nodes: its visibility rule holds on the wire
 * (what it hides from a peer is never named to that peer, by any message, while everyone else gets
 * it as usual; the hidden party is a raw peer, so the test sees every message it receives), and
 * its interest rule makes the node replicate feeds no follow reaches.
 */
class ExtensionsIT {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;
    private TestNet net;

    @AfterEach
    void stop() {
        net.close();
    }

    /** A protocol that speaks no messages of its own: only its rules matter. */
    private interface Silent extends Protocol {
        @Override
        default Set<MessageType> types() {
            return Set.of();
        }

        @Override
        default void received(PeerChannel peer, WireMessage message, Runnable done) {
            done.run();
        }
    }

    /** Hides one feed and the blobs in a set from one peer. */
    private record Hiding(AuthorId from, AuthorId feed, Set<BlobId> blobs) implements Silent {
        @Override
        public Visibility visibility() {
            return new Visibility() {
                @Override
                public boolean feed(AuthorId peer, AuthorId f) {
                    return !(peer.equals(from) && f.equals(feed));
                }

                @Override
                public boolean blob(AuthorId peer, BlobId blob) {
                    return !(peer.equals(from) && blobs.contains(blob));
                }
            };
        }
    }

    private static boolean names(WireMessage m, AuthorId feed, BlobId blob) {
        if (m instanceof WireMessage.Clock c) return c.feeds().stream().anyMatch(f -> f.feed().equals(feed));
        if (m instanceof WireMessage.Routes r) return r.routes().stream().anyMatch(x -> x.feed().equals(feed));
        if (m instanceof WireMessage.Entries e) return e.entries().stream().anyMatch(x -> x.header().author().equals(feed));
        if (m instanceof WireMessage.CaughtUp c) return c.feed().equals(feed);
        if (m instanceof WireMessage.Peers p) return p.peers().stream().anyMatch(a -> feed.equals(a.id()));
        if (m instanceof WireMessage.BlobHave h) return h.blob().equals(blob);
        if (m instanceof WireMessage.BlobWant w) return w.blob().equals(blob);
        if (m instanceof WireMessage.BlobChunk c) return c.blob().equals(blob);
        return false;
    }

    private Path file(String name, int bytes) throws IOException {
        byte[] data = new byte[bytes];
        RANDOM.nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }

    @Test
    void aFeedAndABlobHiddenFromOnePeerAreNeverNamedToItWhileOthersGetThem() throws Exception {
        net = new TestNet(dir.resolve("net"));
        Identity malloryKey = Identity.generate(RANDOM);
        Identity aliceKey = Identity.generate(RANDOM);
        Set<BlobId> hiddenBlobs = ConcurrentHashMap.newKeySet();
        TestNode alice = net.node("alice", aliceKey, List.of(new Hiding(malloryKey.id(), aliceKey.id(), hiddenBlobs)));
        TestNode carol = net.node("carol");
        alice.follow(carol);
        carol.follow(alice);
        carol.connect(alice);

        Entry photoPost = alice.postAttaching("our secret photo", file("secret.jpg", 300_000));
        BlobId secret = attachment(photoPost);
        hiddenBlobs.add(secret);
        Entry carolsPost = carol.postAttaching("carol's public photo", file("public.jpg", 300_000));
        BlobId open = attachment(carolsPost);
        net.await(carol).sees(alice, "our secret photo");
        net.await(alice).sees(carol, "carol's public photo");
        net.waitFor("carol holds alice's photo", () -> complete(carol, secret));
        net.waitFor("alice holds carol's photo", () -> complete(alice, open));

        try (RawPeer mallory = RawPeer.connect(alice.address(), malloryKey, TestNet.NETWORK)) {
            mallory.readTimeout(TestNet.PATIENCE);
            // Asks for both feeds, both blobs, and where both authors are; each hidden ask comes
            // before its visible twin, so the twin's answer shows the hidden one was handled.
            mallory.send(new WireMessage.Clock(List.of(
                    new WireMessage.FeedState(alice.id(), 0, WireMessage.Mode.EAGER, WireMessage.NO_ROUTE),
                    new WireMessage.FeedState(carol.id(), 0, WireMessage.Mode.EAGER, WireMessage.NO_ROUTE))));
            mallory.send(new WireMessage.BlobWant(secret, 1, -1));
            mallory.send(new WireMessage.BlobWant(open, 1, -1));
            mallory.send(new WireMessage.BlobGet(secret, List.of(0, 1)));
            mallory.send(new WireMessage.Locate(alice.id()));
            mallory.send(new WireMessage.Locate(carol.id()));

            List<WireMessage> received = new ArrayList<>();
            boolean carolsFeed = false, carolsBlob = false;
            int carolsAddress = 0; // once on connecting, once answering the Locate
            while (!(carolsFeed && carolsBlob && carolsAddress == 2)) {
                WireMessage m = mallory.receive();
                received.add(m);
                // The have of nothing answers a request for any blob never heard of: it tells nothing.
                boolean nothing = m instanceof WireMessage.BlobHave h && h.saysNothing();
                assertFalse(names(m, alice.id(), secret) && !nothing, "mallory was told of what is hidden from it: " + m);
                if (m instanceof WireMessage.CaughtUp c && c.feed().equals(carol.id())) carolsFeed = true;
                if (m instanceof WireMessage.BlobHave h && h.blob().equals(open) && h.complete()) carolsBlob = true;
                if (m instanceof WireMessage.Peers p && p.peers().stream().anyMatch(a -> carol.id().equals(a.id()))) carolsAddress++;
            }
            assertTrue(received.stream().anyMatch(m -> m instanceof WireMessage.Entries), "carol's entries streamed");
        }
        assertEquals(alice.store().headSeq(alice.id()), carol.store().headSeq(alice.id()), "carol, who may see it, holds all of alice's log");
        net.assertNoInternalErrors();
    }

    /** Shows one feed only to the peers in a set that changes while they are connected (members proving themselves). */
    private record MembersOnly(AuthorId feed, Set<AuthorId> members) implements Silent {
        @Override
        public Visibility visibility() {
            return new Visibility() {
                @Override
                public boolean feed(AuthorId peer, AuthorId f) {
                    return !f.equals(feed) || members.contains(peer);
                }

                @Override
                public boolean blob(AuthorId peer, BlobId blob) {
                    return true;
                }
            };
        }
    }

    @Test
    void aPeerThatComesToSeeAFeedWithinItsConnectionIsToldOfItAndServed() throws Exception {
        net = new TestNet(dir.resolve("net"));
        Identity aliceKey = Identity.generate(RANDOM);
        Identity malloryKey = Identity.generate(RANDOM);
        Set<AuthorId> members = ConcurrentHashMap.newKeySet();
        TestNode alice = net.node("alice", aliceKey, List.of(new MembersOnly(aliceKey.id(), members)));
        alice.post("for members");
        try (RawPeer mallory = RawPeer.connect(alice.address(), malloryKey, TestNet.NETWORK)) {
            mallory.readTimeout(TestNet.PATIENCE);
            WireMessage greeting = mallory.receive();
            while (!(greeting instanceof WireMessage.Clock)) greeting = mallory.receive();
            assertFalse(names(greeting, alice.id(), null), "not a member yet: " + greeting);

            members.add(malloryKey.id());
            alice.node().visibilityChanged(malloryKey.id());
            WireMessage told = mallory.receive();
            while (!names(told, alice.id(), null)) told = mallory.receive();
            assertTrue(told instanceof WireMessage.Clock, "told of the feed in a clock: " + told);

            mallory.send(new WireMessage.Clock(List.of(new WireMessage.FeedState(alice.id(), 0, WireMessage.Mode.EAGER, WireMessage.NO_ROUTE))));
            WireMessage m = mallory.receive();
            while (!(m instanceof WireMessage.Entries)) m = mallory.receive();
            assertEquals("for members", ((Content.Post) ((WireMessage.Entries) m).entries().get(0).decodeContent()).text());
        }
        net.assertNoInternalErrors();
    }

    /** Wants one feed, whatever the follow graph says. */
    private record Wanting(AuthorId feed) implements Silent {
        @Override
        public List<Interest.Rule> interest() {
            return List.of(new Interest.Rule() {
                @Override
                public Set<AuthorId> wants(Indexes indexes, AuthorId self, Set<AuthorId> excluded) {
                    return Set.of(feed);
                }
            });
        }
    }

    @Test
    void aProtocolsInterestRuleBringsAFeedNobodyFollowsAndABlockStillKeepsItOut() {
        net = new TestNet(dir.resolve("net"));
        TestNode carol = net.node("carol");
        TestNode alice = net.node("alice", Identity.generate(RANDOM), List.of(new Wanting(carol.id())));
        alice.connect(carol);
        carol.post("for whoever wants it");
        net.await(alice).sees(carol, "for whoever wants it");
        assertFalse(alice.store().indexes().follows(alice.id(), carol.id()), "alice follows nobody");

        // A public block keeps the feed out, whatever a rule wants: alice no longer replicates it.
        alice.block(carol);
        net.waitFor("alice stops replicating carol",
                () -> alice.node().sync().join().stream().noneMatch(f -> f.feed().equals(carol.id())));
        net.assertNoInternalErrors();
    }

    /**
     * A made-up protocol: on every connection it sends a greeting of an extension type byte,
     * whether or not the peer says it speaks it (to show that one that does not ignores it), and
     * answers a greeting with its own text reversed.
     */
    private static final class Echo implements Protocol {
        static final int GREETING = 200;
        static final int ANSWER = 201;
        final Set<String> answersHeard = ConcurrentHashMap.newKeySet();
        final Map<AuthorId, Set<String>> capabilitiesSeen = new ConcurrentHashMap<>();
        final java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public Set<MessageType> types() {
            return Set.of();
        }

        @Override
        public Set<Integer> extensionTypes() {
            return Set.of(GREETING, ANSWER);
        }

        @Override
        public Set<String> capabilities() {
            return Set.of("test-echo/1");
        }

        /** The peers connected now, and those that answered: a peer whose connection was replaced before it answered is greeted again. */
        final Map<AuthorId, PeerChannel> connected = new ConcurrentHashMap<>();
        final Set<AuthorId> answered = ConcurrentHashMap.newKeySet();

        @Override
        public void connected(PeerChannel peer) {
            capabilitiesSeen.put(peer.id(), peer.capabilities());
            connected.put(peer.id(), peer);
            greet(peer);
        }

        @Override
        public void disconnected(AuthorId peer) {
            connected.remove(peer);
        }

        @Override
        public void tick() {
            for (PeerChannel p : connected.values()) {
                if (p.capabilities().contains("test-echo/1") && !answered.contains(p.id())) greet(p);
            }
        }

        private void greet(PeerChannel peer) {
            peer.send(new WireMessage.Extension(GREETING, "hello".getBytes(StandardCharsets.UTF_8)));
            sent.incrementAndGet();
        }

        @Override
        public void received(PeerChannel peer, WireMessage message, Runnable done) {
            WireMessage.Extension x = (WireMessage.Extension) message;
            String text = new String(x.body(), StandardCharsets.UTF_8);
            if (x.code() == GREETING) {
                peer.send(new WireMessage.Extension(ANSWER, new StringBuilder(text).reverse().toString().getBytes(StandardCharsets.UTF_8)));
            } else {
                answersHeard.add(text);
                answered.add(peer.id());
            }
            done.run();
        }
    }

    @Test
    void aNodeSpeakingAMadeUpMessageAndOneThatDoesNotKeepReplicating() {
        net = new TestNet(dir.resolve("net"));
        Echo aliceEcho = new Echo();
        Echo carolEcho = new Echo();
        TestNode alice = net.node("alice", Identity.generate(RANDOM), List.of(aliceEcho));
        TestNode bob = net.node("bob"); // speaks no extension
        TestNode carol = net.node("carol", Identity.generate(RANDOM), List.of(carolEcho));
        for (TestNode[] pair : new TestNode[][] {{alice, bob}, {bob, alice}, {carol, alice}, {bob, carol}, {carol, bob}}) pair[0].follow(pair[1]);
        alice.connect(bob);
        carol.connect(alice);
        carol.connect(bob);

        net.waitFor("alice and carol greeted each other", () -> aliceEcho.answersHeard.contains("olleh") && carolEcho.answersHeard.contains("olleh"));
        assertEquals(Set.of("test-echo/1", "channels/1"), aliceEcho.capabilitiesSeen.get(carol.id()), "carol said in her handshake what she speaks");
        assertEquals(Set.of("channels/1"), aliceEcho.capabilitiesSeen.get(bob.id()), "bob speaks only what every node does");
        assertTrue(aliceEcho.sent.get() >= 2 && carolEcho.sent.get() >= 2, "bob was greeted too, though he does not speak it");

        // Bob ignored what he does not speak: the connections stay and everything still crosses.
        alice.post("after the greetings, from alice");
        bob.post("after the greetings, from bob");
        net.await(bob).sees(alice, "after the greetings, from alice");
        net.await(alice).sees(bob, "after the greetings, from bob");
        net.await(carol).sees(bob, "after the greetings, from bob");
        assertTrue(alice.node().peers().join().stream().anyMatch(p -> bob.id().equals(p.id()) && p.connected()), "alice is still connected to bob");
        assertTrue(carol.node().peers().join().stream().anyMatch(p -> bob.id().equals(p.id()) && p.connected()), "carol is still connected to bob");
        net.assertNoInternalErrors();
    }

    private static BlobId attachment(Entry post) throws Exception {
        Content.Post p = (Content.Post) org.grapevine.identity.content.ContentCodec.decode(post.header().contentType(), post.content());
        return p.attachments().get(0).blob();
    }

    private static boolean complete(TestNode n, BlobId blob) {
        return n.node().blobFiles().held(blob).map(h -> h.complete()).orElse(false);
    }
}
