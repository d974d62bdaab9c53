package org.grapevine.identity.content.kinds;

import java.util.ArrayList;
import java.util.List;
import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.channel.Rekey;
import org.grapevine.identity.content.Content;

/**
 * One part of a re-key (type 10, only ever inside a sealed body): {@code epoch id [32] | part u8 |
 * parts u8 | count varint (1 to 128) | (persona [32] | sealed secret [80]) × count}, part below
 * parts, no persona twice.
 */
public final class RekeyKind extends Kind<Rekey> {
    public RekeyKind() {
        super(Content.REKEY, "rekey", Rekey.class);
    }

    @Override
    public void encode(Rekey k, ByteWriter w) {
        w.bytes(k.epoch()).u8(k.part()).u8(k.parts()).varint(k.recipients().size());
        for (Rekey.Recipient r : k.recipients()) w.id(r.persona()).bytes(r.box());
    }

    @Override
    public Rekey decode(ByteReader r) throws Malformed {
        byte[] epoch = r.bytes(32, "epoch id");
        int part = r.u8("part");
        int parts = r.u8("parts");
        if (parts == 0 || part >= parts) throw new Malformed("part " + part + " of " + parts);
        int n = r.length(Rekey.MAX_RECIPIENTS, "recipients");
        if (n == 0) throw new Malformed("a re-key part with no recipient");
        List<Rekey.Recipient> out = new ArrayList<>(n);
        java.util.Set<org.grapevine.identity.AuthorId> seen = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            Rekey.Recipient rec = new Rekey.Recipient(r.author("persona"), r.bytes(Rekey.BOX_BYTES, "sealed secret"));
            if (!seen.add(rec.persona())) throw new Malformed("persona " + rec.persona() + " twice in a re-key part");
            out.add(rec);
        }
        return new Rekey(epoch, part, parts, out);
    }

    @Override
    public String summary(Rekey k, Names names) {
        return "re-keyed the channel (part " + (k.part() + 1) + " of " + k.parts() + ", " + k.recipients().size() + " members)";
    }

    @Override
    public void json(Rekey k, Json out) {
        out.put("epoch", java.util.HexFormat.of().formatHex(k.epoch()));
        out.put("part", k.part());
        out.put("parts", k.parts());
        out.putIds("admits", k.recipients().stream().map(Rekey.Recipient::persona).toList());
    }
}
