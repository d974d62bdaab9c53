package org.grapevine.gossip.policy;

import java.util.ArrayList;
import java.util.List;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.log.Entry;

/**
 * Which feeds and blobs may be named to a peer, in either direction. A feed or blob that is not
 * visible to a peer is, for that peer, as if this node had never heard of it: no message to it
 * names it (clocks, routes, caught-up notes, entries, fork proofs, Locates, blob wants, haves,
 * gets, chunks, cancels), and what the peer says of it is dropped unread. Public feeds are
 * visible to everyone ({@link #PUBLIC}); channels add rules under which persona feeds and channel
 * blobs are visible only to peers proven members. Rules are asked from the node loop and the
 * blob thread at once, so they must be thread-safe.
 */
public interface Visibility {
    /** Whether {@code feed} may be named to, or by, {@code peer}. */
    boolean feed(AuthorId peer, AuthorId feed);

    /** Whether {@code blob} may be named to, or by, {@code peer}. */
    boolean blob(AuthorId peer, BlobId blob);

    /** Everything visible to everyone: the public network. */
    Visibility PUBLIC = new Visibility() {
        @Override
        public boolean feed(AuthorId peer, AuthorId feed) {
            return true;
        }

        @Override
        public boolean blob(AuthorId peer, BlobId blob) {
            return true;
        }

        @Override
        public String toString() {
            return "public";
        }
    };

    /** Visible when every rule says so. */
    static Visibility all(List<Visibility> rules) {
        List<Visibility> strict = rules.stream().filter(r -> r != PUBLIC).toList();
        if (strict.isEmpty()) return PUBLIC;
        if (strict.size() == 1) return strict.get(0);
        return new Visibility() {
            @Override
            public boolean feed(AuthorId peer, AuthorId feed) {
                for (Visibility r : strict) {
                    if (!r.feed(peer, feed)) return false;
                }
                return true;
            }

            @Override
            public boolean blob(AuthorId peer, BlobId blob) {
                for (Visibility r : strict) {
                    if (!r.blob(peer, blob)) return false;
                }
                return true;
            }
        };
    }

    /**
     * {@code message} as it may pass between this node and {@code peer}: unchanged, with what is
     * not visible left out, or null when nothing of it may pass. A clock or routes message is
     * dropped when all it named was left out; an empty one stays (it says nothing).
     */
    default WireMessage filter(AuthorId peer, WireMessage message) {
        if (this == PUBLIC) return message;
        if (message instanceof WireMessage.Clock c) {
            List<WireMessage.FeedState> kept = new ArrayList<>(c.feeds().size());
            for (WireMessage.FeedState f : c.feeds()) {
                if (feed(peer, f.feed())) kept.add(f);
            }
            if (kept.size() == c.feeds().size()) return message;
            return kept.isEmpty() ? null : new WireMessage.Clock(kept);
        }
        if (message instanceof WireMessage.Routes r) {
            List<WireMessage.Route> kept = r.routes().stream().filter(x -> feed(peer, x.feed())).toList();
            if (kept.size() == r.routes().size()) return message;
            return kept.isEmpty() ? null : new WireMessage.Routes(kept);
        }
        if (message instanceof WireMessage.Entries e) {
            List<Entry> kept = e.entries().stream().filter(x -> feed(peer, x.header().author())).toList();
            if (kept.size() == e.entries().size()) return message;
            return kept.isEmpty() ? null : new WireMessage.Entries(kept);
        }
        if (message instanceof WireMessage.CaughtUp c) return feed(peer, c.feed()) ? message : null;
        if (message instanceof WireMessage.ForkProof f) return feed(peer, f.first().author()) ? message : null;
        if (message instanceof WireMessage.Locate l) return feed(peer, l.author()) ? message : null;
        if (message instanceof WireMessage.BlobWant w) return blob(peer, w.blob()) ? message : null;
        // A have of nothing is what any blob never heard of gets: it may always pass.
        if (message instanceof WireMessage.BlobHave h) return blob(peer, h.blob()) || h.saysNothing() ? message : null;
        if (message instanceof WireMessage.BlobGet g) return blob(peer, g.blob()) ? message : null;
        if (message instanceof WireMessage.BlobChunk c) return blob(peer, c.blob()) ? message : null;
        if (message instanceof WireMessage.BlobCancel c) return blob(peer, c.blob()) ? message : null;
        return message; // Peers, Ping, Pong, Goodbye name no feed or blob.
    }
}
