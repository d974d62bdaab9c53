package org.grapevine.gossip.transport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.grapevine.gossip.limits.Limits;

/**
 * What all connections of a transport have received and the node has not handled yet, against
 * {@link Limits#UNHANDLED_PER_NODE}: past it the connection that brought the last message stops
 * being read, and every connection stopped so resumes once the node is back under the mark.
 */
final class Backlog {
    private final AtomicLong unhandled = new AtomicLong();
    private final Set<PeerChannel> paused = ConcurrentHashMap.newKeySet();

    /** Adds {@code n}; whether the node is now over its bound. */
    boolean add(long n) {
        return unhandled.addAndGet(n) > Limits.UNHANDLED_PER_NODE;
    }

    /** Takes {@code n} off; once under the resume mark, every connection stopped for the node's sake may read again. */
    void remove(long n) {
        if (unhandled.addAndGet(-n) < Limits.UNHANDLED_RESUME_NODE && !paused.isEmpty()) {
            for (PeerChannel p : paused) p.mayResume();
        }
    }

    boolean underMark() {
        return unhandled.get() < Limits.UNHANDLED_RESUME_NODE;
    }

    void paused(PeerChannel p) {
        paused.add(p);
    }

    void resumed(PeerChannel p) {
        paused.remove(p);
    }

    long total() {
        return unhandled.get();
    }
}
