package org.grapevine.node.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.content.Content;
import org.grapevine.node.channel.ChannelProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conversations between two people: a message and its reply cross between the two nodes alone;
 * a third node connected to both and following both holds nothing of it; a message to someone
 * offline reaches them when their node is back.
 */
class ConversationsIT {
    @TempDir
    Path dir;
    private TestNet net;

    @AfterEach
    void stop() {
        net.close();
    }

    private static void send(TestNode from, TestNode to, String text) {
        from.node().channels(c -> c.message(to.id(), Content.Post.text(text), List.of())).join();
    }

    private static List<String> said(TestNode n, TestNode with) {
        return n.node().channels(c -> c.conversation(with.id(), false).stream()
                .map(i -> (c.isMine(i) ? "me: " : "them: ") + ((Content.Post) i.content()).text()).toList()).join();
    }

    private static List<ChannelProtocol.Conversation> conversations(TestNode n) {
        return n.node().channels(ChannelProtocol::conversations).join();
    }

    @Test
    void aMessageAndItsReplyCrossAndAThirdNodeFollowingBothLearnsNothing() {
        net = new TestNet(dir);
        TestNode alice = net.node("alice");
        TestNode bob = net.node("bob");
        TestNode carol = net.node("carol");
        carol.follow(alice);
        carol.follow(bob);
        alice.follow(bob);
        carol.connect(alice);
        carol.connect(bob);
        alice.connect(bob);
        net.waitFor("carol connected to both", () -> carol.node().peers().join().stream().filter(p -> p.connected()).count() == 2);

        send(alice, bob, "hello bob, this is between us");
        net.waitFor("bob has alice's message", () -> said(bob, alice).equals(List.of("them: hello bob, this is between us")));
        ChannelProtocol.Conversation request = conversations(bob).get(0);
        assertEquals(alice.id(), request.with());
        assertTrue(request.request(), "bob does not follow alice: a message request");
        assertEquals(1, request.unread());

        net.waitFor("alice sees it delivered", () -> conversations(alice).get(0).delivered());
        send(bob, alice, "hello alice");
        net.waitFor("alice has the reply", () -> said(alice, bob).equals(List.of("me: hello bob, this is between us", "them: hello alice")));
        assertFalse(conversations(bob).get(0).request(), "answered: no longer a request");
        bob.node().channels(c -> c.conversation(alice.id(), true)).join();
        assertEquals(0, conversations(bob).get(0).unread(), "read");

        // carol follows both and is connected to both: nothing of the conversation reached her.
        assertTrue(conversations(carol).isEmpty());
        for (TestNode n : List.of(alice, bob)) {
            for (AuthorId persona : n.node().channels(ChannelProtocol::ownPersonas).join()) {
                assertEquals(0, carol.store().headSeq(persona), "carol holds nothing of " + n + "'s side");
            }
        }
        net.assertNoInternalErrors();
    }

    @Test
    void aMessageToSomeoneOfflineReachesThemWhenTheyAreBack() {
        net = new TestNet(dir);
        TestNode alice = net.node("alice");
        TestNode bob = net.node("bob");
        alice.connect(bob);
        net.waitFor("alice knows bob's address", () -> alice.node().peers().join().stream().anyMatch(p -> bob.id().equals(p.id()) && p.connected()));
        bob.stop();
        net.waitFor("alice sees bob gone", () -> alice.node().peers().join().stream().noneMatch(p -> bob.id().equals(p.id()) && p.connected()));
        send(alice, bob, "while you were away");
        assertFalse(conversations(alice).get(0).delivered(), "not delivered yet");
        bob.restart();
        // Nobody tells alice's node to dial: the message waiting for bob does.
        net.waitFor("bob gets it", () -> said(bob, alice).equals(List.of("them: while you were away")));
        net.waitFor("alice sees it delivered", () -> conversations(alice).get(0).delivered());
        net.assertNoInternalErrors();
    }

    @Test
    void aStrangersRequestIsKeptToItsFirstTwentyEntriesUntilTakenUp() throws Exception {
        net = new TestNet(dir);
        TestNode alice = net.node("alice");
        TestNode bob = net.node("bob");
        alice.connect(bob);
        net.waitFor("alice knows bob's address", () -> alice.node().peers().join().stream().anyMatch(p -> bob.id().equals(p.id()) && p.connected()));
        bob.stop();
        for (int i = 1; i <= 25; i++) send(alice, bob, "message " + i);
        bob.restart();
        AuthorId persona = org.grapevine.identity.channel.ChannelKeys.persona(alice.identity(),
                org.grapevine.identity.channel.ChannelKeys.root(org.grapevine.identity.channel.DirectKeys.secret(alice.identity(), bob.id()))).id();
        // Entry 1 is alice's fresh key; entries 2 to 20 are the first nineteen messages.
        net.waitFor("bob holds the first twenty entries", () -> bob.store().headSeq(persona) >= ChannelProtocol.MAX_REQUEST_ENTRIES
                && said(bob, alice).size() == 19);
        for (long seq = ChannelProtocol.MAX_REQUEST_ENTRIES + 1; seq <= bob.store().headSeq(persona); seq++) {
            assertFalse(bob.store().get(persona, seq).orElseThrow().hasContent(), "no body kept past the cap: entry " + seq);
        }
        assertFalse(conversations(alice).get(0).delivered(), "what was not kept is not acknowledged");

        bob.node().channels(c -> { c.accept(alice.id()); return null; }).join();
        send(alice, bob, "now that you have accepted");
        net.waitFor("bob gets what comes after", () -> said(bob, alice).contains("them: now that you have accepted"));
        net.waitFor("and alice sees it delivered", () -> conversations(alice).get(0).delivered());
        net.assertNoInternalErrors();
    }

    @Test
    void aMessageFindsSomeoneWhoseAddressOnlyAPeerKnows() {
        net = new TestNet(dir);
        TestNode alice = net.node("alice");
        TestNode carol = net.node("carol");
        TestNode bob = net.node("bob");
        alice.connect(carol);
        bob.connect(carol);
        net.waitFor("carol connected to both", () -> carol.node().peers().join().stream().filter(p -> p.connected()).count() == 2);
        // alice has never heard of bob's node: her node asks its peers where bob is, and dials him.
        send(alice, bob, "found you");
        net.waitFor("bob has it", () -> said(bob, alice).equals(List.of("them: found you")));
        assertTrue(conversations(carol).isEmpty(), "carol, who said where bob is, holds nothing of it");
        net.assertNoInternalErrors();
    }

    @Test
    void aBlockedSendersMessagesAreNeverTakenIn() {
        net = new TestNet(dir);
        TestNode alice = net.node("alice");
        TestNode bob = net.node("bob");
        TestNode carol = net.node("carol");
        bob.block(alice);
        alice.connect(bob);
        carol.connect(bob);
        net.waitFor("both connected to bob", () -> bob.node().peers().join().stream().filter(p -> p.connected()).count() == 2);
        send(alice, bob, "let me in");
        send(carol, bob, "hi bob");
        net.waitFor("bob has carol's message", () -> said(bob, carol).equals(List.of("them: hi bob")));
        assertTrue(said(bob, alice).isEmpty(), "nothing of the blocked sender's");
        assertTrue(conversations(bob).stream().noneMatch(c -> c.with().equals(alice.id())));
        assertFalse(conversations(alice).get(0).delivered());
        net.assertNoInternalErrors();
    }

    @Test
    void aRequestsAttachmentIsFetchedOnlyOnceTheRequestIsTakenUp() throws Exception {
        net = new TestNet(dir);
        TestNode alice = net.node("alice");
        TestNode bob = net.node("bob");
        alice.connect(bob);
        byte[] photo = new byte[150_000];
        new java.util.Random(5).nextBytes(photo);
        byte[] key = org.grapevine.identity.channel.ChannelBlobs.newKey();
        org.grapevine.identity.BlobId blob = alice.encryptedBlob(photo, key, dir.resolve("photo.enc"));
        var sealingKey = new org.grapevine.identity.channel.Sealing.BlobKey(blob, key, photo.length);
        Content.Post post = new Content.Post("a photo for you", null, null, List.of(),
                List.of(new Content.Attachment(blob, photo.length, "image/jpeg", "photo.jpg")), "");
        alice.node().channels(c -> c.message(bob.id(), post, List.of(sealingKey))).join();
        net.waitFor("bob has the message request", () -> said(bob, alice).equals(List.of("them: a photo for you")));
        net.waitFor("alice sees it delivered", () -> conversations(alice).get(0).delivered());
        assertTrue(bob.node().blobFiles().held(blob).isEmpty(), "nothing of the photo fetched for a request");

        bob.node().channels(c -> { c.accept(alice.id()); return null; }).join();
        net.waitFor("bob fetched the photo", () -> bob.node().blobFiles().held(blob).map(h -> h.complete()).orElse(false));
        net.assertNoInternalErrors();
    }

    /**
     * Each turn of the conversation moves it to an epoch made from fresh keys: what was said after
     * the first message does not open with the conversation's first secret, which the identity
     * keys alone give (as backup words would, stolen later); both sides still read everything,
     * after a restart too.
     */
    @Test
    void afterTheFirstTurnTheIdentityKeysAloneOpenNothing() throws Exception {
        net = new TestNet(dir);
        TestNode alice = net.node("alice");
        TestNode bob = net.node("bob");
        alice.connect(bob);
        send(alice, bob, "one");
        net.waitFor("bob has one", () -> said(bob, alice).size() == 1);
        send(bob, alice, "two");
        net.waitFor("alice has two", () -> said(alice, bob).size() == 2);
        send(alice, bob, "three");
        net.waitFor("bob has three", () -> said(bob, alice).size() == 3);
        send(bob, alice, "four");
        net.waitFor("alice has four", () -> said(alice, bob).size() == 4);

        byte[] first = org.grapevine.identity.channel.DirectKeys.secret(alice.identity(), bob.id());
        var channel = org.grapevine.identity.channel.ChannelKeys.id(org.grapevine.identity.channel.ChannelKeys.root(first),
                org.grapevine.identity.channel.DirectKeys.NO_OWNER);
        var firstEpoch = org.grapevine.identity.channel.ChannelKeys.epoch(first, channel);
        List<String> underFirst = new java.util.ArrayList<>();
        for (ChannelProtocol.Item i : alice.node().channels(c -> c.conversation(bob.id(), false)).join()) {
            var sealed = (org.grapevine.identity.channel.Sealed) i.entry().decodeContent();
            if (java.util.Arrays.equals(sealed.epochId(), firstEpoch.id())) underFirst.add(((Content.Post) i.content()).text());
        }
        assertEquals(List.of("one"), underFirst, "only the first message is sealed under the secret the identity keys give");

        // More turns than a node keeps fresh private keys: what the older ones opened stays readable.
        for (int turn = 5; turn <= 10; turn++) {
            TestNode from = turn % 2 == 1 ? alice : bob;
            TestNode to = from == alice ? bob : alice;
            send(from, to, "turn " + turn);
            int expected = turn;
            net.waitFor("turn " + turn + " arrives", () -> said(to, from).size() == expected);
        }
        bob.restart();
        alice.connect(bob);
        net.waitFor("bob still reads all ten", () -> said(bob, alice).size() == 10 && said(bob, alice).get(0).equals("them: one"));
        send(bob, alice, "eleven");
        net.waitFor("and the conversation goes on", () -> said(alice, bob).size() == 11);
        net.assertNoInternalErrors();
    }

    /**
     * What passes between the two nodes, read off the wire by a relay in the middle: neither the
     * text, nor either person's id, nor a persona's, in raw bytes or text form.
     */
    @Test
    void aCaptureOfTheConnectionShowsNeitherTextNorIds() throws Exception {
        net = new TestNet(dir);
        TestNode alice = net.node("alice");
        TestNode bob = net.node("bob");
        try (Relay relay = new Relay(bob.port())) {
            alice.node().addPeer(new org.grapevine.gossip.discovery.PeerAddress("127.0.0.1", relay.port(), bob.id()),
                    org.grapevine.gossip.discovery.PeerTable.Source.BOOTSTRAP);
            net.waitFor("alice connected to bob through the relay", () -> alice.node().peers().join().stream().anyMatch(p -> bob.id().equals(p.id()) && p.connected()));
            String secret = "meet me at the old mill at nine";
            send(alice, bob, secret);
            net.waitFor("bob has it", () -> said(bob, alice).equals(List.of("them: " + secret)));
            send(bob, alice, "see you there");
            net.waitFor("alice has the reply, and sees hers delivered", () -> said(alice, bob).size() == 2 && conversations(alice).get(0).delivered());
            assertEquals(1, bob.node().peers().join().stream().filter(p -> p.connected()).count(), "one connection: the relayed one");

            byte[] wire = relay.captured();
            assertTrue(wire.length > 2_000, "the relay carried the conversation: " + wire.length + " bytes");
            List<byte[]> secrets = new java.util.ArrayList<>();
            secrets.add(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            secrets.add("see you there".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (TestNode n : List.of(alice, bob)) {
                secrets.add(n.id().bytes());
                secrets.add(n.id().toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                for (AuthorId persona : n.node().channels(ChannelProtocol::ownPersonas).join()) secrets.add(persona.bytes());
            }
            for (byte[] needle : secrets) {
                assertFalse(contains(wire, needle), "found on the wire: " + new String(needle, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        net.assertNoInternalErrors();
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) continue outer;
            }
            return true;
        }
        return false;
    }

    /** A TCP relay on 127.0.0.1 to one port, keeping every byte it passes either way. */
    private static final class Relay implements AutoCloseable {
        private final java.net.ServerSocket server = new java.net.ServerSocket(0, 4, java.net.InetAddress.getLoopbackAddress());
        private final java.io.ByteArrayOutputStream seen = new java.io.ByteArrayOutputStream();
        private final List<java.net.Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

        Relay(int to) throws java.io.IOException {
            Thread accept = new Thread(() -> {
                try {
                    while (true) {
                        java.net.Socket in = server.accept();
                        java.net.Socket out = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), to);
                        sockets.add(in);
                        sockets.add(out);
                        pipe(in, out);
                        pipe(out, in);
                    }
                } catch (java.io.IOException closed) {
                    // The relay is closed.
                }
            }, "relay");
            accept.setDaemon(true);
            accept.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void pipe(java.net.Socket from, java.net.Socket to) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[65_536];
                try (var in = from.getInputStream(); var out = to.getOutputStream()) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        synchronized (seen) {
                            seen.write(buffer, 0, n);
                        }
                        out.write(buffer, 0, n);
                    }
                } catch (java.io.IOException closed) {
                    // Either side went away.
                }
            }, "relay-pipe");
            t.setDaemon(true);
            t.start();
        }

        byte[] captured() {
            synchronized (seen) {
                return seen.toByteArray();
            }
        }

        @Override
        public void close() throws java.io.IOException {
            server.close();
            for (java.net.Socket s : sockets) s.close();
        }
    }
}
