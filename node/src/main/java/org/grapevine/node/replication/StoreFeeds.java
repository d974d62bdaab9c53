package org.grapevine.node.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.grapevine.gossip.replication.FeedStore;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.store.AppendResult;
import org.grapevine.node.store.Store;

/** The store as replication sees it. */
public final class StoreFeeds implements FeedStore {
    private final Store store;
    private final Consumer<List<Entry>> onStored;

    public StoreFeeds(Store store) {
        this(store, stored -> {});
    }

    /** {@code onStored} hears of the entries each append stored, after the commit. */
    public StoreFeeds(Store store, Consumer<List<Entry>> onStored) {
        this.store = store;
        this.onStored = onStored;
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
    public Optional<WireMessage.ForkProof> forkProof(AuthorId feed) {
        return store.forkProof(feed).map(h -> new WireMessage.ForkProof(h.get(0), h.get(1)));
    }

    @Override
    public boolean recordFork(WireMessage.ForkProof proof) {
        return store.recordForkProof(proof.first(), proof.second());
    }

    @Override
    public List<Outcome> append(List<Entry> entries) {
        List<Outcome> out = new ArrayList<>(entries.size());
        List<Entry> stored = new ArrayList<>();
        List<AppendResult> results = store.appendAll(entries);
        for (int i = 0; i < results.size(); i++) {
            AppendResult r = results.get(i);
            if (r.status() == AppendResult.Status.APPENDED) stored.add(entries.get(i));
            out.add(switch (r.status()) {
                case APPENDED -> Outcome.STORED;
                case DUPLICATE -> Outcome.DUPLICATE;
                case FORK -> Outcome.FORK;
                case PAST_FORK -> Outcome.PAST_FORK;
                case REJECTED -> r.invalid() ? Outcome.INVALID : Outcome.OUT_OF_ORDER;
            });
        }
        if (!stored.isEmpty()) onStored.accept(stored);
        return out;
    }
}
