package org.grapevine.gossip.replication;

import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;

/** One connected peer as replication sees it: who it is, and a way to talk to it. */
public interface PeerLink {
    /** The identity the peer proved in the handshake. */
    AuthorId id();

    void send(WireMessage message);

    /** False while the connection's outbound buffer is full: stop streaming until it drains. */
    boolean writable();

    /** Says goodbye with a reason and closes; replication hears of it as a disconnect. */
    void close(WireMessage.Reason reason, String detail);
}
