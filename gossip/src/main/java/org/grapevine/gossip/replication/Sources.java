package org.grapevine.gossip.replication;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.grapevine.gossip.limits.Limits;
import org.grapevine.gossip.policy.Visibility;
import org.grapevine.gossip.wire.WireMessage.Mode;
import org.grapevine.identity.AuthorId;

/**
 * Which peer streams each wanted feed (its source), and when to change it. A feed's source is
 * asked eagerly, every other peer lazily. A source that does not bring in time what another peer
 * announced is replaced (the time is {@link Patience}); a lazy peer that keeps announcing entries
 * before the source brings them, or the author itself, takes over when nothing is in flight; a
 * peer that claims more than a working source is asked alongside it (a trial) rather than
 * instead, and one whose claim proves empty is not believed for a while ({@link Distrust}).
 */
final class Sources {
    /** Times running a lazy peer must announce entries before the source brings them to become the source. */
    static final int LEADS_BEFORE_SWITCH = 2;
    /** How far ahead a newly connected peer must be to take over as source at once, in entries. */
    static final int CATCH_UP_GAP = 8;

    private final FeedStore store;
    private final LongSupplier millis;
    private final Replicator.Events events;
    private final Visibility visibility;
    private final Map<AuthorId, ReplicaPeer> peers;
    private final Set<AuthorId> wanted;
    private final Streams streams;
    private final Predicate<AuthorId> forked;
    /** For each wanted feed, the peer asked to stream it eagerly. */
    private final Map<AuthorId, ReplicaPeer> sources = new HashMap<>();
    /** Wanted feeds a peer has more of than we hold, with the time since when we wait for the source. */
    private final Map<AuthorId, Long> waiting = new HashMap<>();
    private final Patience patience;
    /** Per wanted feed, the lazy peer that announced its newest entries before the source brought them. */
    private final Map<AuthorId, Lead> leads = new HashMap<>();
    /** Per wanted feed, a peer asked to stream alongside a source that works, for entries it claims the source lacks. */
    private final Map<AuthorId, Trial> trials = new HashMap<>();
    /** Ids that claimed entries and did not deliver them. */
    private final Distrust distrust = new Distrust(Limits.DISTRUSTED_IDS);
    private final long distrustMillis;

    /** A lazy peer that was ahead of the source: up to which sequence, whether that is settled, how often in a row. */
    private static final class Lead {
        final ReplicaPeer peer;
        long seq;
        boolean open;
        int times;

        Lead(ReplicaPeer peer) {
            this.peer = peer;
        }
    }

    /**
     * A peer that claimed entries of a feed the working source does not bring, asked for them
     * alongside it: up to which sequence, and since when it has brought nothing.
     */
    private static final class Trial {
        final ReplicaPeer peer;
        final long seq;
        long quietSince;
        boolean delivered;

        Trial(ReplicaPeer peer, long seq, long now) {
            this.peer = peer;
            this.seq = seq;
            this.quietSince = now;
        }
    }

    /** Over the replicator's live map of peers and set of wanted feeds. */
    Sources(FeedStore store, LongSupplier millis, Replicator.Events events, Visibility visibility, Map<AuthorId, ReplicaPeer> peers,
            Set<AuthorId> wanted, Streams streams, Predicate<AuthorId> forked, Patience patience, long distrustMillis) {
        this.wanted = wanted;
        this.store = store;
        this.millis = millis;
        this.events = events;
        this.visibility = visibility;
        this.peers = peers;
        this.streams = streams;
        this.forked = forked;
        this.patience = patience;
        this.distrustMillis = distrustMillis;
    }

    /** The peer streaming {@code feed} to us, or null. */
    ReplicaPeer of(AuthorId feed) {
        return sources.get(feed);
    }

    /** How long a source may now take to bring what another peer announced before it is replaced. */
    long patience() {
        return patience.millis();
    }

    /** A peer connected: how it is asked for {@code feed} (eagerly if the feed has no source yet, which it then is). */
    Mode greet(ReplicaPeer peer, AuthorId feed) {
        Mode mode = sources.containsKey(feed) ? Mode.LAZY : Mode.EAGER;
        if (mode == Mode.EAGER) sources.put(feed, peer);
        peer.asked.put(feed, mode);
        return mode;
    }

    /** A peer connected: whether its claims are believed, as remembered from an earlier connection. */
    void remember(ReplicaPeer peer) {
        peer.distrustedUntil = distrust.until(peer.link.id(), millis.getAsLong());
    }

    /** {@code feed} is hidden from {@code peer} now: if it was the feed's source, the next best peer is. */
    void hidden(ReplicaPeer peer, AuthorId feed) {
        if (sources.get(feed) != peer) return;
        sources.remove(feed);
        leads.remove(feed);
        ReplicaPeer next = best(feed, peer);
        if (next != null) makeSource(feed, next);
    }

    /** {@code feed} became wanted: the peer with the most of it (any, if none holds it) is its source, or null. */
    ReplicaPeer choose(AuthorId feed) {
        ReplicaPeer source = best(feed, null);
        if (source != null) sources.put(feed, source);
        return source;
    }

    /** {@code feed} is wanted no more. */
    void forget(AuthorId feed) {
        sources.remove(feed);
        waiting.remove(feed);
        leads.remove(feed);
        trials.remove(feed);
    }

    /** {@code gone} disconnected: the feeds it was source of get the next best peer. */
    void disconnected(ReplicaPeer gone) {
        leads.values().removeIf(l -> l.peer == gone);
        trials.values().removeIf(t -> t.peer == gone);
        // Collect first: makeSource puts into sources, which must not happen while iterating it.
        List<AuthorId> orphaned = new ArrayList<>();
        sources.entrySet().removeIf(e -> e.getValue() == gone && orphaned.add(e.getKey()));
        for (AuthorId feed : orphaned) {
            ReplicaPeer next = best(feed, gone);
            if (next != null) makeSource(feed, next);
        }
    }

    /** New entries of {@code feed} were stored: a wait for them ends, and teaches how late sources are. */
    void advanced(AuthorId feed, long head) {
        Long since = waiting.get(feed);
        if (since != null) {
            long now = millis.getAsLong();
            patience.late(now - since);
            if (head >= bestHeld(feed)) waiting.remove(feed);
            else waiting.put(feed, now);
        }
    }

    /** {@code peer} stored entries of {@code feed} for us: if it was on trial, it delivered. */
    void delivered(AuthorId feed, ReplicaPeer peer) {
        Trial trial = trials.get(feed);
        if (trial != null && trial.peer == peer) {
            trial.delivered = true;
            trial.quietSince = millis.getAsLong();
        }
    }

    /** {@code from}'s entries advanced {@code feed}: a lead may settle if {@code from} is the source, and any trial may. */
    void settled(AuthorId feed, ReplicaPeer from) {
        if (sources.get(feed) == from) settleLead(feed);
        settleTrial(feed);
    }

    /**
     * Once a tick: a source that does not deliver what another peer has within the patience is
     * replaced, or asked again when nobody else has more; a peer asked alongside a working source
     * that brought nothing in that time is not believed any more.
     */
    void tick() {
        long now = millis.getAsLong();
        endTrials(now);
        // Any feed a peer holds more of is waited for, however we came to know it (a clock that
        // arrived before we wanted the feed starts no wait of its own).
        for (AuthorId feed : wanted) {
            if (!waiting.containsKey(feed) && store.head(feed) < bestHeld(feed) && !forked.test(feed)) waiting.put(feed, now);
        }
        long limit = patience.millis();
        // Collected first: switching a source may start a new wait for the same feed.
        List<AuthorId> due = new ArrayList<>();
        for (var e : waiting.entrySet()) if (now - e.getValue() >= limit) due.add(e.getKey());
        for (AuthorId feed : due) {
            patience.late(now - waiting.remove(feed)); // At least this late: a busy network makes us wait longer.
            long head = store.head(feed);
            if (head >= bestHeld(feed) || forked.test(feed)) continue;
            ReplicaPeer current = sources.get(feed);
            ReplicaPeer next = best(feed, current);
            boolean nextHasMore = next != null && believed(next, feed) > head;
            if (current != null && current.holds(feed) > head) {
                // A source that claimed more than it delivered in time is not believed any more:
                // what it holds counts as what we hold. Someone with more takes over.
                current.holds.put(feed, head);
                makeSource(feed, nextHasMore ? next : current);
            } else if (nextHasMore) {
                // The source brought all it claimed, but another peer claims more: it is asked
                // alongside the source rather than instead of it, so a false claim stalls nothing.
                if (current == null) makeSource(feed, next);
                else trial(feed, next);
            } else if (current != null) {
                // Nobody else has more: ask the source again, from what we hold.
                makeSource(feed, current);
            }
        }
    }

    /**
     * A peer's clock named {@code feed} (wanted) at {@code seq}, in {@code mode}; {@code first}
     * for its first clock. A peer ahead of us may lead, take over, or start a wait; one level
     * with us may become the source when that costs no copy.
     */
    void clocked(ReplicaPeer peer, AuthorId feed, long seq, Mode mode, boolean first) {
        long head = store.head(feed);
        if (seq > head) {
            if (sources.get(feed) != peer && !distrusted(peer)) lead(feed, peer, seq);
            behind(feed, peer, first);
        } else if (mode != Mode.NONE && sources.get(feed) != peer && idle(feed, head)
                && (sources.get(feed) == null || feed.equals(peer.link.id()))) {
            // Nothing is in flight from the source, so switching costs no copy: the author
            // itself is the shortest path to its feed. (A source that does not list the feed
            // yet is left only when a note comes: leaving it here cost copies, because
            // interest grows while logs arrive.)
            makeSource(feed, peer);
        }
    }

    /**
     * Asks {@code peer}, which claims entries of {@code feed} the working source has not brought,
     * to stream them alongside the source (one such peer per feed at a time).
     */
    private void trial(AuthorId feed, ReplicaPeer peer) {
        if (trials.containsKey(feed) || distrusted(peer)) return;
        trials.put(feed, new Trial(peer, peer.holds(feed), millis.getAsLong()));
        streams.ask(peer, feed, Mode.EAGER);
    }

    /**
     * Ends the trials whose claims were met (by anyone), and those whose peer brought nothing for
     * the patience: that peer is not believed for a while, and goes back to sending notes.
     */
    private void endTrials(long now) {
        if (trials.isEmpty()) return;
        long limit = patience.millis();
        for (AuthorId feed : List.copyOf(trials.keySet())) {
            Trial t = trials.get(feed);
            long head = store.head(feed);
            if (forked.test(feed)) {
                // Nothing past the fork is taken, from anyone: the trial proves nothing either way.
                trials.remove(feed);
                demote(feed, t.peer);
            } else if (head >= t.seq) {
                settleTrial(feed);
            } else if (now - t.quietSince >= limit) {
                trials.remove(feed);
                t.peer.holds.put(feed, head);
                t.peer.distrustedUntil = now + distrustMillis;
                distrust.add(t.peer.link.id(), t.peer.distrustedUntil);
                events.distrusted(t.peer.link.id(), "claimed entries of " + feed + " up to " + t.seq + " and brought none in "
                        + (now - t.quietSince) + " ms");
                demote(feed, t.peer);
            }
        }
    }

    /**
     * The claim of a trial's peer is met. The peer becomes the source if it brought entries the
     * source did not have; otherwise it goes back to sending notes.
     */
    private void settleTrial(AuthorId feed) {
        Trial t = trials.get(feed);
        if (t == null || store.head(feed) < t.seq) return;
        trials.remove(feed);
        ReplicaPeer source = sources.get(feed);
        if (t.delivered && (source == null || source.holds(feed) < t.seq)) makeSource(feed, t.peer);
        else if (sources.get(feed) != t.peer) demote(feed, t.peer);
    }

    private void demote(AuthorId feed, ReplicaPeer peer) {
        if (peers.get(peer.link.id()) != peer || !wanted.contains(feed)) return;
        streams.ask(peer, feed, Mode.LAZY);
    }

    boolean distrusted(ReplicaPeer peer) {
        return peer.distrustedUntil > millis.getAsLong();
    }

    /** What {@code peer} holds of {@code feed} as far as we believe it: no more than we hold, once it did not keep a claim. */
    long believed(ReplicaPeer peer, AuthorId feed) {
        long holds = peer.holds(feed);
        return distrusted(peer) ? Math.min(holds, store.head(feed)) : holds;
    }

    /** Whether the feed's source, if any, has claimed nothing we do not hold yet. */
    private boolean idle(AuthorId feed, long head) {
        ReplicaPeer source = sources.get(feed);
        return source == null || source.holds(feed) <= head;
    }

    /** A lazy peer announced {@code seq} of {@code feed}, which we do not hold yet. */
    private void lead(AuthorId feed, ReplicaPeer peer, long seq) {
        Lead lead = leads.get(feed);
        if (lead != null && lead.open) return; // Another peer announced these entries first.
        if (lead == null || lead.peer != peer) leads.put(feed, lead = new Lead(peer));
        lead.seq = seq;
        lead.open = true;
    }

    /**
     * The source brought entries of {@code feed}. If a lazy peer had announced them first, for
     * the {@link #LEADS_BEFORE_SWITCH}th time running, it becomes the source, now that we hold
     * all it claimed; if nobody had, the source is doing well and the count starts over.
     */
    private void settleLead(AuthorId feed) {
        Lead lead = leads.get(feed);
        if (lead == null) return;
        long head = store.head(feed);
        if (!lead.open) {
            leads.remove(feed);
            return;
        }
        if (head < lead.seq) return;
        lead.open = false;
        if (++lead.times >= LEADS_BEFORE_SWITCH && peers.get(lead.peer.link.id()) == lead.peer
                && lead.peer.holds(feed) <= head && idle(feed, head)) {
            makeSource(feed, lead.peer);
        }
    }

    /** {@code peer} holds more of a wanted feed than we do. */
    private void behind(AuthorId feed, ReplicaPeer peer, boolean first) {
        if (distrusted(peer) || forked.test(feed)) return; // Its claims start nothing; past a fork there is nothing to get.
        ReplicaPeer source = sources.get(feed);
        // A peer's first clock may show it far ahead (we were away), or be the author's own: it
        // takes over at once. Otherwise a peer ahead of us only starts the wait when the source replicates the feed
        // itself: the source is most likely streaming the same new entries already (they reach
        // lazy peers as notes at the same time), and switching at once would bring them twice.
        boolean replicating = source != null && source.wants.containsKey(feed) && source.holds(feed) > 0;
        boolean author = feed.equals(peer.link.id());
        boolean takeOver = first && (peer.holds(feed) - store.head(feed) > CATCH_UP_GAP || author);
        if (source == null) {
            makeSource(feed, peer);
        } else if (source != peer && (takeOver || !replicating)
                && source.holds(feed) < peer.holds(feed) && source.holds(feed) <= store.head(feed)) {
            // A source that replicates the feed and brought all it claimed is not left for a
            // stranger's word (which costs nothing to give): the claimer streams alongside it
            // until its claim is met or it proves empty. The author's word on its own feed stands.
            if (replicating && !author) trial(feed, peer);
            else makeSource(feed, peer);
        } else {
            waiting.putIfAbsent(feed, millis.getAsLong());
        }
    }

    private void makeSource(AuthorId feed, ReplicaPeer next) {
        if (!visibility.feed(next.link.id(), feed)) return; // It would never hear the request.
        ReplicaPeer old = sources.put(feed, next);
        leads.remove(feed);
        Trial trial = trials.get(feed);
        if (trial != null && trial.peer == next) trials.remove(feed);
        long head = store.head(feed);
        if (old != null && old != next && peers.containsValue(old)) streams.ask(old, feed, Mode.LAZY);
        streams.ask(next, feed, Mode.EAGER);
        if (next.holds(feed) > head) waiting.put(feed, millis.getAsLong());
    }

    /**
     * The connected peer (other than {@code except}) holding the most of {@code feed}, as far as
     * we believe it, or any if none holds it; never one the feed is hidden from.
     */
    private ReplicaPeer best(AuthorId feed, ReplicaPeer except) {
        ReplicaPeer best = null;
        long most = -1;
        for (ReplicaPeer p : peers.values()) {
            if (p == except || !visibility.feed(p.link.id(), feed)) continue;
            long held = believed(p, feed);
            if (held > most) {
                best = p;
                most = held;
            }
        }
        return best;
    }

    /** The most of {@code feed} a connected peer holds, as far as we believe it. */
    long bestHeld(AuthorId feed) {
        long best = 0;
        for (ReplicaPeer p : peers.values()) best = Math.max(best, believed(p, feed));
        return best;
    }

    /** The source and any wait of {@code feed}, for {@link Replicator#explain}. */
    String explainSource(AuthorId feed, Function<AuthorId, String> name) {
        ReplicaPeer source = sources.get(feed);
        Long since = waiting.get(feed);
        return "source " + (source == null ? "none" : name.apply(source.link.id()))
                + (since == null ? ", not waiting" : ", waiting " + (millis.getAsLong() - since) + " ms of " + patience.millis());
    }

    /** Any trial of {@code feed}, for {@link Replicator#explain}: empty, or ", trying ...". */
    String explainTrial(AuthorId feed, Function<AuthorId, String> name) {
        Trial trial = trials.get(feed);
        return trial == null ? "" : ", trying " + name.apply(trial.peer.link.id()) + " alongside for up to " + trial.seq;
    }
}
