package org.grapevine.node;

import java.time.Clock;
import java.util.function.LongSupplier;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.store.AppendResult;
import org.grapevine.node.store.Store;
import org.grapevine.node.store.StoreException;

/** Writes the local user's own entries: next sequence, previous hash, a timestamp that never goes back. */
public final class Publisher {
    private final Identity identity;
    private final Store store;
    private final LongSupplier millis;

    public Publisher(Identity identity, Store store, Clock clock) {
        this(identity, store, clock::millis);
    }

    /** A publisher reading the time, in milliseconds since the epoch, from {@code millis}. */
    public Publisher(Identity identity, Store store, LongSupplier millis) {
        this.identity = identity;
        this.store = store;
        this.millis = millis;
    }

    /** Signs {@code content} as the next entry of the user's log and stores it (committed on return). */
    public Entry publish(Content content) {
        synchronized (store) {
            long seq = store.headSeq(identity.id()) + 1;
            var previous = store.headId(identity.id()).orElse(null);
            long now = millis.getAsLong();
            if (previous != null) {
                long last = store.get(identity.id(), seq - 1).orElseThrow().header().timestamp();
                now = Math.max(now, last);
            }
            Entry entry = Entry.create(identity, seq, previous, now, content);
            AppendResult result = store.append(entry);
            if (!result.stored()) throw new StoreException("could not store own entry: " + result.reason());
            return entry;
        }
    }

    public Identity identity() {
        return identity;
    }
}
