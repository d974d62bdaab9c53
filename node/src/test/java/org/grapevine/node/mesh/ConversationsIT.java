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
        from.node().channels(c -> {
            try {
                return c.message(to.id(), Content.Post.text(text), List.of());
            } catch (org.grapevine.identity.Malformed e) {
                throw new IllegalStateException(e);
            }
        }).join();
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
}
