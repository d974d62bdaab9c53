package org.grapevine.node.replication;

import java.util.LinkedHashSet;
import java.util.Set;
import org.grapevine.identity.AuthorId;
import org.grapevine.node.store.Indexes;

/**
 * Which feeds a node replicates: its own, and those within {@code hops} follow hops of it, minus
 * the ones it blocks. Hop 1 is whom the user follows, hop 2 whom they follow, and so on; the
 * follow lists of others are known from their logs, which is why they are replicated at all.
 */
public final class Interest {
    public static final int DEFAULT_HOPS = 2;

    private Interest() {}

    public static Set<AuthorId> feeds(Indexes indexes, AuthorId self, int hops) {
        Set<AuthorId> blocked = indexes.blocked(self);
        Set<AuthorId> out = new LinkedHashSet<>();
        out.add(self);
        Set<AuthorId> frontier = Set.of(self);
        for (int hop = 1; hop <= hops && !frontier.isEmpty(); hop++) {
            Set<AuthorId> next = new LinkedHashSet<>();
            for (AuthorId a : frontier) {
                for (AuthorId followed : indexes.following(a)) {
                    if (!blocked.contains(followed) && out.add(followed)) next.add(followed);
                }
            }
            frontier = next;
        }
        return out;
    }
}
