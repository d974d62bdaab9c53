package org.grapevine.gossip.replication;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.grapevine.gossip.limits.Limits;
import org.grapevine.gossip.wire.WireMessage.Mode;
import org.grapevine.identity.AuthorId;

/** One connected peer and what each side knows of the other. */
final class ReplicaPeer {
    final PeerLink link;
    /** The highest sequence the peer is known to hold, per feed. */
    final Map<AuthorId, Long> holds = new HashMap<>();
    /** How the peer wants each feed from us. */
    final Map<AuthorId, Mode> wants = new HashMap<>();
    /** Whether its first clock (the one sent on connect) has been read. */
    boolean greeted;
    /** How we asked the peer for each feed. */
    final Map<AuthorId, Mode> asked = new HashMap<>();
    /** The sequence up to which the peer said it sent us all it holds. */
    final Map<AuthorId, Long> caughtUp = new HashMap<>();
    /** Feeds to stream to this peer. */
    final Set<AuthorId> streaming = new LinkedHashSet<>();
    /** Feeds for which the peer has been told it caught up. */
    final Set<AuthorId> caughtUpSent = new HashSet<>();
    /** Feeds whose latest sequence this peer should hear of. */
    final Set<AuthorId> notes = new LinkedHashSet<>();
    /** Hops from the peer to each feed's author, as it told (absent: no route). */
    final Map<AuthorId, Integer> routes = new HashMap<>();
    /** The route to each feed's author last told the peer (absent: none). */
    final Map<AuthorId, Integer> toldRoutes = new HashMap<>();
    /** Feeds whose route the peer should hear of again. */
    final Set<AuthorId> routeNotes = new LinkedHashSet<>();
    /** Feeds it named that we neither want nor hold, counted against {@link Limits#UNKNOWN_FEEDS_PER_PEER}. */
    int unknownFeeds;
    /** Until when its claims of entries we lack are not believed (it did not keep one); 0 if they are. */
    long distrustedUntil;
    /** Forked feeds the peer was sent the proof of, or sent us one of. */
    final Set<AuthorId> forkTold = new HashSet<>();

    ReplicaPeer(PeerLink link) {
        this.link = link;
    }

    long holds(AuthorId feed) {
        return holds.getOrDefault(feed, 0L);
    }

    void learn(AuthorId feed, long seq) {
        holds.merge(feed, seq, Math::max);
    }
}
