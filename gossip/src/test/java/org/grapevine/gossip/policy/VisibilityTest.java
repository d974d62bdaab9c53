package org.grapevine.gossip.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.gossip.wire.WireMessage.FeedState;
import org.grapevine.gossip.wire.WireMessage.Mode;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.junit.jupiter.api.Test;

/** What passes between a node and a peer under a rule that hides one feed and one blob from that peer. */
class VisibilityTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Identity hidden = Identity.generate(RANDOM);
    private final Identity shown = Identity.generate(RANDOM);
    private final AuthorId peer = Identity.generate(RANDOM).id();
    private final AuthorId other = Identity.generate(RANDOM).id();
    private final BlobId secret = blob(1);
    private final BlobId open = blob(2);

    private final Visibility rule = new Visibility() {
        @Override
        public boolean feed(AuthorId p, AuthorId feed) {
            return !(p.equals(peer) && feed.equals(hidden.id()));
        }

        @Override
        public boolean blob(AuthorId p, BlobId blob) {
            return !(p.equals(peer) && blob.equals(secret));
        }
    };

    private static BlobId blob(int n) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) n);
        return new BlobId(b);
    }

    @Test
    void listsLoseWhatIsHiddenAndAListOfNothingButHiddenThingsIsNotSent() {
        FeedState h = new FeedState(hidden.id(), 3, Mode.EAGER, 1);
        FeedState s = new FeedState(shown.id(), 4, Mode.LAZY, 2);
        assertEquals(new WireMessage.Clock(List.of(s)), rule.filter(peer, new WireMessage.Clock(List.of(h, s))));
        assertNull(rule.filter(peer, new WireMessage.Clock(List.of(h))));
        WireMessage empty = new WireMessage.Clock(List.of());
        assertSame(empty, rule.filter(peer, empty), "an empty clock says nothing");
        WireMessage both = new WireMessage.Clock(List.of(h, s));
        assertSame(both, rule.filter(other, both), "another peer sees everything");

        assertEquals(new WireMessage.Routes(List.of(new WireMessage.Route(shown.id(), 1))),
                rule.filter(peer, new WireMessage.Routes(List.of(new WireMessage.Route(hidden.id(), 1), new WireMessage.Route(shown.id(), 1)))));
        assertNull(rule.filter(peer, new WireMessage.Routes(List.of(new WireMessage.Route(hidden.id(), 1)))));

        Entry mine = Entry.create(hidden, 1, null, 1_700_000_000_000L, Content.Post.text("hidden"));
        Entry theirs = Entry.create(shown, 1, null, 1_700_000_000_000L, Content.Post.text("shown"));
        assertEquals(new WireMessage.Entries(List.of(theirs)), rule.filter(peer, new WireMessage.Entries(List.of(mine, theirs))));
        assertNull(rule.filter(peer, new WireMessage.Entries(List.of(mine))));
    }

    @Test
    void messagesAboutOneHiddenThingAreNotSentAndOthersPassUnchanged() {
        List<WireMessage> aboutHidden = List.of(
                new WireMessage.CaughtUp(hidden.id(), 3),
                new WireMessage.Locate(hidden.id()),
                new WireMessage.BlobWant(secret, 2, 10),
                new WireMessage.BlobHave(secret, 0, true, new byte[0]),
                new WireMessage.BlobGet(secret, List.of(0)),
                new WireMessage.BlobCancel(secret));
        for (WireMessage m : aboutHidden) {
            assertNull(rule.filter(peer, m), m.toString());
            assertSame(m, rule.filter(other, m), m.toString());
        }
        List<WireMessage> aboutShown = List.of(
                new WireMessage.CaughtUp(shown.id(), 3),
                new WireMessage.Locate(shown.id()),
                new WireMessage.BlobWant(open, 2, 10),
                new WireMessage.BlobCancel(open),
                new WireMessage.Ping(1),
                new WireMessage.Peers(List.of(new WireMessage.PeerAddress("10.0.0.1", 7733, hidden.id()))));
        for (WireMessage m : aboutShown) assertSame(m, rule.filter(peer, m), m.toString());
    }

    @Test
    void rulesTogetherHideWhatAnyOfThemHides() {
        Visibility all = Visibility.all(List.of(Visibility.PUBLIC, rule, (Visibility) new Visibility() {
            @Override
            public boolean feed(AuthorId p, AuthorId feed) {
                return !feed.equals(shown.id());
            }

            @Override
            public boolean blob(AuthorId p, BlobId blob) {
                return true;
            }
        }));
        assertEquals(false, all.feed(peer, hidden.id()));
        assertEquals(false, all.feed(other, shown.id()));
        assertEquals(true, all.feed(other, hidden.id()));
        assertEquals(false, all.blob(peer, secret));
        assertSame(Visibility.PUBLIC, Visibility.all(List.of(Visibility.PUBLIC, Visibility.PUBLIC)));
    }
}
