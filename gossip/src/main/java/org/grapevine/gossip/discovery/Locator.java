package org.grapevine.gossip.discovery;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.grapevine.gossip.limits.Limits;
import org.grapevine.identity.AuthorId;

/**
 * When to ask peers where an author can be reached (a Locate), and whom. An author out of reach
 * is asked after first {@link #AGAIN_TICKS} ticks in, then less and less often (the wait doubles
 * up to {@link #BACKOFF_LIMIT} times); a peer is asked at most once per {@link #PEER_TICKS}
 * ticks, so authors nobody can reach do not fill idle connections with questions; each ask goes
 * to {@link #FANOUT} peers at random. The other side: a peer gets a few answers per tick. Plain
 * state over the time passed in, kept on one thread.
 */
public final class Locator {
    static final int AGAIN_TICKS = 30;
    static final int BACKOFF_LIMIT = 64;
    /** At most this many authors are asked after per tick. */
    static final int PER_TICK = 4;
    static final int PEER_TICKS = 30;
    static final int FANOUT = 8;
    /** At most this many addresses answer a Locate. */
    public static final int ANSWERS = 4;

    /** Ask {@code peers} where {@code author} can be reached. */
    public record Ask(AuthorId author, List<AuthorId> peers) {}

    private final long tickMillis;
    private final Random random;
    /** Authors asked after: when last (0: never), when they may be again, and the wait after that. */
    private final Map<AuthorId, Locating> located = new HashMap<>();
    /** When each connected peer was last asked. */
    private final Map<AuthorId, Long> askedPeers = new HashMap<>();
    /** Locates answered per peer since the last tick. */
    private final Map<AuthorId, Integer> answered = new HashMap<>();

    private static final class Locating {
        long asked;
        long next;
        long wait;

        Locating(long next, long wait) {
            this.next = next;
            this.wait = wait;
        }
    }

    public Locator(long tickMillis, Random random) {
        this.tickMillis = tickMillis;
        this.random = random;
    }

    /**
     * The asks due now for {@code unserved} authors that {@code mayReach} says no known address
     * reaches, those asked after least recently first; peers are chosen among {@code connected}.
     * Backoff is kept while an author stays in {@code wanted}, so it survives a tick where the
     * feed had a route.
     */
    public List<Ask> due(Set<AuthorId> unserved, Set<AuthorId> wanted, Collection<AuthorId> connected,
                         Predicate<AuthorId> mayReach, long now) {
        located.keySet().retainAll(wanted);
        askedPeers.keySet().retainAll(connected);
        long first = AGAIN_TICKS * tickMillis;
        long peerWait = PEER_TICKS * tickMillis;
        List<AuthorId> due = new ArrayList<>();
        for (AuthorId author : unserved) {
            if (mayReach.test(author)) continue;
            if (now >= located.computeIfAbsent(author, a -> new Locating(now, first)).next) due.add(author);
        }
        due.sort(Comparator.comparingLong(a -> located.get(a).asked));
        List<Ask> asks = new ArrayList<>();
        for (AuthorId author : due) {
            if (asks.size() == PER_TICK) break;
            List<AuthorId> peers = new ArrayList<>();
            for (AuthorId p : connected) {
                Long last = askedPeers.get(p);
                if (last == null || now - last >= peerWait) peers.add(p);
            }
            if (peers.isEmpty()) break;
            Locating l = located.get(author);
            l.asked = now;
            l.next = now + l.wait;
            l.wait = Math.min(l.wait * 2, first * BACKOFF_LIMIT);
            Collections.shuffle(peers, random);
            List<AuthorId> chosen = List.copyOf(peers.subList(0, Math.min(FANOUT, peers.size())));
            for (AuthorId p : chosen) askedPeers.put(p, now);
            asks.add(new Ask(author, chosen));
        }
        return asks;
    }

    /** Whether an address of {@code author} from {@code peer} may answer a Locate this node sent it. */
    public boolean solicited(AuthorId peer, AuthorId author) {
        return author != null && located.containsKey(author) && askedPeers.containsKey(peer);
    }

    /** Whether {@code peer} may have one more Locate answered in this tick. */
    public boolean mayAnswer(AuthorId peer) {
        return answered.merge(peer, 1, Integer::sum) <= Limits.LOCATE_ANSWERS_PER_TICK;
    }

    /** A tick passed: peers may have answers again. */
    public void newTick() {
        answered.clear();
    }

    /** When {@code author} was last asked after and when it may be again, if ever. */
    public Optional<String> explain(AuthorId author, long now) {
        Locating l = located.get(author);
        if (l == null) return Optional.empty();
        return Optional.of((l.asked == 0 ? "never asked" : "last asked " + (now - l.asked) / 1000 + " s ago")
                + ", next in " + Math.max(0, l.next - now) / 1000 + " s");
    }
}
