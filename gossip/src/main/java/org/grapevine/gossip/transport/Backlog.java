package org.grapevine.gossip.transport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.grapevine.gossip.limits.Scope;

/**
 * The connections of a transport that stopped being read because the node, not only their peer,
 * holds too much unhandled input ({@link Scope.Resource#UNHANDLED_BYTES} in the node's scope):
 * each resumes once the node is back under its mark.
 */
final class Backlog {
    private final Scope node;
    private final Set<PeerChannel> paused = ConcurrentHashMap.newKeySet();

    Backlog(Scope node) {
        this.node = node;
    }

    /** Input was handled: once the node is under its resume mark, every connection stopped may read again. */
    void released() {
        if (!paused.isEmpty() && node.caughtUpHere(Scope.Resource.UNHANDLED_BYTES)) {
            for (PeerChannel p : paused) p.mayResume();
        }
    }

    void paused(PeerChannel p) {
        paused.add(p);
    }

    void resumed(PeerChannel p) {
        paused.remove(p);
    }

    long total() {
        return node.used(Scope.Resource.UNHANDLED_BYTES);
    }
}
