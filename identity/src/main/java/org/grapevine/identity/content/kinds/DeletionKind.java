package org.grapevine.identity.content.kinds;

import org.grapevine.identity.AuthorId;
import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.Content.Deletion;

/** An author asks every node to drop the body of one of their earlier entries. */
public final class DeletionKind extends Kind<Deletion> {
    public DeletionKind() {
        super(Content.DELETION, "deletion", Deletion.class);
    }

    @Override
    public void encode(Deletion d, ByteWriter w) {
        w.id(d.target()).string(d.reason());
    }

    @Override
    public Deletion decode(ByteReader r) throws Malformed {
        return new Deletion(r.entryId("deletion target"), r.string(Content.MAX_REASON_BYTES, "reason"));
    }

    @Override
    public void index(AuthorId author, byte[] body, Indexing indexing) {
        decoded(body).ifPresent(d -> indexing.delete(author, d.target()));
    }

    /** A deleted follow or block counts as never made, so a deletion may change which feeds a node wants. */
    @Override
    public boolean changesInterest() {
        return true;
    }

    @Override
    public String summary(Deletion d, Names names) {
        return "deleted " + names.shortId(d.target());
    }

    @Override
    public void json(Deletion d, Json out) {
        out.put("target", d.target().toString()).put("reason", d.reason());
    }
}
