package org.grapevine.identity.content.kinds;

import java.util.HexFormat;
import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.channel.FreshKey;
import org.grapevine.identity.content.Content;

/** A conversation's fresh key (type 14, only ever inside a sealed body): {@code x25519 public key [32]}. */
public final class FreshKeyKind extends Kind<FreshKey> {
    public FreshKeyKind() {
        super(Content.FRESH_KEY, "fresh-key", FreshKey.class);
    }

    @Override
    public void encode(FreshKey k, ByteWriter w) {
        w.bytes(k.key());
    }

    @Override
    public FreshKey decode(ByteReader r) throws Malformed {
        return new FreshKey(r.bytes(32, "key"));
    }

    @Override
    public String summary(FreshKey k, Names names) {
        return "a fresh key";
    }

    @Override
    public void json(FreshKey k, Json out) {
        out.put("key", HexFormat.of().formatHex(k.key()));
    }
}
