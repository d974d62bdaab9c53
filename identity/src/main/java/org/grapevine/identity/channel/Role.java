package org.grapevine.identity.channel;

import org.grapevine.identity.AuthorId;
import org.grapevine.identity.content.Content;

/**
 * A persona's role in its channel (content type 11, only inside a sealed body): made admin, or
 * back to member. Taken only from the owner or an admin.
 */
public record Role(AuthorId persona, int role) implements Content {
    public static final int MEMBER = 0;
    public static final int ADMIN = 1;

    public Role {
        if (role != MEMBER && role != ADMIN) throw new IllegalArgumentException("role " + role);
    }

    @Override
    public int type() {
        return Content.ROLE;
    }
}
