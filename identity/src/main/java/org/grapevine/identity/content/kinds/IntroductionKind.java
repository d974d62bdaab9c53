package org.grapevine.identity.content.kinds;

import org.grapevine.identity.AuthorId;
import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.channel.Introduction;
import org.grapevine.identity.content.Content;

/**
 * A persona's introduction to its channel (type 8, only ever inside a sealed body): {@code x25519
 * [32] | name string (≤ 64) | has-member flag | [member [32] | signature [64]] | has-previous flag |
 * [previous persona [32] | signature [64]]}.
 */
public final class IntroductionKind extends Kind<Introduction> {
    public IntroductionKind() {
        super(Content.INTRODUCTION, "introduction", Introduction.class);
    }

    @Override
    public void encode(Introduction i, ByteWriter w) {
        w.bytes(i.x25519()).string(i.name()).bool(i.member() != null);
        if (i.member() != null) w.id(i.member()).bytes(i.signature());
        w.bool(i.previous() != null);
        if (i.previous() != null) w.id(i.previous()).bytes(i.previousSignature());
    }

    @Override
    public Introduction decode(ByteReader r) throws Malformed {
        byte[] key = r.bytes(32, "x25519 key");
        String name = r.string(Content.MAX_NAME_BYTES, "name");
        AuthorId member = null;
        byte[] signature = null;
        if (r.bool("has member")) {
            member = r.author("member");
            signature = r.bytes(64, "signature");
        }
        if (!r.bool("has previous")) return new Introduction(key, name, member, signature);
        return new Introduction(key, name, member, signature, r.author("previous persona"), r.bytes(64, "previous persona's signature"));
    }

    @Override
    public String summary(Introduction i, Names names) {
        return "joined" + (i.name().isEmpty() ? "" : " as " + i.name());
    }

    @Override
    public void json(Introduction i, Json out) {
        out.put("name", i.name());
        if (i.member() != null) out.put("member", i.member().toString());
        if (i.previous() != null) out.put("continues", i.previous().toString());
    }
}
