package org.grapevine.node.store;

import org.grapevine.identity.EntryId;

/** What happened to one entry offered to the store. */
public record AppendResult(Status status, EntryId id, String reason) {
    public enum Status {
        /** Validated and stored; acknowledged only once committed. */
        APPENDED,
        /** Already held: nothing changed. */
        DUPLICATE,
        /** A second history from this author: kept as proof, the author is marked forked. */
        FORK,
        /** Invalid or out of order (see reason); nothing stored. */
        REJECTED
    }

    static AppendResult appended(EntryId id) {
        return new AppendResult(Status.APPENDED, id, "");
    }

    static AppendResult duplicate(EntryId id) {
        return new AppendResult(Status.DUPLICATE, id, "");
    }

    static AppendResult fork(EntryId id, String reason) {
        return new AppendResult(Status.FORK, id, reason);
    }

    static AppendResult rejected(EntryId id, String reason) {
        return new AppendResult(Status.REJECTED, id, reason);
    }

    public boolean stored() {
        return status == Status.APPENDED;
    }
}
