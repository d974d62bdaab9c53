package org.grapevine.gossip.replication;

import java.util.Map;
import org.grapevine.gossip.limits.Lru;
import org.grapevine.identity.AuthorId;

/**
 * Ids whose claims to hold entries were not kept, each until a time: their claims start no wait
 * and no trial until then. A bounded number is remembered, the oldest forgotten first; an id is
 * free to make, so this only spares the honest sources from one liar's repeated claims.
 */
final class Distrust {
    private final Map<AuthorId, Long> until;

    Distrust(int capacity) {
        this.until = new Lru<>(capacity);
    }

    void add(AuthorId id, long untilMillis) {
        until.remove(id);
        until.put(id, untilMillis);
    }

    /** Until when {@code id} is not believed, or 0 if it is. */
    long until(AuthorId id, long now) {
        Long t = until.get(id);
        if (t == null) return 0;
        if (t > now) return t;
        until.remove(id);
        return 0;
    }

    int size() {
        return until.size();
    }
}
