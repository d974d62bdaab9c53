package org.grapevine.gossip.replication;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.grapevine.gossip.wire.WireCodec;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Verifier;
import org.grapevine.identity.log.Entry;

/**
 * A {@link FeedStore} in memory that validates like the node's store (signature, then sequence and
 * previous hash against the head), and counts what was offered to it so tests can see duplicates.
 */
final class MemoryFeedStore implements FeedStore {
    private final Verifier verifier = new Verifier();
    private final Map<AuthorId, List<Entry>> logs = new HashMap<>();
    private final Set<AuthorId> forked = new HashSet<>();
    private final Map<AuthorId, WireMessage.ForkProof> proofs = new HashMap<>();
    private final Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
    private final Map<AuthorId, Integer> duplicatesByFeed = new HashMap<>();
    private int appendCalls;

    @Override
    public long head(AuthorId feed) {
        List<Entry> log = logs.get(feed);
        return log == null ? 0 : log.size();
    }

    @Override
    public List<Entry> read(AuthorId feed, long fromSeq, int maxEntries, int maxBytes) {
        if (fromSeq < 1) throw new IllegalArgumentException("sequence starts at 1, asked for " + fromSeq);
        List<Entry> log = logs.getOrDefault(feed, List.of());
        List<Entry> out = new ArrayList<>();
        int bytes = 0;
        for (long seq = fromSeq; seq <= log.size() && out.size() < maxEntries; seq++) {
            Entry e = log.get((int) (seq - 1));
            int cost = WireCodec.entryCost(e);
            if (!out.isEmpty() && bytes + cost > maxBytes) break;
            out.add(e);
            bytes += cost;
        }
        return out;
    }

    @Override
    public List<Outcome> append(List<Entry> entries) {
        appendCalls++;
        List<Outcome> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            Outcome o = appendOne(e);
            outcomes.merge(o, 1, Integer::sum);
            if (o == Outcome.DUPLICATE) duplicatesByFeed.merge(e.header().author(), 1, Integer::sum);
            out.add(o);
        }
        return out;
    }

    private Outcome appendOne(Entry e) {
        if (!e.header().verifySignature(verifier)) return Outcome.INVALID;
        AuthorId author = e.header().author();
        List<Entry> log = logs.computeIfAbsent(author, k -> new ArrayList<>());
        long seq = e.header().seq();
        long head = log.size();
        if (seq <= head) {
            Entry held = log.get((int) (seq - 1));
            if (held.id().equals(e.id())) return Outcome.DUPLICATE;
            forked.add(author);
            proofs.putIfAbsent(author, new WireMessage.ForkProof(held.header(), e.header()));
            return Outcome.FORK;
        }
        // Past a fork nothing more of the author is kept; not the offering peer's fault.
        WireMessage.ForkProof proof = proofs.get(author);
        if (forked.contains(author) && (proof == null || seq >= proof.first().seq())) return Outcome.PAST_FORK;
        if (seq != head + 1) return Outcome.OUT_OF_ORDER;
        EntryId previous = head == 0 ? null : log.get((int) head - 1).id();
        if (!Objects.equals(previous, e.header().previous())) {
            forked.add(author);
            proofs.putIfAbsent(author, new WireMessage.ForkProof(log.get((int) head - 1).header(), e.header()));
            return Outcome.FORK;
        }
        log.add(e);
        return Outcome.STORED;
    }

    @Override
    public java.util.Optional<WireMessage.ForkProof> forkProof(AuthorId feed) {
        return java.util.Optional.ofNullable(proofs.get(feed));
    }

    @Override
    public boolean recordFork(WireMessage.ForkProof proof) {
        if (!forked.add(proof.author())) return false;
        proofs.put(proof.author(), proof);
        return true;
    }

    /** The log of {@code feed} as held, in sequence order. */
    List<Entry> entries(AuthorId feed) {
        return List.copyOf(logs.getOrDefault(feed, List.of()));
    }

    boolean isForked(AuthorId feed) {
        return forked.contains(feed);
    }

    /** How many entries offered so far had this outcome. */
    int count(Outcome outcome) {
        return outcomes.getOrDefault(outcome, 0);
    }

    int duplicates(AuthorId feed) {
        return duplicatesByFeed.getOrDefault(feed, 0);
    }

    /** Calls of {@link #append}: each is one commit in the node's store. */
    int appendCalls() {
        return appendCalls;
    }

    void resetCounts() {
        outcomes.clear();
        duplicatesByFeed.clear();
        appendCalls = 0;
    }
}
