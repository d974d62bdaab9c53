package org.grapevine.node.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.blob.BlobHasher;
import org.grapevine.identity.channel.ChannelBlobs;
import org.grapevine.identity.channel.Sealing;
import org.grapevine.identity.log.Entry;
import org.grapevine.identity.channel.ChannelInvite;
import org.grapevine.identity.content.Content;
import org.grapevine.node.channel.ChannelProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A channel among real nodes: its members read each other's posts; a node that is not a member,
 * though connected to both and following both, holds none of it, and a raw peer that watches
 * every message it gets is never named a persona.
 */
class ChannelsIT {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;
    private TestNet net;

    @AfterEach
    void stop() {
        net.close();
    }

    private static List<String> texts(TestNode n, String handle) {
        List<String> out = new ArrayList<>();
        for (ChannelProtocol.Item i : n.node().channels(c -> c.entries(handle)).join()) {
            if (i.content() instanceof Content.Post p) out.add(p.text());
        }
        return out;
    }

    @Test
    void membersReadEachOthersPostsAndANonMemberLearnsNothing() throws Exception {
        net = new TestNet(dir);
        TestNode alice = net.node("alice");
        TestNode bob = net.node("bob");
        TestNode carol = net.node("carol"); // not a member, but in the middle of everything
        for (TestNode[] pair : new TestNode[][] {{alice, bob}, {bob, alice}, {carol, alice}, {carol, bob}, {alice, carol}, {bob, carol}}) {
            pair[0].follow(pair[1]);
        }
        alice.connect(bob);
        carol.connect(alice);
        carol.connect(bob);
        // The channel is made and joined while the members are connected: their tags go out then.
        net.waitFor("alice and bob connected", () -> alice.connectedTo(bob) && bob.connectedTo(alice));

        alice.node().channels(c -> c.create("wedding", "Ann & Bo", TestNet.NETWORK.name())).join();
        ChannelInvite invite = alice.node().channels(c -> c.invite("wedding", List.of())).join();
        bob.node().channels(c -> c.join(invite, "party", false, "bob")).join();
        alice.node().channels(c -> c.post("wedding", Content.Post.text("the vows were lovely"), List.of())).join();
        bob.node().channels(c -> c.post("party", Content.Post.text("and the cake!"), List.of())).join();
        alice.post("a public post after the channel ones");

        net.waitFor("bob reads alice's channel post", () -> texts(bob, "party").contains("the vows were lovely"));
        net.waitFor("alice reads bob's", () -> texts(alice, "wedding").contains("and the cake!"));
        net.await(carol).sees(alice, "a public post after the channel ones");

        Set<AuthorId> personas = new java.util.HashSet<>();
        for (ChannelProtocol.Member m : alice.node().channels(c -> c.members("wedding")).join()) personas.add(m.persona());
        assertEquals(2, personas.size(), "alice knows both members");
        assertTrue(alice.node().channels(c -> c.members("wedding")).join().stream()
                .anyMatch(m -> bob.id().equals(m.member()) && m.name().equals("bob")), "bob revealed himself to the members");
        for (AuthorId p : personas) {
            assertEquals(0, carol.store().headSeq(p), "carol holds nothing of persona " + p);
            assertFalse(carol.node().sync().join().stream().anyMatch(f -> f.feed().equals(p)), "carol does not even want it");
        }

        // Carol learns the personas' ids somehow and follows them in public: still nothing.
        for (AuthorId p : personas) carol.node().publish(new Content.Follow(p, true)).join();
        net.waitFor("carol wants the personas now", () -> personas.stream().allMatch(p ->
                carol.node().sync().join().stream().anyMatch(f -> f.feed().equals(p))));
        alice.post("a second public post");
        bob.node().channels(c -> c.post("party", Content.Post.text("one more for members"), List.of())).join();
        net.await(carol).sees(alice, "a second public post");
        net.waitFor("alice reads bob's newest", () -> texts(alice, "wedding").contains("one more for members"));
        for (AuthorId p : personas) assertEquals(0, carol.store().headSeq(p), "a follow of persona " + p + " brought carol nothing");

        // A raw peer connected to alice and asking for everything: never named a persona.
        try (RawPeer mallory = RawPeer.connect(alice.address(), Identity.generate(RANDOM), TestNet.NETWORK)) {
            mallory.readTimeout(TestNet.PATIENCE);
            List<WireMessage.FeedState> asks = new ArrayList<>();
            for (AuthorId p : personas) asks.add(new WireMessage.FeedState(p, 0, WireMessage.Mode.EAGER, WireMessage.NO_ROUTE));
            asks.add(new WireMessage.FeedState(alice.id(), 0, WireMessage.Mode.EAGER, WireMessage.NO_ROUTE));
            mallory.send(new WireMessage.Clock(asks));
            for (AuthorId p : personas) mallory.send(new WireMessage.Locate(p));
            boolean caughtUp = false;
            while (!caughtUp) {
                WireMessage m = mallory.receive();
                for (AuthorId p : personas) assertFalse(names(m, p), "a non-member was told of a persona: " + m);
                if (m instanceof WireMessage.CaughtUp c && c.feed().equals(alice.id())) caughtUp = true;
            }
        }
        net.assertNoInternalErrors();
    }

    @Test
    void aChannelPhotoReachesMembersWholeAndANonMemberAskingForItGetsTheAnswerOfAnUnknownBlob() throws Exception {
        net = new TestNet(dir);
        TestNode alice = net.node("alice");
        TestNode bob = net.node("bob");
        alice.follow(bob);
        bob.follow(alice);
        alice.connect(bob);
        alice.node().channels(c -> c.create("wedding", "wedding", TestNet.NETWORK.name())).join();
        ChannelInvite invite = alice.node().channels(c -> c.invite("wedding", List.of())).join();
        bob.node().channels(c -> c.join(invite, "wedding", true, "")).join();

        byte[] photo = new byte[600_000];
        RANDOM.nextBytes(photo);
        byte[] key = ChannelBlobs.newKey();
        BlobId blob = alice.encryptedBlob(photo, key, dir.resolve("photo.enc"));
        Content.Post post = new Content.Post("the photo", null, null, List.of(), List.of(new Content.Attachment(blob, photo.length, "image/jpeg", "p.jpg")), "");
        alice.node().channels(c -> c.post("wedding", post, List.of(new Sealing.BlobKey(blob, key, photo.length)))).join();
        Entry open = alice.postAttaching("a public photo", java.nio.file.Files.write(dir.resolve("public.jpg"), new byte[] {1, 2, 3}));
        BlobId publicBlob = ((Content.Post) open.decodeContent()).attachments().get(0).blob();

        net.waitFor("bob's node fetched the channel photo by itself", () -> bob.node().blobFiles().isComplete(blob));
        byte[] ciphertext = java.nio.file.Files.readAllBytes(bob.node().blobFiles().path(blob).orElseThrow());
        java.io.ByteArrayOutputStream back = new java.io.ByteArrayOutputStream();
        for (int i = 0; i * (long) BlobHasher.CHUNK_SIZE < ciphertext.length; i++) {
            int from = i * BlobHasher.CHUNK_SIZE;
            int len = Math.min(BlobHasher.CHUNK_SIZE, ciphertext.length - from);
            back.write(ChannelBlobs.decryptChunk(java.util.Arrays.copyOfRange(ciphertext, from, from + len), len, i, key, photo.length));
        }
        assertTrue(java.util.Arrays.equals(photo, back.toByteArray()), "bit for bit");

        try (RawPeer mallory = RawPeer.connect(bob.address(), Identity.generate(RANDOM), TestNet.NETWORK)) {
            mallory.readTimeout(TestNet.PATIENCE);
            // The channel blob first, then a public one: the public answer shows the first want was handled.
            mallory.send(new WireMessage.BlobWant(blob, 1, ciphertext.length));
            mallory.send(new WireMessage.BlobGet(blob, List.of(0)));
            mallory.send(new WireMessage.BlobWant(publicBlob, 1, -1));
            boolean answered = false;
            while (true) {
                WireMessage m = mallory.receive();
                if (m instanceof WireMessage.BlobHave h && h.blob().equals(blob)) {
                    assertEquals(WireMessage.BlobHave.nothing(blob), h, "the answer for a blob never heard of");
                    answered = true;
                }
                if (m instanceof WireMessage.BlobChunk c && c.blob().equals(blob)) throw new AssertionError("sent a chunk of the channel blob");
                if (m instanceof WireMessage.BlobHave h && h.blob().equals(publicBlob)) break;
            }
            assertTrue(answered, "the request for chunks was answered as one for an unknown blob");
        }
        net.assertNoInternalErrors();
    }

    @Test
    void aStrangerWhoSendsAMembersOwnTagsBackIsProvenForNothing() throws Exception {
        net = new TestNet(dir);
        TestNode alice = net.node("alice");
        alice.node().channels(c -> c.create("wedding", "wedding", TestNet.NETWORK.name())).join();
        alice.node().channels(c -> c.post("wedding", Content.Post.text("for members"), List.of())).join();
        AuthorId persona = alice.node().channels(c -> c.members("wedding")).join().get(0).persona();
        alice.post("in public");
        try (RawPeer mallory = RawPeer.connect(alice.address(), Identity.generate(RANDOM), TestNet.NETWORK, 0, Set.of(ChannelProtocol.CAPABILITY))) {
            mallory.readTimeout(TestNet.PATIENCE);
            WireMessage m = mallory.receive();
            while (!(m instanceof WireMessage.Extension first && first.code() == 128)) m = mallory.receive();
            WireMessage.Extension tags = (WireMessage.Extension) m;
            assertEquals(1 + 8 * 32, tags.body().length, "one channel's tag among seven random ones");
            mallory.send(tags); // alice's own tags, reflected
            // Handled in order on alice's loop: by her answer to the public feed, the tags were judged.
            mallory.send(new WireMessage.Clock(List.of(new WireMessage.FeedState(persona, 0, WireMessage.Mode.EAGER, WireMessage.NO_ROUTE),
                    new WireMessage.FeedState(alice.id(), 0, WireMessage.Mode.EAGER, WireMessage.NO_ROUTE))));
            while (!(m instanceof WireMessage.CaughtUp c && c.feed().equals(alice.id()))) {
                m = mallory.receive();
                assertFalse(m instanceof WireMessage.Extension feeds && feeds.code() == 129, "told the channel's personas");
                assertFalse(names(m, persona) && !(m instanceof WireMessage.Extension), "told of the persona: " + m);
            }
        }
        net.assertNoInternalErrors();
    }

    /**
     * A raw peer that holds the channel's invite proves itself with the right tag for its
     * connection (and is told the personas); the same tag sent in a second connection proves
     * nothing there.
     */
    @Test
    void aTagIsGoodForItsOwnConnectionOnly() throws Exception {
        net = new TestNet(dir);
        TestNode alice = net.node("alice");
        alice.node().channels(c -> c.create("wedding", "wedding", TestNet.NETWORK.name())).join();
        alice.post("in public");
        ChannelInvite invite = alice.node().channels(c -> c.invite("wedding", List.of())).join();
        byte[] tagKey = org.grapevine.identity.channel.ChannelKeys.epoch(invite.secret(), invite.channel()).tagKey();
        Identity member = Identity.generate(RANDOM);
        byte[] captured;
        try (RawPeer first = RawPeer.connect(alice.address(), member, TestNet.NETWORK, 0, Set.of(ChannelProtocol.CAPABILITY))) {
            first.readTimeout(TestNet.PATIENCE);
            captured = org.grapevine.identity.channel.MembershipTag.of(tagKey, org.grapevine.identity.channel.MembershipTag.INITIATOR, first.handshakeHash());
            first.send(tags(captured));
            WireMessage m = first.receive();
            while (!(m instanceof WireMessage.Extension x && x.code() == 129)) m = first.receive();
        }
        try (RawPeer second = RawPeer.connect(alice.address(), member, TestNet.NETWORK, 0, Set.of(ChannelProtocol.CAPABILITY))) {
            second.readTimeout(TestNet.PATIENCE);
            second.send(tags(captured)); // replayed from the first connection
            second.send(new WireMessage.Clock(List.of(new WireMessage.FeedState(alice.id(), 0, WireMessage.Mode.EAGER, WireMessage.NO_ROUTE))));
            WireMessage m = null;
            while (!(m instanceof WireMessage.CaughtUp c && c.feed().equals(alice.id()))) {
                m = second.receive();
                assertFalse(m instanceof WireMessage.Extension x && x.code() == 129, "a tag from another connection proved membership");
            }
        }
        net.assertNoInternalErrors();
    }

    /** Members tell each other where their nodes are: two guests who met only through the host go on without her. */
    @Test
    void membersFindEachOtherWithoutTheOneWhoInvitedThem() {
        net = new TestNet(dir);
        TestNode alice = net.node("alice");
        // One connection each while alice is up, so that only their own sealed addresses (not
        // what alice passes on) can explain how they reach each other once she is gone.
        TestNode bob = net.node("bob", TestNet.targetConnections(1));
        TestNode carol = net.node("carol", TestNet.targetConnections(1));
        alice.node().channels(c -> c.create("wedding", "wedding", TestNet.NETWORK.name())).join();
        ChannelInvite invite = alice.node().channels(c -> c.invite("wedding", List.of())).join();
        bob.node().channels(c -> c.join(invite, "wedding", false, "bob")).join();
        carol.node().channels(c -> c.join(invite, "wedding", false, "carol")).join();
        bob.connect(alice);
        carol.connect(alice);
        net.waitFor("bob knows where carol is from her sealed address", () -> bob.node().peers().join().stream()
                .anyMatch(p -> carol.id().equals(p.id()) && (p.connected() || p.source().equals("INVITE"))));

        alice.stop();
        bob.node().channels(c -> c.post("wedding", Content.Post.text("alice has left; we go on"), List.of())).join();
        net.waitFor("carol reads bob without alice", () -> texts(carol, "wedding").contains("alice has left; we go on"));
        net.assertNoInternalErrors();
    }

    /** A member's node wants a channel blob with one hop only, so nobody relays it (a raw member peer sees the want). */
    @Test
    void aChannelBlobIsWantedFromPeersOnlyNeverRelayed() throws Exception {
        net = new TestNet(dir);
        TestNode alice = net.node("alice");
        TestNode bob = net.node("bob");
        alice.node().channels(c -> c.create("wedding", "wedding", TestNet.NETWORK.name())).join();
        ChannelInvite invite = alice.node().channels(c -> c.invite("wedding", List.of())).join();
        bob.node().channels(c -> c.join(invite, "wedding", true, "")).join();
        byte[] tagKey = org.grapevine.identity.channel.ChannelKeys.epoch(invite.secret(), invite.channel()).tagKey();
        byte[] photo = new byte[100_000];
        RANDOM.nextBytes(photo);
        byte[] key = ChannelBlobs.newKey();
        BlobId blob = alice.encryptedBlob(photo, key, dir.resolve("photo.enc"));

        try (RawPeer member = RawPeer.connect(bob.address(), Identity.generate(RANDOM), TestNet.NETWORK, 0, Set.of(ChannelProtocol.CAPABILITY))) {
            member.readTimeout(TestNet.PATIENCE);
            member.send(tags(org.grapevine.identity.channel.MembershipTag.of(tagKey, org.grapevine.identity.channel.MembershipTag.INITIATOR,
                    member.handshakeHash())));
            WireMessage m = member.receive();
            while (!(m instanceof WireMessage.Extension x && x.code() == 129)) m = member.receive();
            // Bob learns of the photo from alice's post, and wants it: from his peers, one hop.
            Content.Post post = new Content.Post("p", null, null, List.of(), List.of(new Content.Attachment(blob, photo.length, "image/jpeg", "p.jpg")), "");
            alice.node().channels(c -> c.post("wedding", post, List.of(new Sealing.BlobKey(blob, key, photo.length)))).join();
            bob.connect(alice);
            while (!(m instanceof WireMessage.BlobWant w && w.blob().equals(blob))) m = member.receive();
            assertEquals(1, ((WireMessage.BlobWant) m).hops(), "a channel blob's want goes one hop");
        }
        net.waitFor("bob holds the photo", () -> bob.node().blobFiles().isComplete(blob));
        net.assertNoInternalErrors();
    }

    /**
     * The oracle of the channel's invisibility: a non-member that asks a member's node for
     * everything — the members' feeds, the personas' ids, where they are, the channel's photo —
     * receives the same messages, of the same sizes, as in a twin run where there is no channel
     * at all (asking for ids that do not exist instead), and the same bytes give or take the
     * transport's framing.
     */
    @Test
    void aThirdPartyReceivesWhatItWouldHadTheyNotWrittenToEachOther() throws Exception {
        Observed twin = whatANonMemberReceives(dir.resolve("without"), ChannelsIT::nothingPrivate);
        Observed real = whatANonMemberReceives(dir.resolve("with"), ChannelsIT::aConversation);
        assertEquals(twin.messages(), real.messages(), "the messages a third party received, by kind and size");
        assertTrue(Math.abs(real.bytes() - twin.bytes()) < 512,
                "received " + real.bytes() + " bytes with the conversation, " + twin.bytes() + " without");
    }

    @Test
    void aNonMemberReceivesWhatItWouldHadThereBeenNoChannel() throws Exception {
        Observed twin = whatANonMemberReceives(dir.resolve("without"), ChannelsIT::nothingPrivate);
        Observed real = whatANonMemberReceives(dir.resolve("with"), ChannelsIT::aChannel);
        assertEquals(twin.messages(), real.messages(), "the messages a non-member received, by kind and size");
        // Shapes alike, bytes can differ only in how messages were cut into transport frames
        // (2 + 16 bytes a frame): far less than the smallest sealed entry (a 512-byte bucket).
        assertTrue(Math.abs(real.bytes() - twin.bytes()) < 512,
                "received " + real.bytes() + " bytes with the channel, " + twin.bytes() + " without");
    }

    private static String kindAndSize(WireMessage m) {
        return m.getClass().getSimpleName() + " " + org.grapevine.gossip.wire.WireCodec.encode(m).length;
    }

    /** What a raw non-member received from a member's node: each message's kind and encoded size, sorted; and the bytes. */
    private record Observed(List<String> messages, long bytes) {}

    /** What a run keeps private: the personas and the blob a third party will ask for. */
    private record Private(List<AuthorId> personas, BlobId blob) {}

    /** Sets up alice's and bob's private life (or none) in a run. */
    private interface PrivateLife {
        Private live(TestNet net, TestNode alice, TestNode bob, Path where) throws Exception;
    }

    /** No private life: random ids and a random blob, for the third party to ask about. */
    private static Private nothingPrivate(TestNet net, TestNode alice, TestNode bob, Path where) {
        byte[] unknown = new byte[32];
        RANDOM.nextBytes(unknown);
        return new Private(List.of(Identity.generate(RANDOM).id(), Identity.generate(RANDOM).id()), new BlobId(unknown));
    }

    /** A channel of the two, with posts, a comment and a 100 KB photo. */
    private static Private aChannel(TestNet net, TestNode alice, TestNode bob, Path where) throws Exception {
        alice.node().channels(c -> c.create("wedding", "Ann & Bo", TestNet.NETWORK.name())).join();
        ChannelInvite invite = alice.node().channels(c -> c.invite("wedding", List.of())).join();
        bob.node().channels(c -> c.join(invite, "wedding", false, "bob")).join();
        alice.node().channels(c -> c.post("wedding", Content.Post.text("the vows were lovely"), List.of())).join();
        byte[] photo = new byte[100_000];
        RANDOM.nextBytes(photo);
        byte[] key = ChannelBlobs.newKey();
        BlobId blob = alice.encryptedBlob(photo, key, where.resolve("photo.enc"));
        Content.Post withPhoto = new Content.Post("the first dance", null, null, List.of(),
                List.of(new Content.Attachment(blob, photo.length, "image/jpeg", "dance.jpg")), "");
        alice.node().channels(c -> c.post("wedding", withPhoto, List.of(new Sealing.BlobKey(blob, key, photo.length)))).join();
        bob.node().channels(c -> c.post("wedding", Content.Post.text("and the cake!"), List.of())).join();
        List<AuthorId> personas = new ArrayList<>();
        for (ChannelProtocol.Member m : alice.node().channels(c -> c.members("wedding")).join()) personas.add(m.persona());
        net.waitFor("bob holds the channel's photo", () -> bob.node().blobFiles().isComplete(blob));
        net.waitFor("alice reads bob's channel post", () -> texts(alice, "wedding").contains("and the cake!"));
        return new Private(personas, blob);
    }

    /** A conversation of the two: a message with a 100 KB photo, and a reply. */
    private static Private aConversation(TestNet net, TestNode alice, TestNode bob, Path where) throws Exception {
        byte[] photo = new byte[100_000];
        RANDOM.nextBytes(photo);
        byte[] key = ChannelBlobs.newKey();
        BlobId blob = alice.encryptedBlob(photo, key, where.resolve("photo.enc"));
        Content.Post withPhoto = new Content.Post("just for you", null, null, List.of(),
                List.of(new Content.Attachment(blob, photo.length, "image/jpeg", "us.jpg")), "");
        alice.node().channels(c -> c.message(bob.id(), withPhoto, List.of(new Sealing.BlobKey(blob, key, photo.length)))).join();
        net.waitFor("bob holds the photo", () -> bob.node().blobFiles().isComplete(blob));
        bob.node().channels(c -> c.message(alice.id(), Content.Post.text("thank you!"), List.of())).join();
        net.waitFor("alice has the reply", () -> alice.node().channels(c -> c.conversation(bob.id(), false)).join().size() == 2);
        List<AuthorId> personas = new ArrayList<>();
        personas.addAll(alice.node().channels(ChannelProtocol::ownPersonas).join());
        personas.addAll(bob.node().channels(ChannelProtocol::ownPersonas).join());
        return new Private(personas, blob);
    }

    private Observed whatANonMemberReceives(Path where, PrivateLife life) throws Exception {
        net = new TestNet(where);
        TestNode alice = net.node("alice");
        TestNode bob = net.node("bob");
        alice.follow(bob);
        bob.follow(alice);
        alice.connect(bob);
        Private kept = life.live(net, alice, bob, where);
        List<AuthorId> asked = kept.personas();
        BlobId askedBlob = kept.blob();
        // The same public life in both runs.
        alice.post("good morning");
        bob.post("good morning to you");
        Entry open = alice.postAttaching("a public photo", java.nio.file.Files.write(where.resolve("public.jpg"), new byte[] {1, 2, 3}));
        BlobId publicBlob = ((Content.Post) open.decodeContent()).attachments().get(0).blob();
        net.await(bob).sees(alice, "a public photo");
        net.await(alice).sees(bob, "good morning to you");

        List<String> messages = new ArrayList<>();
        long bytes;
        try (RawPeer carol = RawPeer.connect(alice.address(), Identity.generate(RANDOM), TestNet.NETWORK, 0, Set.of(ChannelProtocol.CAPABILITY))) {
            carol.readTimeout(TestNet.PATIENCE);
            carol.send(tags()); // a node in no channel sends eight random tags
            List<WireMessage.FeedState> asks = new ArrayList<>();
            for (AuthorId a : List.of(alice.id(), bob.id(), asked.get(0), asked.get(1))) {
                asks.add(new WireMessage.FeedState(a, 0, WireMessage.Mode.EAGER, WireMessage.NO_ROUTE));
            }
            carol.send(new WireMessage.Clock(asks));
            for (AuthorId a : asked) carol.send(new WireMessage.Locate(a));
            carol.send(new WireMessage.BlobWant(askedBlob, 1, -1));
            carol.send(new WireMessage.BlobGet(askedBlob, List.of(0)));
            carol.send(new WireMessage.BlobWant(publicBlob, 1, -1));
            Set<Object> awaited = new java.util.HashSet<>(List.of(alice.id(), bob.id(), publicBlob));
            while (!awaited.isEmpty()) {
                WireMessage m = carol.receive();
                if (m instanceof WireMessage.CaughtUp c) awaited.remove(c.feed());
                if (m instanceof WireMessage.BlobHave h && h.complete()) awaited.remove(h.blob());
                messages.add(kindAndSize(m));
            }
            // Whatever the node had still to say about what was asked comes before its answer to this.
            carol.send(new WireMessage.Ping(7));
            for (WireMessage m = carol.receive(); !(m instanceof WireMessage.Pong); m = carol.receive()) {
                messages.add(kindAndSize(m));
            }
            bytes = carol.bytesReceived();
        }
        net.assertNoInternalErrors();
        net.close();
        messages.sort(null);
        return new Observed(messages, bytes);
    }

    /** A ChannelTags message: the tags given, padded to eight with random ones. */
    private static WireMessage.Extension tags(byte[]... tags) {
        org.grapevine.identity.ByteWriter w = new org.grapevine.identity.ByteWriter(8 + 8 * 32).varint(8);
        for (byte[] t : tags) w.bytes(t);
        for (int i = tags.length; i < 8; i++) {
            byte[] noise = new byte[32];
            RANDOM.nextBytes(noise);
            w.bytes(noise);
        }
        return new WireMessage.Extension(128, w.toByteArray());
    }

    private static boolean names(WireMessage m, AuthorId feed) {
        if (m instanceof WireMessage.Clock c) return c.feeds().stream().anyMatch(f -> f.feed().equals(feed));
        if (m instanceof WireMessage.Routes r) return r.routes().stream().anyMatch(x -> x.feed().equals(feed));
        if (m instanceof WireMessage.Entries e) return e.entries().stream().anyMatch(x -> x.header().author().equals(feed));
        if (m instanceof WireMessage.CaughtUp c) return c.feed().equals(feed);
        if (m instanceof WireMessage.Peers p) return p.peers().stream().anyMatch(a -> feed.equals(a.id()));
        if (m instanceof WireMessage.Extension x) return true; // a non-member gets no channel message at all
        return false;
    }
}
