package org.grapevine.identity.content.kinds;

import org.grapevine.identity.AuthorId;
import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.Content.About;
import org.grapevine.identity.log.EntryHeader;

/** What an author says of themself; the latest one is their profile. */
public final class AboutKind extends Kind<About> {
    public AboutKind() {
        super(Content.ABOUT, "about", About.class);
    }

    @Override
    public void encode(About a, ByteWriter w) {
        w.string(a.name()).string(a.description()).bool(a.avatar() != null);
        if (a.avatar() != null) w.id(a.avatar());
    }

    @Override
    public About decode(ByteReader r) throws Malformed {
        String name = r.string(Content.MAX_NAME_BYTES, "name");
        String description = r.string(EntryHeader.MAX_CONTENT, "description");
        return new About(name, description, r.bool("has avatar") ? r.blobId("avatar") : null);
    }

    @Override
    public void index(AuthorId author, byte[] body, Indexing indexing) {
        if (decoded(body).isPresent()) indexing.about(author);
    }

    @Override
    public String summary(About a, Names names) {
        return "set their name to \"" + a.name() + "\"" + (a.description().isEmpty() ? "" : ": " + a.description());
    }

    @Override
    public void json(About a, Json out) {
        out.put("name", a.name()).put("description", a.description());
        if (a.avatar() != null) out.put("avatar", a.avatar().toString());
    }
}
