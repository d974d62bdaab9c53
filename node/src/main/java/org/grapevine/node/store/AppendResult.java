package org.grapevine.node.store;

import org.grapevine.identity.EntryId;

/** What happened to one entry offered to the store; {@code invalid} marks a rejection that is the sender's fault. */
public record AppendResult(Status status, EntryId id, String reason, boolean invalid) {
    public enum Status {
        /** Validated and stored; acknowledged only once committed. */
        APPENDED,
        /** Already held: nothing changed. */
        DUPLICATE,
        /** A second history from this author: kept as proof, the author is marked forked. */
        FORK,
        /** Invalid or out of order (see reason); nothing stored. */
        REJECTED,
        /** At or past the sequence where its author forked: nothing stored, through no fault of the sender. */
        PAST_FORK
    }

    static AppendResult appended(EntryId id) {
        return new AppendResult(Status.APPENDED, id, "", false);
    }

    static AppendResult duplicate(EntryId id) {
        return new AppendResult(Status.DUPLICATE, id, "", false);
    }

    static AppendResult fork(EntryId id, String reason) {
        return new AppendResult(Status.FORK, id, reason, false);
    }

    static AppendResult pastFork(EntryId id, long forkedAt) {
        return new AppendResult(Status.PAST_FORK, id, "its author's log forked at sequence " + forkedAt, false);
    }

    /** Not stored, through no fault of the sender: out of order. */
    static AppendResult rejected(EntryId id, String reason) {
        return new AppendResult(Status.REJECTED, id, reason, false);
    }

    /** Not stored because the entry itself is invalid: whoever sent it misbehaves. */
    static AppendResult invalid(EntryId id, String reason) {
        return new AppendResult(Status.REJECTED, id, reason, true);
    }

    public boolean stored() {
        return status == Status.APPENDED;
    }
}
