package org.grapevine.identity.content.kinds;

import java.util.ArrayList;
import java.util.List;
import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.channel.Reachable;
import org.grapevine.identity.content.Content;

/** Where a member's node can be reached (type 9, only ever inside a sealed body): {@code list (1 to 4) of string (≤ 320)}. */
public final class ReachableKind extends Kind<Reachable> {
    public ReachableKind() {
        super(Content.REACHABLE, "reachable", Reachable.class);
    }

    @Override
    public void encode(Reachable r, ByteWriter w) {
        w.varint(r.addresses().size());
        for (String a : r.addresses()) w.string(a);
    }

    @Override
    public Reachable decode(ByteReader r) throws Malformed {
        int n = r.length(Reachable.MAX_ADDRESSES, "addresses");
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(r.string(Reachable.MAX_ADDRESS_BYTES, "address"));
        return new Reachable(out);
    }

    @Override
    public String summary(Reachable r, Names names) {
        return "can be reached at " + String.join(", ", r.addresses());
    }

    @Override
    public void json(Reachable r, Json out) {
        out.putIds("addresses", r.addresses());
    }
}
