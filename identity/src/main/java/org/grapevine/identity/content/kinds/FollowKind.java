package org.grapevine.identity.content.kinds;

import org.grapevine.identity.AuthorId;
import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.Content.Follow;

/** Following and unfollowing: an edge of the follow graph, which decides what a node replicates. */
public final class FollowKind extends Kind<Follow> {
    public FollowKind() {
        super(Content.FOLLOW, "follow", Follow.class);
    }

    @Override
    public void encode(Follow f, ByteWriter w) {
        w.id(f.target()).bool(f.following());
    }

    @Override
    public Follow decode(ByteReader r) throws Malformed {
        return new Follow(r.author("follow target"), r.bool("following"));
    }

    @Override
    public void index(AuthorId author, byte[] body, Indexing indexing) {
        decoded(body).ifPresent(f -> indexing.follow(author, f.target(), f.following()));
    }

    @Override
    public boolean changesInterest() {
        return true;
    }

    @Override
    public String summary(Follow f, Names names) {
        return (f.following() ? "followed " : "unfollowed ") + names.who(f.target());
    }

    @Override
    public void json(Follow f, Json out) {
        out.put("target", f.target().toString()).put("following", f.following());
    }
}
