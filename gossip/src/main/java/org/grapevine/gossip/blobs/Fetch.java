package org.grapevine.gossip.blobs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.random.RandomGenerator;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.blob.BlobHasher;

/**
 * The download of one blob: what we hold, which peer has which chunks, which chunks are asked of
 * whom, and the choice of what to ask next (rarest first, then endgame duplicates). Plain state
 * for {@link BlobSwarm}, which owns it on one thread.
 */
final class Fetch {
    /** A chunk is asked of at most this many peers at once: one request and two endgame duplicates. */
    static final int MAX_COPIES = 3;
    /**
     * In the endgame a peer is given duplicates only while it has fewer than this many requests
     * outstanding: a peer still busy with its own would send them after the first copy arrived.
     */
    static final int ENDGAME_REQUESTS = 2;

    final BlobId blob;
    final int hops;
    /** Fetched only for others (see {@link Relays}), until the node wants it itself. */
    boolean relay;
    /** Whether storage holds a partial blob for it yet: a relay begins only once some peer has chunks. */
    boolean begun;
    private final int maxCapacity;
    /** -1 until a verified chunk proves it (or the caller names it). */
    private long size;
    /** True once a chunk checked against the id shows {@link #size} is the blob's real size. */
    private boolean sizeProven;
    private final BitSet held;
    private long bytesReceived;
    private final Set<AuthorId> delivered = new LinkedHashSet<>();
    private final Map<AuthorId, Source> sources = new LinkedHashMap<>();

    /** One peer that told us (with a have) what it holds of this blob. */
    private static final class Source {
        final AuthorId peer;
        long claimedSize;
        BitSet has = new BitSet();
        /** Chunks in flight at this peer, with when they were asked: they count against its capacity. */
        final Map<Integer, Long> outstanding = new LinkedHashMap<>();
        /**
         * Chunks asked of this peer that it has neither sent nor disclaimed: it may still send them
         * (late, or after another peer did), so it is told to cancel when the fetch ends.
         */
        final BitSet unanswered = new BitSet();
        /** Chunks this peer failed to deliver in time: asked of it again only if no one else has them. */
        final BitSet timedOut = new BitSet();
        /** How many chunks of this blob it may have outstanding: cut on timeouts, regained by deliveries. */
        int capacity;

        Source(AuthorId peer, int capacity) {
            this.peer = peer;
            this.capacity = capacity;
        }
    }

    Fetch(BlobId blob, long size, boolean sizeProven, int hops, BitSet held, int maxCapacity) {
        this(blob, size, sizeProven, hops, held, maxCapacity, false);
    }

    Fetch(BlobId blob, long size, boolean sizeProven, int hops, BitSet held, int maxCapacity, boolean relay) {
        this.blob = blob;
        this.relay = relay;
        this.begun = !relay;
        this.size = size;
        this.sizeProven = sizeProven;
        this.hops = hops;
        this.held = (BitSet) held.clone();
        this.maxCapacity = maxCapacity;
    }

    long size() {
        return size;
    }

    boolean sizeKnown() {
        return size >= 0;
    }

    boolean sizeProven() {
        return sizeProven;
    }

    /**
     * Chunks that can be asked for: all of the blob once its size is known, else only chunk 0,
     * whose proof settles the size.
     */
    int chunks() {
        return size < 0 ? 1 : (int) BlobHasher.chunkCount(size);
    }

    /**
     * Records what a peer says it holds of a blob of {@code claimedSize} bytes, replacing what it
     * said before; requests for chunks it does not have are dropped.
     */
    void have(AuthorId peer, long claimedSize, BitSet has) {
        Source s = sources.computeIfAbsent(peer, p -> new Source(p, maxCapacity));
        s.claimedSize = claimedSize;
        // Kept whole even while only chunk 0 can be asked: the rest counts once the size is proven.
        s.has = has;
        s.outstanding.keySet().removeIf(k -> !s.has.get(k));
        s.unanswered.and(s.has);
    }

    /** The size is proven by a verified chunk; returns the peers whose haves claimed another size. */
    List<AuthorId> learnSize(long proven) {
        size = proven;
        sizeProven = true;
        List<AuthorId> liars = new ArrayList<>();
        for (Source s : sources.values()) {
            if (s.claimedSize != proven && !s.has.isEmpty()) liars.add(s.peer);
        }
        return liars;
    }

    /** Every chunk held: done, whatever storage said of the last one. */
    boolean allHeld() {
        return size >= 0 && held.cardinality() == chunks();
    }

    boolean held(int index) {
        return held.get(index);
    }

    /** Whether {@code index} was asked of {@code peer} and is still unanswered (a chunk sent unasked is ignored). */
    boolean asked(AuthorId peer, int index) {
        Source s = sources.get(peer);
        return s != null && s.unanswered.get(index);
    }

    /** {@code peer} sent {@code index}, which we hold already: nothing more to wait for. */
    void answered(AuthorId peer, int index) {
        Source s = sources.get(peer);
        if (s == null) return;
        s.unanswered.clear(index);
        s.outstanding.remove(index);
    }

    /**
     * A chunk was stored from {@code from}, which regains a unit of capacity. Copies asked of
     * others stay outstanding there until they come (and are ignored) or lapse: until then they
     * take up those peers' links, and counting them keeps more requests from queueing behind them.
     */
    void arrived(AuthorId from, int index, int bytes) {
        held.set(index);
        bytesReceived += bytes;
        delivered.add(from);
        sizeProven = true;
        Source s = sources.get(from);
        if (s != null) {
            s.outstanding.remove(index);
            s.unanswered.clear(index);
            s.capacity = Math.min(maxCapacity, s.capacity + 1);
        }
    }

    /** Whether {@code peer}'s latest have said it holds every chunk. */
    boolean holdsAll(AuthorId peer) {
        Source s = sources.get(peer);
        return s != null && size >= 0 && s.has.cardinality() >= chunks();
    }

    /** Whether some peer has told us it holds chunks of this blob. */
    boolean anySource() {
        for (Source s : sources.values()) if (!s.has.isEmpty()) return true;
        return false;
    }

    /** Peers that may still send chunks we asked for: to be told to cancel when the fetch ends. */
    List<AuthorId> busy() {
        List<AuthorId> out = new ArrayList<>();
        for (Source s : sources.values()) if (!s.unanswered.isEmpty()) out.add(s.peer);
        return out;
    }

    int outstanding(AuthorId peer) {
        Source s = sources.get(peer);
        return s == null ? 0 : s.outstanding.size();
    }

    /** Forgets a peer that left: what it was asked becomes askable of others. */
    void forget(AuthorId peer) {
        sources.remove(peer);
    }

    /**
     * Drops requests asked at or before {@code askedBy}; each peer that let one lapse has its
     * capacity for this blob halved.
     */
    void expire(long askedBy) {
        for (Source s : sources.values()) {
            boolean lapsed = false;
            for (Iterator<Map.Entry<Integer, Long>> it = s.outstanding.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Integer, Long> e = it.next();
                if (e.getValue() <= askedBy) {
                    s.timedOut.set(e.getKey());
                    it.remove();
                    lapsed = true;
                }
            }
            if (lapsed) s.capacity = Math.max(1, s.capacity / 2);
        }
    }

    /**
     * Chooses what to ask of each peer now and records it as asked at {@code now}. Each peer gets
     * chunks no one has been asked for, rarest first (fewest peers having it, ties broken at
     * random); once every chunk some peer has is asked for (the endgame), a peer with almost
     * nothing outstanding ({@link #ENDGAME_REQUESTS}) also gets chunks asked of others, up to
     * {@link #MAX_COPIES} per chunk, the most recently asked first (they are the furthest back in
     * the other peers' queues), so a slow last chunk does not hold the blob up. {@code room} caps
     * a peer's new requests across all fetches.
     */
    Map<AuthorId, List<Integer>> plan(ToIntFunction<AuthorId> room, RandomGenerator random, long now) {
        int n = chunks();
        int[] copies = new int[n];
        int[] holders = new int[n];
        int[] fresh = new int[n];
        long[] lastAsked = new long[n];
        for (Source s : sources.values()) {
            for (Map.Entry<Integer, Long> e : s.outstanding.entrySet()) {
                int k = e.getKey();
                if (held.get(k)) continue; // a copy still coming of a chunk held already
                copies[k]++;
                lastAsked[k] = Math.max(lastAsked[k], e.getValue());
            }
            for (int k = s.has.nextSetBit(0); k >= 0 && k < n; k = s.has.nextSetBit(k + 1)) {
                holders[k]++;
                if (!s.timedOut.get(k)) fresh[k]++;
            }
        }
        int open = 0;
        for (int k = held.nextClearBit(0); k < n; k = held.nextClearBit(k + 1)) {
            if (holders[k] > 0 && copies[k] == 0) open++;
        }
        Map<AuthorId, List<Integer>> plan = new LinkedHashMap<>();
        for (Source s : sources.values()) {
            int free = Math.min(s.capacity - s.outstanding.size(), room.applyAsInt(s.peer));
            if (free <= 0) continue;
            List<Integer> picks = new ArrayList<>();
            if (open > 0) {
                int[] candidates = candidates(s, n, copies, fresh, 0, 0);
                int count = pickFirst(candidates, free, (a, b) -> Integer.compare(holders[a], holders[b]), random);
                for (int i = 0; i < count; i++) {
                    ask(s, candidates[i], now, picks);
                    copies[candidates[i]]++;
                    open--;
                }
            }
            int endgameRoom = Math.min(free - picks.size(), ENDGAME_REQUESTS - s.outstanding.size());
            if (open == 0 && endgameRoom > 0) {
                int[] candidates = candidates(s, n, copies, fresh, 1, MAX_COPIES - 1);
                int count = pickFirst(candidates, endgameRoom, (a, b) -> copies[a] != copies[b]
                        ? Integer.compare(copies[a], copies[b]) : Long.compare(lastAsked[b], lastAsked[a]), random);
                for (int i = 0; i < count; i++) {
                    ask(s, candidates[i], now, picks);
                    copies[candidates[i]]++;
                }
            }
            if (!picks.isEmpty()) plan.put(s.peer, picks);
        }
        return plan;
    }

    private static void ask(Source s, int k, long now, List<Integer> picks) {
        s.outstanding.put(k, now);
        s.unanswered.set(k);
        picks.add(k);
    }

    /**
     * Chunks we lack that {@code s} has and is not asked for, asked of between {@code minCopies}
     * and {@code maxCopies} peers. A chunk that timed out at {@code s} is left to peers that did
     * not let it lapse, if any has it.
     */
    private int[] candidates(Source s, int n, int[] copies, int[] fresh, int minCopies, int maxCopies) {
        int[] out = new int[n];
        int count = 0;
        for (int k = s.has.nextSetBit(0); k >= 0 && k < n; k = s.has.nextSetBit(k + 1)) {
            if (held.get(k) || copies[k] < minCopies || copies[k] > maxCopies) continue;
            if (copies[k] > 0 && s.outstanding.containsKey(k)) continue;
            if (s.timedOut.get(k) && fresh[k] > 0) continue;
            out[count++] = k;
        }
        return Arrays.copyOf(out, count);
    }

    /** How two chunks rank for asking: negative when {@code a} goes first. */
    @FunctionalInterface
    private interface Rank {
        int compare(int a, int b);
    }

    /**
     * Moves the first {@code count} chunks by {@code rank} (ties broken at random) to the front of
     * {@code chunks}, in order, and returns how many that is. A selection, not a sort: a plan
     * mostly fills one free request from a thousand candidates.
     */
    private static int pickFirst(int[] chunks, int count, Rank rank, RandomGenerator random) {
        int picks = Math.min(count, chunks.length);
        for (int i = 0; i < picks; i++) {
            int best = i;
            int ties = 1;
            for (int j = i + 1; j < chunks.length; j++) {
                int c = rank.compare(chunks[j], chunks[best]);
                if (c < 0) {
                    best = j;
                    ties = 1;
                } else if (c == 0 && random.nextInt(++ties) == 0) {
                    best = j; // each of the tied chunks seen so far stays equally likely
                }
            }
            int first = chunks[best];
            chunks[best] = chunks[i];
            chunks[i] = first;
        }
        return picks;
    }

    BlobSwarm.Progress progress(boolean complete) {
        int chunks = size < 0 ? 0 : chunks();
        return new BlobSwarm.Progress(size, chunks, complete ? chunks : held.cardinality(), bytesReceived,
                Set.copyOf(delivered), complete);
    }
}
