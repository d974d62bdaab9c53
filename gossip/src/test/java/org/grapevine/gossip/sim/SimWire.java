package org.grapevine.gossip.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.grapevine.gossip.blobs.BlobPeer;
import org.grapevine.gossip.replication.PeerLink;
import org.grapevine.gossip.wire.WireCodec;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.gossip.wire.WireMessage.Entries;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.EntryId;

/**
 * One direction of a simulated connection, as the sending node sees it (a replicator's
 * {@link PeerLink}, a swarm's {@link BlobPeer}). Messages are encoded on send and decoded on
 * delivery through the network's one queue. A test can rewrite what the sender hands the link, drop
 * or change what goes out (a lying or silent peer), inject what the sender never wrote, and make the
 * link unwritable by hand or past a high-water mark of bytes in flight; it turns writable again as
 * Netty's writability event does, telling the sender.
 */
public final class SimWire implements PeerLink, BlobPeer {
    private final SimNet<?> network;
    private final SimNet.Node from;
    private final SimNet.Node to;
    private final List<WireMessage> sent = new ArrayList<>();
    private SimWire reverse;
    /** Applied to what the sender hands the link before it is recorded (another protocol's view of the messages). */
    private UnaryOperator<WireMessage> rewrite = UnaryOperator.identity();
    /** Applied after it is recorded: what goes out instead, or null for nothing (a lying or silent peer). */
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

    SimWire(SimNet<?> network, SimNet.Node from, SimNet.Node to) {
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
        WireMessage m = rewrite.apply(message);
        sent.add(m);
        WireMessage out = tamper.apply(m);
        if (out != null) transmit(out);
    }

    /** Sends a message the sender never wrote, as a faulty or hostile peer would. */
    public void inject(WireMessage message) {
        sent.add(message);
        transmit(message);
    }

    private void transmit(WireMessage message) {
        byte[] bytes = WireCodec.encode(message);
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
            if (!paused && open && !closed) {
                resumes++;
                from.writable(to.id());
            }
        }
    }

    @Override
    public boolean writable() {
        return !paused && !saturated;
    }

    /** Switches writability by hand; turning it back on tells the sender, as Netty's writability event does. */
    public void setWritable(boolean writable) {
        paused = !writable;
        if (writable && !saturated && open && !closed) from.writable(to.id());
    }

    /** Makes the link unwritable while this many bytes are in flight, writable again at half of it. */
    public void setHighWater(long bytes) {
        highWater = bytes;
    }

    void rewrite(UnaryOperator<WireMessage> rewrite) {
        this.rewrite = rewrite;
    }

    /** Changes (or, returning null, drops) what goes out; {@link #sent()} still shows what the sender wrote. */
    public SimWire tamper(UnaryOperator<WireMessage> tamper) {
        this.tamper = tamper;
        return this;
    }

    /** Drops every chunk: a peer that says it has the blob but never sends any of it. */
    public SimWire silent() {
        return tamper(m -> m instanceof WireMessage.BlobChunk ? null : m);
    }

    @Override
    public void close(WireMessage.Reason reason, String detail) {
        if (closed || !open) return;
        closed = true;
        closeReason = reason;
        closeDetail = detail;
        WireMessage goodbye = new WireMessage.Goodbye(reason, detail);
        sent.add(goodbye);
        transmit(goodbye);
        network.disconnectLater(from, to);
    }

    void disconnected() {
        open = false;
    }

    /** True until the connection drops (a closed link stays connected until its goodbye is out). */
    public boolean connected() {
        return open;
    }

    void setReverse(SimWire reverse) {
        this.reverse = reverse;
    }

    /** The other direction of the same connection. */
    public SimWire reverse() {
        return reverse;
    }

    public boolean closed() {
        return closed;
    }

    public WireMessage.Reason closeReason() {
        return closeReason;
    }

    public String closeDetail() {
        return closeDetail;
    }

    public SimNet.Node from() {
        return from;
    }

    public SimNet.Node to() {
        return to;
    }

    public long bytesSent() {
        return bytesSent;
    }

    public long inFlight() {
        return inFlight;
    }

    /** How often the link turned writable again after reaching its high-water mark. */
    public int resumes() {
        return resumes;
    }

    /** The most bytes ever in flight at once on this link. */
    public long maxInFlight() {
        return maxInFlight;
    }

    /** What the sender wrote (and was injected), in order. */
    public List<WireMessage> sent() {
        return List.copyOf(sent);
    }

    public <T extends WireMessage> List<T> sent(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (WireMessage m : sent) if (type.isInstance(m)) out.add(type.cast(m));
        return out;
    }

    public int count(Class<? extends WireMessage> type) {
        int n = 0;
        for (WireMessage m : sent) if (type.isInstance(m)) n++;
        return n;
    }

    /** Entries carried by all Entries messages sent so far. */
    public int entriesSent() {
        int n = 0;
        for (WireMessage m : sent) if (m instanceof Entries e) n += e.entries().size();
        return n;
    }

    /** How many Entries messages carried the entry with this id. */
    public int messagesCarrying(EntryId id) {
        int n = 0;
        for (WireMessage m : sent) {
            if (m instanceof Entries e && e.entries().stream().anyMatch(x -> x.id().equals(id))) n++;
        }
        return n;
    }

    public void resetCounters() {
        sent.clear();
        bytesSent = 0;
    }

    @Override
    public String toString() {
        return from.name() + "->" + to.name();
    }
}
