package org.grapevine.identity.content.kinds;

import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.channel.Hide;
import org.grapevine.identity.content.Content;

/** A hidden channel entry (type 12, only ever inside a sealed body): {@code entry id [32]}. */
public final class HideKind extends Kind<Hide> {
    public HideKind() {
        super(Content.HIDE, "hide", Hide.class);
    }

    @Override
    public void encode(Hide k, ByteWriter w) {
        w.id(k.entry());
    }

    @Override
    public Hide decode(ByteReader r) throws Malformed {
        return new Hide(r.entryId("entry"));
    }

    @Override
    public String summary(Hide k, Names names) {
        return "hid " + k.entry();
    }

    @Override
    public void json(Hide k, Json out) {
        out.put("hides", k.entry().toString());
    }
}
