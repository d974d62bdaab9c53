package org.grapevine.gossip.transport;

import java.net.SocketAddress;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;

/** What the transport tells the node. Called on Netty's threads: hand the work to the node's own. */
public interface TransportEvents {
    /** A connection finished its handshake; the peer proved the identity in {@code peer.id()}. */
    void connected(PeerChannel peer);

    /**
     * A message arrived that costs {@code cost} while it waits; the node calls {@link
     * PeerChannel#handled} with that once it has dealt with it (a connection is not read while
     * too much waits).
     */
    void received(PeerChannel peer, WireMessage message, int cost);

    /**
     * Whether entries of {@code feed} are checked as they arrive (on the connection's thread): a
     * node drops entries of feeds it does not want unchecked, so a peer cannot make it spend
     * signature checks on them. Called on Netty's threads.
     */
    default boolean checks(AuthorId feed) {
        return true;
    }

    /** The connection's outbound buffer drained below its low mark. */
    void writable(PeerChannel peer);

    /** An established connection closed; {@code reason} says why when known. */
    void disconnected(PeerChannel peer, String reason);

    /** A connection closed before or during the handshake (wrong network, garbage, timeout). */
    void rejected(SocketAddress remote, String reason);
}
