package org.grapevine.node.protocol;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.grapevine.gossip.transport.PeerChannel;
import org.grapevine.gossip.wire.MessageType;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;

/**
 * The protocols a node runs, and which handles each message type. Messages are handed over in
 * arrival order; when a run of messages for one protocol ends, that protocol is flushed, so it may
 * batch a run (replication stores a run of Entries messages with one append).
 */
public final class Protocols {
    private final List<Protocol> all = new ArrayList<>();
    private final Map<MessageType, Protocol> byType = new EnumMap<>(MessageType.class);
    /** The protocol that got the last message and has not been flushed since. */
    private Protocol unflushed;

    /** Adds a protocol; it fails if one added before claims any of the same types. */
    public Protocols add(Protocol protocol) {
        for (MessageType t : protocol.types()) {
            Protocol other = byType.get(t);
            if (other != null) throw new IllegalArgumentException(t + " is claimed by two protocols: " + other + " and " + protocol);
        }
        for (MessageType t : protocol.types()) byType.put(t, protocol);
        all.add(protocol);
        return this;
    }

    /** Whether some protocol handles {@code type}. */
    public boolean handles(MessageType type) {
        return byType.containsKey(type);
    }

    public void connected(PeerChannel peer) {
        for (Protocol p : all) p.connected(peer);
    }

    public void disconnected(AuthorId peer) {
        for (Protocol p : all) p.disconnected(peer);
    }

    public void writable(AuthorId peer) {
        for (Protocol p : all) p.writable(peer);
    }

    public void tick() {
        for (Protocol p : all) p.tick();
    }

    /**
     * Hands {@code message} to the protocol of its type, flushing the protocol that had the
     * messages before it if that is another; a type nobody handles just runs {@code done}.
     */
    public void received(PeerChannel peer, WireMessage message, Runnable done) {
        Protocol p = byType.get(message.type());
        if (p == null) {
            done.run();
            return;
        }
        try {
            if (unflushed != null && unflushed != p) flush();
        } finally {
            // Whatever became of the run before, this message is handed over (its done must run).
            unflushed = p;
            p.received(peer, message, done);
        }
    }

    /** Ends the current run: the protocol that had it handles what it batched. */
    public void flush() {
        Protocol p = unflushed;
        unflushed = null;
        if (p != null) p.flush();
    }
}
