package org.grapevine.gossip.discovery;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.grapevine.identity.AuthorId;

/**
 * Which addresses a node dials on a tick. Up to the target number of connections, any due
 * address; past it, a few addresses of people it follows (else of authors of other wanted feeds),
 * since their feeds then need no chain of peers who happen to replicate them; and past that, the
 * authors of feeds that no connected peer has had a route to for two ticks running (a peer's
 * route follows its clock by a round trip, so one tick unserved means little) — those are also
 * the authors to ask peers about ({@link Locator}). Plain state over the time passed in.
 */
public final class DialPolicy {
    /** Connections a node may hold past its target to reach people it follows directly. */
    public static final int FOLLOWED_EXTRA = 8;
    static final int FOLLOWED_DIALS_PER_TICK = 2;
    /** Further connections a node may open to authors whose feeds no connected peer replicates. */
    public static final int UNSERVED_EXTRA = 4;

    /** The node's connections now: how many, how many it dialed, dials under way (by endpoint), and who. */
    public record Connections(int count, long outbound, Collection<String> dialing, Set<AuthorId> ids) {}

    /** The feeds the node cares about: authors it follows, all it wants, and wanted ones no peer serves now. */
    public record Wants(Set<AuthorId> following, Set<AuthorId> wanted, Set<AuthorId> unserved) {}

    /** What to dial, and whether to look for {@code locate}'s authors (false when over budget). */
    public record Plan(List<PeerAddress> dial, boolean locating, Set<AuthorId> locate) {}

    private final int target;
    private final AuthorId self;
    /** The feeds that were unserved on the last tick. */
    private Set<AuthorId> unservedBefore = Set.of();

    public DialPolicy(int target, AuthorId self) {
        this.target = target;
        this.self = self;
    }

    public Plan plan(PeerTable table, Connections c, Wants wants, long now) {
        int slots = target - c.count() - c.dialing().size();
        List<PeerAddress> dial = new ArrayList<>();
        if (slots > 0) dial.addAll(table.toDial(now, slots, c.dialing(), c.ids(), self));
        long dialed = c.outbound() + c.dialing().size();
        if (dialed < target + FOLLOWED_EXTRA) {
            if (!addAuthors(dial, table, wants.following(), c, now)) addAuthors(dial, table, wants.wanted(), c, now);
        }
        Set<AuthorId> lasting = new LinkedHashSet<>(wants.unserved());
        lasting.retainAll(unservedBefore);
        unservedBefore = wants.unserved();
        boolean locating = dialed < target + FOLLOWED_EXTRA + UNSERVED_EXTRA;
        if (locating) addAuthors(dial, table, lasting, c, now);
        return new Plan(dial, locating, lasting);
    }

    /** Adds to {@code dial} a few known addresses of {@code authors} due for a dial; whether there were any. */
    private static boolean addAuthors(List<PeerAddress> dial, PeerTable table, Set<AuthorId> authors, Connections c, long now) {
        List<PeerAddress> found = table.toDialFor(authors, now, FOLLOWED_DIALS_PER_TICK, c.dialing(), c.ids());
        for (PeerAddress a : found) {
            if (!dial.contains(a)) dial.add(a);
        }
        return !found.isEmpty();
    }
}
