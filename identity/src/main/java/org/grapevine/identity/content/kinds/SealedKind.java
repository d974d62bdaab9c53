package org.grapevine.identity.content.kinds;

import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.channel.Sealed;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.EntryHeader;

/**
 * A channel entry (type 7): {@code epoch id [32] | nonce [12] | ciphertext}, the ciphertext the
 * rest of the body (at least its tag). What it says only members read; to anyone else it changes
 * nothing and reads as "sealed".
 */
public final class SealedKind extends Kind<Sealed> {
    public SealedKind() {
        super(Content.SEALED, "sealed", Sealed.class);
    }

    @Override
    public void encode(Sealed s, ByteWriter w) {
        w.bytes(s.epochId()).bytes(s.nonce()).bytes(s.ciphertext());
    }

    @Override
    public Sealed decode(ByteReader r) throws Malformed {
        byte[] epoch = r.bytes(Sealed.EPOCH_ID_BYTES, "epoch id");
        byte[] nonce = r.bytes(Sealed.NONCE_BYTES, "nonce");
        int rest = r.remaining();
        if (rest < Sealed.TAG_BYTES || rest > EntryHeader.MAX_CONTENT) throw new Malformed("sealed ciphertext of " + rest + " bytes");
        return new Sealed(epoch, nonce, r.bytes(rest, "ciphertext"));
    }

    @Override
    public String summary(Sealed s, Names names) {
        return "[sealed: for a channel's members]";
    }

    @Override
    public void json(Sealed s, Json out) {
        out.put("ciphertext_bytes", s.ciphertext().length);
    }
}
