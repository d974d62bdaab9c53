package org.grapevine.identity.channel;

import org.grapevine.identity.EntryId;
import org.grapevine.identity.content.Content;

/**
 * A channel entry hidden by the owner or an admin (content type 12, only inside a sealed body):
 * members' nodes drop its body, as its author's deletion would.
 */
public record Hide(EntryId entry) implements Content {
    @Override
    public int type() {
        return Content.HIDE;
    }
}
