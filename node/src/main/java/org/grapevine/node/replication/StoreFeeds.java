package org.grapevine.node.replication;

import java.util.ArrayList;
import java.util.List;
import org.grapevine.gossip.replication.FeedStore;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.store.AppendResult;
import org.grapevine.node.store.Store;

/** The store as replication sees it. */
public final class StoreFeeds implements FeedStore {
    private final Store store;

    public StoreFeeds(Store store) {
        this.store = store;
    }

    @Override
    public long head(AuthorId feed) {
        return store.headSeq(feed);
    }

    @Override
    public List<Entry> read(AuthorId feed, long fromSeq, int maxEntries, int maxBytes) {
        List<Entry> entries = store.log(feed, fromSeq, maxEntries);
        int bytes = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            bytes += e.header().size() + (e.hasContent() ? e.header().contentLength() : 0);
            if (bytes > maxBytes && i > 0) return entries.subList(0, i);
        }
        return entries;
    }

    @Override
    public List<Outcome> append(List<Entry> entries) {
        List<Outcome> out = new ArrayList<>(entries.size());
        for (AppendResult r : store.appendAll(entries)) {
            out.add(switch (r.status()) {
                case APPENDED -> Outcome.STORED;
                case DUPLICATE -> Outcome.DUPLICATE;
                case FORK -> Outcome.FORK;
                case REJECTED -> r.invalid() ? Outcome.INVALID : Outcome.OUT_OF_ORDER;
            });
        }
        return out;
    }
}
