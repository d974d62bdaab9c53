package org.grapevine.gossip.transport;

import io.netty.channel.ChannelHandler;
import java.net.InetSocketAddress;

/**
 * Puts a handler between a connection's socket and everything above it, so a test network can
 * delay, slow or cut links between real nodes. Nodes in production use {@link #NONE}.
 */
@FunctionalInterface
public interface LinkShaper {
    LinkShaper NONE = (remote, outbound) -> null;

    /**
     * A handler for a new connection to (when {@code outbound}) or from {@code remote}, or null for
     * none. For an outbound connection {@code remote} is the address dialed.
     */
    ChannelHandler handlerFor(InetSocketAddress remote, boolean outbound);
}
