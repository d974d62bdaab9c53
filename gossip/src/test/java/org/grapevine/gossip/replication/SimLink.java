package org.grapevine.gossip.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.grapevine.gossip.wire.WireCodec;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.gossip.wire.WireMessage.Entries;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.EntryId;

/**
 * One direction of a simulated connection, as the sending node's {@link Replicator} sees it.
 * Messages are encoded on send and decoded on delivery through the network's one FIFO queue;
 * writability can be switched off by hand or by a high-water mark on bytes in flight.
 */
final class SimLink implements PeerLink {
    private final SimNetwork network;
    private final SimNode from;
    private final SimNode to;
    private final List<WireMessage> sent = new ArrayList<>();
    private SimLink reverse;
    private UnaryOperator<WireMessage> tamper = UnaryOperator.identity();
    private boolean paused;
    private long highWater = Long.MAX_VALUE;
    private boolean saturated;
    private long inFlight;
    private long maxInFlight;
    private int resumes;
    private long bytesSent;
    private boolean open = true;
    private boolean closed;
    private WireMessage.Reason closeReason;
    private String closeDetail;

    SimLink(SimNetwork network, SimNode from, SimNode to) {
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
        transmit(tamper.apply(message));
    }

    /** Sends a message the sender's replicator never asked for, as a faulty or hostile peer would. */
    void inject(WireMessage message) {
        transmit(message);
    }

    private void transmit(WireMessage message) {
        byte[] bytes = WireCodec.encode(message);
        sent.add(message);
        bytesSent += bytes.length;
        inFlight += bytes.length;
        maxInFlight = Math.max(maxInFlight, inFlight);
        if (inFlight >= highWater) saturated = true;
        network.enqueue(this, bytes);
    }

    /** Called by the network as it hands {@code size} bytes to the other side (or drops them). */
    void drained(int size) {
        inFlight -= size;
        if (saturated && inFlight <= highWater / 2) {
            saturated = false;
            // Like Netty's channelWritabilityChanged: the node hears that it may stream again.
            if (!paused && open && !closed) {
                resumes++;
                from.replicator().writable(to.id());
            }
        }
    }

    @Override
    public boolean writable() {
        return !paused && !saturated;
    }

    @Override
    public void close(WireMessage.Reason reason, String detail) {
        if (closed || !open) return;
        closed = true;
        closeReason = reason;
        closeDetail = detail;
        transmit(new WireMessage.Goodbye(reason, detail));
        network.disconnectLater(from, to);
    }

    /** Switches writability by hand; after turning it back on, call the sender's {@code replicator.writable}. */
    void setWritable(boolean writable) {
        paused = !writable;
    }

    /** Makes the link unwritable while this many bytes are in flight, writable again at half of it. */
    void setHighWater(long bytes) {
        highWater = bytes;
    }

    /** Rewrites every message the sender hands this link, for a misbehaving peer. */
    void setTamper(UnaryOperator<WireMessage> tamper) {
        this.tamper = tamper;
    }

    void disconnected() {
        open = false;
    }

    /** True until the connection drops (a closed link stays connected until its goodbye is out). */
    boolean connected() {
        return open;
    }

    void setReverse(SimLink reverse) {
        this.reverse = reverse;
    }

    /** The other direction of the same connection. */
    SimLink reverse() {
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

    SimNode from() {
        return from;
    }

    SimNode to() {
        return to;
    }

    long bytesSent() {
        return bytesSent;
    }

    long inFlight() {
        return inFlight;
    }

    /** How often the link turned writable again after reaching its high-water mark. */
    int resumes() {
        return resumes;
    }

    /** The most bytes ever in flight at once on this link. */
    long maxInFlight() {
        return maxInFlight;
    }

    List<WireMessage> sent() {
        return List.copyOf(sent);
    }

    int sent(Class<? extends WireMessage> type) {
        int n = 0;
        for (WireMessage m : sent) if (type.isInstance(m)) n++;
        return n;
    }

    /** Entries carried by all Entries messages sent so far. */
    int entriesSent() {
        int n = 0;
        for (WireMessage m : sent) if (m instanceof Entries e) n += e.entries().size();
        return n;
    }

    /** How many Entries messages carried the entry with this id. */
    int messagesCarrying(EntryId id) {
        int n = 0;
        for (WireMessage m : sent) {
            if (m instanceof Entries e && e.entries().stream().anyMatch(x -> x.id().equals(id))) n++;
        }
        return n;
    }

    void resetCounters() {
        sent.clear();
        bytesSent = 0;
    }

    @Override
    public String toString() {
        return from.name() + "->" + to.name();
    }
}
