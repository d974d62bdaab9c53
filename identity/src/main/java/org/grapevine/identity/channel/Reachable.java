package org.grapevine.identity.channel;

import java.util.List;
import org.grapevine.identity.content.Content;

/**
 * Where a member's node can be reached (content type 9, only inside a sealed body): addresses
 * {@code HOST:PORT@ID} that worked, so that members dial members without the one who invited
 * them. A member who joined anonymously posts none: the id in it would name their node.
 */
public record Reachable(List<String> addresses) implements Content {
    public static final int MAX_ADDRESSES = 4;
    public static final int MAX_ADDRESS_BYTES = ChannelInvite.MAX_ADDRESS_BYTES;

    public Reachable {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty() || addresses.size() > MAX_ADDRESSES) throw new IllegalArgumentException("1 to " + MAX_ADDRESSES + " addresses");
    }

    @Override
    public int type() {
        return Content.REACHABLE;
    }
}
