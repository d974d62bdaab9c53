package org.grapevine.gossip.blobs;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.grapevine.gossip.wire.WireCodec;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;

/**
 * One direction of a simulated connection, as the sending swarm sees it. It records what the
 * swarm sent, and can rewrite or drop messages (a lying or silent peer) or be made unwritable.
 */
final class SwarmLink implements BlobPeer {
    private final SwarmNet network;
    private final SwarmNode from;
    private final SwarmNode to;
    private final List<WireMessage> sent = new ArrayList<>();
    private SwarmLink reverse;
    private UnaryOperator<WireMessage> tamper = UnaryOperator.identity();
    private boolean writable = true;
    private boolean open = true;
    private boolean closed;
    private WireMessage.Reason closeReason;
    private String closeDetail;

    SwarmLink(SwarmNet network, SwarmNode from, SwarmNode to) {
        this.network = network;
        this.from = from;
        this.to = to;
    }

    @Override
    public AuthorId id() {
        return to.id();
    }

    @Override
    public void send(WireMessage message) {
        if (closed || !open) return; // a closed channel drops writes, as Netty's does
        sent.add(message);
        WireMessage out = tamper.apply(message);
        if (out != null) network.enqueue(this, WireCodec.encode(out));
    }

    /** Sends a message the sender's swarm never wrote, as a faulty or hostile peer would. */
    void inject(WireMessage message) {
        network.enqueue(this, WireCodec.encode(message));
    }

    @Override
    public boolean writable() {
        return writable;
    }

    /** Switches writability; turning it back on tells the sending swarm, as Netty's writability event does. */
    void setWritable(boolean writable) {
        this.writable = writable;
        if (writable && open && !closed) from.swarm().writable(to.id());
    }

    /** Rewrites (or, returning null, drops) every message the sender hands this link. */
    SwarmLink tamper(UnaryOperator<WireMessage> tamper) {
        this.tamper = tamper;
        return this;
    }

    /** Drops every chunk: a peer that says it has the blob but never sends any of it. */
    SwarmLink silent() {
        return tamper(m -> m instanceof WireMessage.BlobChunk ? null : m);
    }

    @Override
    public void close(WireMessage.Reason reason, String detail) {
        if (closed || !open) return;
        closed = true;
        closeReason = reason;
        closeDetail = detail;
        network.enqueue(this, WireCodec.encode(new WireMessage.Goodbye(reason, detail)));
        network.disconnectLater(from, to);
    }

    void disconnected() {
        open = false;
    }

    boolean connected() {
        return open;
    }

    void setReverse(SwarmLink reverse) {
        this.reverse = reverse;
    }

    SwarmLink reverse() {
        return reverse;
    }

    boolean closed() {
        return closed;
    }

    WireMessage.Reason closeReason() {
        return closeReason;
    }

    String closeDetail() {
        return closeDetail;
    }

    SwarmNode from() {
        return from;
    }

    SwarmNode to() {
        return to;
    }

    /** What the sending swarm handed this link, before any tampering. */
    List<WireMessage> sent() {
        return List.copyOf(sent);
    }

    <T extends WireMessage> List<T> sent(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (WireMessage m : sent) if (type.isInstance(m)) out.add(type.cast(m));
        return out;
    }

    @Override
    public String toString() {
        return from.name() + "->" + to.name();
    }
}
