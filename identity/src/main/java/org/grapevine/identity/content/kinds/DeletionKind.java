package org.grapevine.identity.content.kinds;

import org.grapevine.identity.AuthorId;
import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.Content.Deletion;
import org.grapevine.identity.content.ContentKind;

/** An author asks every node to drop the body of one of their earlier entries. */
public final class DeletionKind implements ContentKind<Deletion> {
    @Override
    public int code() {
        return Content.DELETION;
    }

    @Override
    public String name() {
        return "deletion";
    }

    @Override
    public Class<Deletion> contentClass() {
        return Deletion.class;
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
        Kinds.decoded(this, body).ifPresent(d -> indexing.delete(author, d.target()));
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
