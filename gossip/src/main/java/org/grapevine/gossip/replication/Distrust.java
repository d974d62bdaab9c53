package org.grapevine.gossip.replication;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.grapevine.identity.AuthorId;

/**
 * Ids whose claims to hold entries were not kept, each until a time: their claims start no wait
 * and no trial until then. A bounded number is remembered, the oldest forgotten first; an id is
 * free to make, so this only spares the honest sources from one liar's repeated claims.
 */
final class Distrust {
    private final int capacity;
    private final Map<AuthorId, Long> until = new LinkedHashMap<>();

    Distrust(int capacity) {
        this.capacity = capacity;
    }

    void add(AuthorId id, long untilMillis) {
        until.remove(id);
        until.put(id, untilMillis);
        if (until.size() > capacity) {
            Iterator<AuthorId> eldest = until.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    boolean has(AuthorId id, long now) {
        Long t = until.get(id);
        if (t == null) return false;
        if (t > now) return true;
        until.remove(id);
        return false;
    }

    int size() {
        return until.size();
    }
}
