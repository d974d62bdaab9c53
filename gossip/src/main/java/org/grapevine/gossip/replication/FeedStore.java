package org.grapevine.gossip.replication;

import java.util.List;
import java.util.Optional;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.log.Entry;

/** What replication needs from a node's storage; the node's store implements it. */
public interface FeedStore {
    /** The latest sequence held of {@code feed}, 0 if none. */
    long head(AuthorId feed);

    /** Entries of {@code feed} from {@code fromSeq} in order, at most {@code maxEntries} and about {@code maxBytes}. */
    List<Entry> read(AuthorId feed, long fromSeq, int maxEntries, int maxBytes);

    /** Validates and stores entries in one commit; returns one outcome per entry, in order. */
    List<Outcome> append(List<Entry> entries);

    /**
     * Proof that {@code feed}'s author forked its log, as two conflicting headers, when this store
     * knows it did; empty otherwise.
     */
    Optional<WireMessage.ForkProof> forkProof(AuthorId feed);

    /**
     * Records a proof from a peer that an author forked (its signatures checked by the caller):
     * the author is marked forked, as if the conflicting entry had arrived. Whether that is news.
     */
    boolean recordFork(WireMessage.ForkProof proof);

    /** What became of one entry offered by a peer. */
    enum Outcome {
        STORED,
        DUPLICATE,
        /** Not the next entry of its log (a race between peers, or a gap): harmless, nothing stored. */
        OUT_OF_ORDER,
        /** A second history of a forked author: kept as proof, not an offence of the peer. */
        FORK,
        /** At or past where its author forked: not kept, not the peer's fault, and not asked for again. */
        PAST_FORK,
        /** Bad signature or otherwise invalid: the peer that sent it is misbehaving. */
        INVALID
    }
}
