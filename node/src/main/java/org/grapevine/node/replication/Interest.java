package org.grapevine.node.replication;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.grapevine.identity.AuthorId;
import org.grapevine.node.store.Indexes;

/**
 * Which feeds a node replicates, composed from rules: its own feed always; what each rule wants;
 * less what any rule keeps out. The standard rules are the follow graph within {@code hops} and
 * the user's blocks: hop 1 is whom the user follows, hop 2 whom they follow, and so on (the
 * follow lists of others are known from their logs, which is why they are replicated at all),
 * and a blocked author is neither wanted nor followed through. Channels add their members'
 * persona feeds as a rule of their own.
 */
public final class Interest {
    public static final int DEFAULT_HOPS = 2;

    /** One reason to want feeds, or to keep them out. */
    public interface Rule {
        /** Feeds this rule wants, leaving out (and not reaching through) those in {@code excluded}. */
        default Set<AuthorId> wants(Indexes indexes, AuthorId self, Set<AuthorId> excluded) {
            return Set.of();
        }

        /** Feeds this rule keeps out, whatever the other rules want (never the node's own). */
        default Set<AuthorId> excludes(Indexes indexes, AuthorId self) {
            return Set.of();
        }
    }

    private final List<Rule> rules;

    public Interest(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The follow graph within {@code hops}, and blocks. */
    public static Interest standard(int hops) {
        return new Interest(List.of(blocks(), followHops(hops)));
    }

    /** These rules with {@code more} after them. */
    public Interest with(List<Rule> more) {
        List<Rule> all = new java.util.ArrayList<>(rules);
        all.addAll(more);
        return new Interest(all);
    }

    /** The feeds wanted now: the node's own first, then each rule's in order. */
    public Set<AuthorId> feeds(Indexes indexes, AuthorId self) {
        Set<AuthorId> excluded = new LinkedHashSet<>();
        for (Rule r : rules) excluded.addAll(r.excludes(indexes, self));
        excluded.remove(self);
        Set<AuthorId> out = new LinkedHashSet<>();
        out.add(self);
        for (Rule r : rules) {
            for (AuthorId feed : r.wants(indexes, self, excluded)) {
                if (!excluded.contains(feed)) out.add(feed);
            }
        }
        return out;
    }

    /** The standard feeds of a store, for commands that run without a node. */
    public static Set<AuthorId> feeds(Indexes indexes, AuthorId self, int hops) {
        return standard(hops).feeds(indexes, self);
    }

    /** Whom the user blocks (publicly) is kept out. */
    public static Rule blocks() {
        return new Rule() {
            @Override
            public Set<AuthorId> excludes(Indexes indexes, AuthorId self) {
                return indexes.blocked(self);
            }
        };
    }

    /** Whom the user follows, whom they follow, and so on for {@code hops} hops. */
    public static Rule followHops(int hops) {
        return new Rule() {
            @Override
            public Set<AuthorId> wants(Indexes indexes, AuthorId self, Set<AuthorId> excluded) {
                Set<AuthorId> out = new LinkedHashSet<>();
                out.add(self);
                Set<AuthorId> frontier = Set.of(self);
                for (int hop = 1; hop <= hops && !frontier.isEmpty(); hop++) {
                    Set<AuthorId> next = new LinkedHashSet<>();
                    for (AuthorId a : frontier) {
                        for (AuthorId followed : indexes.following(a)) {
                            if (!excluded.contains(followed) && out.add(followed)) next.add(followed);
                        }
                    }
                    frontier = next;
                }
                out.remove(self);
                return out;
            }
        };
    }
}
