package org.grapevine.node.protocol;

import java.util.List;
import java.util.Set;
import org.grapevine.gossip.policy.Visibility;
import org.grapevine.gossip.transport.PeerChannel;
import org.grapevine.gossip.wire.MessageType;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;
import org.grapevine.node.replication.Interest;

/**
 * One protocol a node speaks with its peers: replication, blobs, addresses, and later channels.
 * It claims the message types it handles ({@link Protocols} routes each type to exactly one
 * protocol) and hears of connections coming and going. Every call comes on the node loop, and
 * must not block it: work that would (disk, hashing) goes to a thread of the protocol's own.
 */
public interface Protocol {
    /** The message types this protocol handles; no other protocol may claim them. */
    Set<MessageType> types();

    /**
     * The type bytes of messages of this protocol's own that the base protocol does not define
     * ({@link MessageType#FIRST_EXTENSION} to 255), handed over as {@link WireMessage.Extension}.
     * A peer that does not speak them ignores them; send them to peers whose {@link
     * PeerChannel#capabilities()} name this protocol.
     */
    default Set<Integer> extensionTypes() {
        return Set.of();
    }

    /** What this protocol adds to the capabilities every peer learns in the handshake. */
    default Set<String> capabilities() {
        return Set.of();
    }

    /** A peer passed admission; it is in the node's connection table. */
    default void connected(PeerChannel peer) {}

    /** A peer's connection is gone (closed by either side, or replaced). */
    default void disconnected(AuthorId peer) {}

    /** A peer's outbound queue drained below its mark: more may be sent to it. */
    default void writable(AuthorId peer) {}

    /**
     * A message of one of {@link #types()} from a connected peer. {@code done} must run exactly
     * once, when the protocol no longer holds the message (it may batch messages and run it on
     * {@link #flush}, or hand the message to a thread and run it there): until then the message's
     * memory counts against what its peer may make the node hold.
     */
    void received(PeerChannel peer, WireMessage message, Runnable done);

    /**
     * A run of messages handed to this protocol has ended (another protocol's message comes next,
     * or the inbox is empty for now): handle what was batched.
     */
    default void flush() {}

    /** Once per node tick (a second by default). */
    default void tick() {}

    /**
     * This protocol's rule for which feeds and blobs may be named to which peer; a node applies
     * the rules of all its protocols together to everything it sends and receives.
     */
    default Visibility visibility() {
        return Visibility.PUBLIC;
    }

    /** Rules this protocol adds to which feeds the node replicates (channels: their members' persona feeds). */
    default List<Interest.Rule> interest() {
        return List.of();
    }
}
