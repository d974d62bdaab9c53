package org.grapevine.identity.channel;

import org.grapevine.identity.content.Content;

/**
 * In a conversation, that this side's node holds the other side's entries up to {@code seq} of
 * the persona {@code persona} (content type 13, only inside a sealed body): what tells the sender
 * a message was delivered.
 */
public record Received(org.grapevine.identity.AuthorId persona, long seq) implements Content {
    public Received {
        if (seq < 1) throw new IllegalArgumentException("a sequence number is at least 1");
    }

    @Override
    public int type() {
        return Content.RECEIVED;
    }
}
