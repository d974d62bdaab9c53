package org.grapevine.gossip.transport;

import java.net.SocketAddress;
import org.grapevine.gossip.wire.WireMessage;

/** What the transport tells the node. Called on Netty's threads: hand the work to the node's own. */
public interface TransportEvents {
    /** A connection finished its handshake; the peer proved the identity in {@code peer.id()}. */
    void connected(PeerChannel peer);

    /**
     * A message of {@code bytes} bytes arrived; the node calls {@link PeerChannel#handled} with
     * them once it has dealt with it (the connection is not read while too much waits).
     */
    void received(PeerChannel peer, WireMessage message, int bytes);

    /** The connection's outbound buffer drained below its low mark. */
    void writable(PeerChannel peer);

    /** An established connection closed; {@code reason} says why when known. */
    void disconnected(PeerChannel peer, String reason);

    /** A connection closed before or during the handshake (wrong network, garbage, timeout). */
    void rejected(SocketAddress remote, String reason);
}
