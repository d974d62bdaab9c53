package org.grapevine.identity.content.kinds;

import org.grapevine.identity.AuthorId;
import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.Content.Block;

/** Public blocks: a blocked author's feed is not replicated by the blocker's node. */
public final class BlockKind extends Kind<Block> {
    public BlockKind() {
        super(Content.BLOCK, "block", Block.class);
    }

    @Override
    public void encode(Block b, ByteWriter w) {
        w.id(b.target()).bool(b.blocking());
    }

    @Override
    public Block decode(ByteReader r) throws Malformed {
        return new Block(r.author("block target"), r.bool("blocking"));
    }

    @Override
    public void index(AuthorId author, byte[] body, Indexing indexing) {
        decoded(body).ifPresent(b -> indexing.block(author, b.target(), b.blocking()));
    }

    @Override
    public boolean changesInterest() {
        return true;
    }

    @Override
    public String summary(Block b, Names names) {
        return (b.blocking() ? "blocked " : "unblocked ") + names.who(b.target());
    }

    @Override
    public void json(Block b, Json out) {
        out.put("target", b.target().toString()).put("blocking", b.blocking());
    }
}
