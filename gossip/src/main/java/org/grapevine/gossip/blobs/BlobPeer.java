package org.grapevine.gossip.blobs;

import org.grapevine.gossip.limits.Scope;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;

/** One connected peer as the blob swarm sees it: who it is, and a way to talk to it. */
public interface BlobPeer {
    /** The identity the peer proved in the handshake. */
    AuthorId id();

    void send(WireMessage message);

    /** False while the connection's outbound buffer is full: hold chunks back until it drains. */
    boolean writable();

    /** Says goodbye with a reason and closes; the swarm hears of it as a disconnect (and forgets the peer at once). */
    void close(WireMessage.Reason reason, String detail);

    /**
     * Where what this peer makes the node spend is accounted (its connection's scope); null for a
     * peer with none, which the swarm then gives one of its own.
     */
    default Scope scope() {
        return null;
    }
}
