package org.grapevine.identity.content.kinds;

import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.channel.Received;
import org.grapevine.identity.content.Content;

/** What a conversation's other side holds (type 13, only ever inside a sealed body): {@code persona [32] | seq i64 (≥ 1)}. */
public final class ReceivedKind extends Kind<Received> {
    public ReceivedKind() {
        super(Content.RECEIVED, "received", Received.class);
    }

    @Override
    public void encode(Received k, ByteWriter w) {
        w.id(k.persona()).i64(k.seq());
    }

    @Override
    public Received decode(ByteReader r) throws Malformed {
        var persona = r.author("persona");
        long seq = r.i64("seq");
        if (seq < 1) throw new Malformed("seq: " + seq + " is below 1");
        return new Received(persona, seq);
    }

    @Override
    public String summary(Received k, Names names) {
        return "received up to " + k.seq();
    }

    @Override
    public void json(Received k, Json out) {
        out.put("persona", k.persona().toString());
        out.put("seq", k.seq());
    }
}
