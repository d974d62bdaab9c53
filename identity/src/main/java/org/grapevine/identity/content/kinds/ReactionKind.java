package org.grapevine.identity.content.kinds;

import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.Content.Reaction;

/** A reaction to an entry (an emoji or a short word); empty takes an earlier one back. */
public final class ReactionKind extends Kind<Reaction> {
    public ReactionKind() {
        super(Content.REACTION, "reaction", Reaction.class);
    }

    @Override
    public void encode(Reaction r, ByteWriter w) {
        w.id(r.target()).string(r.reaction());
    }

    @Override
    public Reaction decode(ByteReader r) throws Malformed {
        return new Reaction(r.entryId("reaction target"), r.string(Content.MAX_REACTION_BYTES, "reaction"));
    }

    @Override
    public String summary(Reaction r, Names names) {
        return "reacted " + r.reaction() + " to " + names.shortId(r.target());
    }

    @Override
    public void json(Reaction r, Json out) {
        out.put("target", r.target().toString()).put("reaction", r.reaction());
    }
}
