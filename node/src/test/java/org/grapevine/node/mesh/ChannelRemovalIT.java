package org.grapevine.node.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.channel.ChannelInvite;
import org.grapevine.identity.Identity;
import org.grapevine.identity.channel.ChannelKeys;
import org.grapevine.identity.channel.Hide;
import org.grapevine.identity.channel.Rekey;
import org.grapevine.identity.channel.Role;
import org.grapevine.identity.channel.Sealing;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.Publisher;
import org.grapevine.node.channel.ChannelProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Removing a member re-keys the channel: the members left go on reading each other, the one
 * removed keeps what it held and gets nothing newer; a member offline during the re-key catches
 * up; two admins removing two members at once end on one epoch without either.
 */
class ChannelRemovalIT {
    @TempDir
    Path dir;
    private TestNet net;

    @AfterEach
    void stop() {
        net.close();
    }

    private static List<String> texts(TestNode n) {
        List<String> out = new ArrayList<>();
        for (ChannelProtocol.Item i : n.node().channels(c -> c.entries("club")).join()) {
            if (i.content() instanceof Content.Post p) out.add(p.text());
        }
        return out;
    }

    private static Entry post(TestNode n, String text) {
        return n.node().channels(c -> c.post("club", Content.Post.text(text), List.of())).join();
    }

    private static List<ChannelProtocol.Member> members(TestNode n) {
        return n.node().channels(c -> c.members("club")).join();
    }

    private static AuthorId persona(TestNode of, TestNode seenBy) {
        return members(seenBy).stream().filter(m -> of.id().equals(m.member())).findFirst().orElseThrow().persona();
    }

    /** The members {@code n} knows, by the names of their nodes (all join by name here). */
    private Set<String> names(TestNode n) {
        return members(n).stream().map(m -> byId(m.member())).collect(Collectors.toSet());
    }

    private List<TestNode> nodes = List.of();

    private String byId(AuthorId id) {
        return nodes.stream().filter(x -> x.id().equals(id)).map(TestNode::toString).findFirst().orElse("?");
    }

    private ChannelInvite invite;

    /** Everyone in one channel, all connected to alice, the owner. */
    private List<TestNode> channelOf(String... names) {
        net = new TestNet(dir);
        List<TestNode> nodes = new ArrayList<>();
        for (String n : names) nodes.add(net.node(n));
        this.nodes = nodes;
        TestNode owner = nodes.get(0);
        owner.node().channels(c -> c.create("club", "the club", TestNet.NETWORK.name())).join();
        for (TestNode n : nodes.subList(1, nodes.size())) {
            invite = owner.node().channels(c -> c.invite("club", List.of())).join();
            n.node().channels(c -> c.join(invite, "club", false, n.toString())).join();
            n.connect(owner);
        }
        net.waitFor("everyone knows everyone", () -> nodes.stream().allMatch(n -> names(n).size() == nodes.size()));
        return nodes;
    }

    @Test
    void aRemovedMemberKeepsWhatItHadAndGetsNothingNewer() {
        List<TestNode> all = channelOf("alice", "bob", "carol");
        TestNode alice = all.get(0);
        TestNode bob = all.get(1);
        TestNode carol = all.get(2);
        bob.connect(carol);
        post(alice, "before the removal");
        net.waitFor("carol reads it", () -> texts(carol).contains("before the removal"));

        AuthorId carolPersona = persona(carol, alice);
        alice.node().channels(c -> { c.remove("club", carolPersona); return null; }).join();
        net.waitFor("bob is on the new epoch, without carol", () -> names(bob).equals(Set.of("alice", "bob")));
        post(alice, "after the removal");
        post(bob, "bob after the removal");
        net.waitFor("bob reads alice's new post", () -> texts(bob).contains("after the removal"));
        net.waitFor("alice reads bob's", () -> texts(alice).contains("bob after the removal"));
        net.waitFor("carol's node knows it was removed", () -> carol.node().channels(c -> c.summary("club")).join().removed());

        // What carol may hold: the personas of the first epoch only, and none of the new posts.
        for (ChannelProtocol.Member m : members(alice)) {
            assertEquals(0, carol.store().headSeq(m.persona()), "carol holds nothing of the new persona of " + m.name());
        }
        assertFalse(texts(carol).contains("after the removal"));
        assertFalse(texts(carol).contains("bob after the removal"));
        assertTrue(texts(carol).contains("before the removal"), "what carol held stays with her");
        net.assertNoInternalErrors();
    }

    @Test
    void aMemberOfflineDuringTheReKeyCatchesUpWhenBack() {
        List<TestNode> all = channelOf("alice", "bob", "carol");
        TestNode alice = all.get(0);
        TestNode bob = all.get(1);
        TestNode carol = all.get(2);
        bob.stop();
        AuthorId carolPersona = persona(carol, alice);
        alice.node().channels(c -> { c.remove("club", carolPersona); return null; }).join();
        post(alice, "while bob was away");
        bob.restart();
        bob.connect(alice);
        net.waitFor("bob reads what was posted after the re-key", () -> texts(bob).contains("while bob was away"));
        post(bob, "back");
        net.waitFor("alice reads bob on the new epoch", () -> texts(alice).contains("back"));
        assertFalse(texts(carol).contains("while bob was away"));
        net.assertNoInternalErrors();
    }

    @Test
    void twoAdminsRemovingTwoMembersAtOnceEndOnOneEpochWithoutEither() {
        List<TestNode> all = channelOf("alice", "bob", "carol", "dave");
        TestNode alice = all.get(0);
        TestNode bob = all.get(1);
        TestNode carol = all.get(2);
        TestNode dave = all.get(3);
        AuthorId bobPersona = persona(bob, alice);
        alice.node().channels(c -> { c.role("club", bobPersona, true); return null; }).join();
        net.waitFor("bob knows he is admin", () -> members(bob).stream().anyMatch(m -> bob.id().equals(m.member()) && m.admin()));

        // Apart, each removes someone.
        alice.stop();
        AuthorId davePersona = persona(dave, bob);
        bob.node().channels(c -> { c.remove("club", davePersona); return null; }).join();
        bob.stop();
        alice.restart();
        AuthorId carolPersona = persona(carol, alice);
        alice.node().channels(c -> { c.remove("club", carolPersona); return null; }).join();
        bob.restart();
        bob.connect(alice);

        // One epoch: each writes from the persona the other sees, and neither carol nor dave is in it.
        net.waitFor("alice and bob on one epoch without carol and dave", () -> names(alice).equals(Set.of("alice", "bob"))
                && names(bob).equals(Set.of("alice", "bob"))
                && persona(alice, bob).equals(persona(alice, alice)) && persona(bob, alice).equals(persona(bob, bob)));
        post(alice, "just us two");
        post(bob, "indeed");
        net.waitFor("bob reads alice", () -> texts(bob).contains("just us two"));
        net.waitFor("alice reads bob", () -> texts(alice).contains("indeed"));
        assertFalse(texts(carol).contains("just us two"));
        assertFalse(texts(dave).contains("indeed"));
        // The two removals, then at most one re-key each to remove whom the winner let in: no more.
        long rekeys = List.of(alice, bob).stream().flatMap(n -> n.events().stream()).filter(l -> l.contains("re-keyed for")).count();
        assertTrue(rekeys <= 4, rekeys + " re-keys");
        net.assertNoInternalErrors();
    }

    /**
     * Writes {@code content} into the channel as {@code by}'s first-epoch persona, the way a
     * modified client could: signed and sealed like any entry, without the checks the node's own
     * calls make.
     */
    private Entry forge(TestNode by, Content content) {
        byte[] root = invite.root();
        Identity persona = ChannelKeys.persona(by.identity(), root);
        ChannelKeys.Epoch epoch = ChannelKeys.epoch(invite.secret(), invite.channel());
        long seq = by.store().headSeq(persona.id()) + 1;
        Entry e = new Publisher(persona, by.store(), Clock.systemUTC())
                .publish(Sealing.seal(content, List.of(), epoch, new Sealing.Place(invite.channel(), persona.id(), seq)));
        by.node().published(e);
        return e;
    }

    @Test
    void aReKeyRoleOrHideFromAMemberWhoMayNotIsIgnoredWithAReason() {
        List<TestNode> all = channelOf("alice", "bob", "carol");
        TestNode alice = all.get(0);
        TestNode bob = all.get(1);
        TestNode carol = all.get(2);
        bob.connect(carol);
        Entry hello = post(alice, "hello");
        net.waitFor("everyone reads alice", () -> all.stream().allMatch(n -> texts(n).contains("hello")));
        AuthorId bobBefore = persona(bob, alice);

        // carol, a plain member, makes herself admin, hides alice's post and re-keys without bob.
        AuthorId carolPersona = persona(carol, alice);
        byte[] root = invite.root();
        Map<AuthorId, byte[]> admitted = new LinkedHashMap<>();
        for (TestNode n : List.of(alice, carol)) {
            admitted.put(ChannelKeys.persona(n.identity(), root).id(), ChannelKeys.personaX25519(n.identity(), root).publicKey());
        }
        byte[] secret = new byte[ChannelKeys.SECRET_BYTES];
        secret[0] = 7;
        forge(carol, new Role(carolPersona, Role.ADMIN));
        forge(carol, new Hide(hello.id()));
        for (Rekey part : Rekey.seal(invite.channel(), secret, admitted)) forge(carol, part);

        for (TestNode n : List.of(alice, bob)) {
            net.waitFor(n + " says why it ignores each of the three", () -> ignoredLines(n) == 3);
        }
        for (TestNode n : List.of(alice, bob)) {
            assertTrue(texts(n).contains("hello"), n + " still reads the post carol hid");
            assertFalse(n.node().channels(c -> c.summary("club")).join().removed());
            assertFalse(members(n).stream().anyMatch(m -> carol.id().equals(m.member()) && m.admin()), "carol is no admin for " + n);
            assertEquals(Set.of("alice", "bob", "carol"), names(n));
        }
        assertEquals(bobBefore, persona(bob, alice), "no new epoch: bob writes from the persona he had");
        post(alice, "still all three");
        net.waitFor("bob reads it", () -> texts(bob).contains("still all three"));
        net.assertNoInternalErrors();
    }

    private static long ignoredLines(TestNode n) {
        return n.events().stream().filter(l -> l.contains("who is not the owner or an admin, is ignored")).count();
    }

    private static boolean said(TestNode n, String text) {
        return n.events().stream().anyMatch(l -> l.contains(text));
    }

    @Test
    void aPartForgedUnderAnotherReKeysEpochIdDoesNotHoldItUp() {
        List<TestNode> all = channelOf("alice", "bob", "carol", "dave");
        TestNode alice = all.get(0);
        TestNode bob = all.get(1);
        TestNode carol = all.get(2);
        TestNode dave = all.get(3);
        bob.stop();
        AuthorId davePersona = persona(dave, alice);
        alice.node().channels(c -> { c.remove("club", davePersona); return null; }).join();
        post(alice, "after dave");
        net.waitFor("carol reads it", () -> texts(carol).contains("after dave"));

        // carol saw the re-key's epoch id and writes a part of her own under it: part 2 of 2, never completed.
        byte[] epoch = alice.node().channels(c -> c.entries("club")).join().stream()
                .filter(i -> i.content() instanceof Rekey).map(i -> ((Rekey) i.content()).epoch()).findFirst().orElseThrow();
        AuthorId carolPersona = persona(carol, alice);
        forge(carol, new Rekey(epoch, 1, 2, List.of(new Rekey.Recipient(carolPersona, new byte[Rekey.BOX_BYTES]))));

        // bob comes back and hears of both from carol alone.
        bob.restart();
        bob.connect(carol);
        net.waitFor("bob is on the new epoch and reads alice", () -> texts(bob).contains("after dave") && names(bob).equals(Set.of("alice", "bob", "carol")));
        net.assertNoInternalErrors();
    }

    @Test
    void aReKeyLeavingOutTheOwnerOrLeadingNowhereIsIgnoredAndAHideReachesOnlyTheChannelsPosts() {
        List<TestNode> all = channelOf("alice", "bob", "carol");
        TestNode alice = all.get(0);
        TestNode bob = all.get(1);
        TestNode carol = all.get(2);
        bob.connect(carol);
        AuthorId carolPersona = persona(carol, alice);
        alice.node().channels(c -> { c.role("club", carolPersona, true); return null; }).join();
        net.waitFor("bob knows carol is an admin", () -> members(bob).stream().anyMatch(m -> carol.id().equals(m.member()) && m.admin()));

        // carol, an admin, re-keys without the owner; then "re-keys" the channel to the epoch it is at.
        byte[] root = invite.root();
        Map<AuthorId, byte[]> admitted = new LinkedHashMap<>();
        for (TestNode n : List.of(bob, carol)) {
            admitted.put(ChannelKeys.persona(n.identity(), root).id(), ChannelKeys.personaX25519(n.identity(), root).publicKey());
        }
        byte[] secret = new byte[ChannelKeys.SECRET_BYTES];
        secret[0] = 9;
        for (Rekey part : Rekey.seal(invite.channel(), secret, admitted)) forge(carol, part);
        Map<AuthorId, byte[]> everyone = new LinkedHashMap<>(admitted);
        everyone.put(ChannelKeys.persona(alice.identity(), root).id(), ChannelKeys.personaX25519(alice.identity(), root).publicKey());
        for (Rekey part : Rekey.seal(invite.channel(), invite.secret(), everyone)) forge(carol, part);
        for (TestNode n : List.of(alice, bob)) {
            net.waitFor(n + " ignores both", () -> said(n, "that leaves out the owner, is ignored") && said(n, "to an epoch it does not come before, is ignored"));
        }

        // The owner hides bob's public post, and an introduction: neither is the channel's to hide.
        alice.follow(bob);
        Entry publicPost = bob.post("a public post");
        net.waitFor("alice holds bob's public post", () -> alice.store().get(publicPost.id()).isPresent());
        Entry intro = bob.store().log(persona(bob, alice), 1, 1).get(0);
        alice.node().channels(c -> { c.hide("club", publicPost.id()); c.hide("club", intro.id()); return null; }).join();
        for (TestNode n : List.of(alice, bob)) {
            net.waitFor(n + " refuses both hides", () -> said(n, "a hide of " + publicPost.id() + " is refused") && said(n, "a hide of " + intro.id() + " is refused"));
            assertTrue(n.store().get(publicPost.id()).orElseThrow().hasContent(), "the public post keeps its body at " + n);
            assertTrue(n.store().get(intro.id()).orElseThrow().hasContent(), "the introduction keeps its body at " + n);
        }
        post(alice, "still one channel");
        net.waitFor("bob and carol read it", () -> texts(bob).contains("still one channel") && texts(carol).contains("still one channel"));
        assertEquals(Set.of("alice", "bob", "carol"), names(bob));
        net.assertNoInternalErrors();
    }

    @Test
    void aMemberInvitedAfterTwoReKeysKnowsTheOwnerAndFollowsHerNextReKey() {
        List<TestNode> all = channelOf("alice", "bob", "carol", "dave");
        TestNode alice = all.get(0);
        TestNode bob = all.get(1);
        for (TestNode gone : all.subList(2, 4)) {
            AuthorId p = persona(gone, alice);
            alice.node().channels(c -> { c.remove("club", p); return null; }).join();
            net.waitFor("bob is on the epoch without " + gone, () -> !names(bob).contains(gone.toString()));
        }
        TestNode erin = net.node("erin");
        nodes = new ArrayList<>(nodes);
        nodes.add(erin);
        ChannelInvite late = alice.node().channels(c -> c.invite("club", List.of())).join();
        erin.node().channels(c -> c.join(late, "club", false, "erin")).join();
        erin.connect(alice);
        net.waitFor("erin knows alice and bob", () -> names(erin).containsAll(Set.of("alice", "bob")));
        net.waitFor("erin sees alice as the owner", () -> members(erin).stream().anyMatch(m -> alice.id().equals(m.member()) && m.owner() && m.admin()));

        AuthorId bobPersona = persona(bob, alice);
        alice.node().channels(c -> { c.remove("club", bobPersona); return null; }).join();
        post(alice, "just erin and me");
        net.waitFor("erin follows the owner's re-key and reads her", () -> texts(erin).contains("just erin and me"));
        assertEquals(Set.of("alice", "erin"), names(erin));
        assertFalse(texts(bob).contains("just erin and me"));
        net.assertNoInternalErrors();
    }

    @Test
    void anOwnerRemovesTwoMembersOneRightAfterTheOther() {
        List<TestNode> all = channelOf("alice", "bob", "carol", "dave");
        TestNode alice = all.get(0);
        TestNode bob = all.get(1);
        AuthorId carol = persona(all.get(2), alice);
        AuthorId dave = persona(all.get(3), alice);
        // The second removal comes from the persona the first one made: still the owner's.
        alice.node().channels(c -> { c.remove("club", carol); c.remove("club", dave); return null; }).join();
        net.waitFor("bob is on the epoch without both", () -> names(bob).equals(Set.of("alice", "bob")));
        net.assertNoInternalErrors();
    }
}
