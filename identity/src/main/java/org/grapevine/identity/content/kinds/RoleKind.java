package org.grapevine.identity.content.kinds;

import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.channel.Role;
import org.grapevine.identity.content.Content;

/** A persona's role (type 11, only ever inside a sealed body): {@code persona [32] | role u8 (0 member, 1 admin)}. */
public final class RoleKind extends Kind<Role> {
    public RoleKind() {
        super(Content.ROLE, "role", Role.class);
    }

    @Override
    public void encode(Role k, ByteWriter w) {
        w.id(k.persona()).u8(k.role());
    }

    @Override
    public Role decode(ByteReader r) throws Malformed {
        org.grapevine.identity.AuthorId persona = r.author("persona");
        int role = r.u8("role");
        if (role != Role.MEMBER && role != Role.ADMIN) throw new Malformed("unknown role " + role);
        return new Role(persona, role);
    }

    @Override
    public String summary(Role k, Names names) {
        return (k.role() == Role.ADMIN ? "made " : "made a member again: ") + names.who(k.persona()) + (k.role() == Role.ADMIN ? " admin" : "");
    }

    @Override
    public void json(Role k, Json out) {
        out.put("persona", k.persona().toString());
        out.put("role", k.role() == Role.ADMIN ? "admin" : "member");
    }
}
