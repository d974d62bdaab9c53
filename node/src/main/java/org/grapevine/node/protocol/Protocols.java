package org.grapevine.node.protocol;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
    /** Protocols by the extension type bytes they claim. */
    private final Map<Integer, Protocol> byExtension = new HashMap<>();
    /** The protocol that got the last message and has not been flushed since. */
    private Protocol unflushed;

    /** Adds a protocol; it fails if one added before claims any of the same types or extension bytes. */
    public Protocols add(Protocol protocol) {
        for (MessageType t : protocol.types()) {
            if (t == MessageType.EXTENSION) throw new IllegalArgumentException(protocol + " claims EXTENSION: claim the type bytes in extensionTypes()");
            Protocol other = byType.get(t);
            if (other != null) throw new IllegalArgumentException(t + " is claimed by two protocols: " + other + " and " + protocol);
        }
        for (int code : protocol.extensionTypes()) {
            if (code < MessageType.FIRST_EXTENSION || code > 255) {
                throw new IllegalArgumentException(protocol + " claims type byte " + code + ", outside the extensions' range");
            }
            Protocol other = byExtension.get(code);
            if (other != null) throw new IllegalArgumentException("type byte " + code + " is claimed by two protocols: " + other + " and " + protocol);
        }
        for (MessageType t : protocol.types()) byType.put(t, protocol);
        for (int code : protocol.extensionTypes()) byExtension.put(code, protocol);
        all.add(protocol);
        return this;
    }

    /** What the protocols tell peers in the handshake that this node speaks. */
    public Set<String> capabilities() {
        Set<String> out = new TreeSet<>();
        for (Protocol p : all) out.addAll(p.capabilities());
        return out;
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
     * messages before it if that is another; a type nobody handles (an extension this node does
     * not speak, or a later version's message) is ignored: it just runs {@code done}.
     */
    public void received(PeerChannel peer, WireMessage message, Runnable done) {
        Protocol p = message instanceof WireMessage.Extension x ? byExtension.get(x.code()) : byType.get(message.type());
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
