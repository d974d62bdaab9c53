package org.grapevine.gossip.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.grapevine.gossip.limits.Limits;
import org.grapevine.gossip.limits.Scope;
import org.grapevine.gossip.policy.Visibility;
import org.grapevine.gossip.replication.PeerLink;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;

/**
 * One established, authenticated connection, as replication and the node see it. It bounds what
 * the peer can make us hold: bytes queued to it (a peer that does not read is cut off once its
 * queue passes {@link Limits#QUEUED_PER_PEER}, or while all queues together pass {@link
 * Limits#QUEUED_PER_NODE}) and bytes received from it that the node has not handled yet (past
 * {@link Limits#UNHANDLED_PER_PEER}, or past {@link Limits#UNHANDLED_PER_NODE} for all peers
 * together, the connection is not read until the node catches up).
 */
public final class PeerChannel implements PeerLink {
    private final Channel channel;
    private final StaticKeyBinding peer;
    /** Noise's handshake hash: the same on both sides, unique to this connection. */
    private final byte[] handshakeHash;
    private final boolean outbound;
    private final ByteCounter bytes;
    private final LongSupplier nodeQueued;
    /** Closes the connection with a reason, on its event loop. */
    private final Consumer<String> cutOff;
    private final Backlog backlog;
    /** What this connection makes the node hold, under the node's scope. */
    private final Scope scope;
    /** Set on the event loop when reading stopped for unhandled input. */
    private volatile boolean paused;
    private volatile boolean cut;
    /** What may be named to this peer; everything not visible is left out of what is sent. */
    private volatile Visibility visibility = Visibility.PUBLIC;

    PeerChannel(Channel channel, StaticKeyBinding peer, byte[] handshakeHash, boolean outbound, ByteCounter bytes, Scope scope, LongSupplier nodeQueued,
                Consumer<String> cutOff, Backlog backlog) {
        this.handshakeHash = handshakeHash.clone();
        this.scope = scope;
        this.backlog = backlog;
        this.channel = channel;
        this.peer = peer;
        this.outbound = outbound;
        this.bytes = bytes;
        this.nodeQueued = nodeQueued;
        this.cutOff = cutOff;
    }

    /** Bytes sent on this connection so far, handshake and framing included. */
    public long bytesSent() {
        return bytes.written.sum();
    }

    public long bytesReceived() {
        return bytes.read.sum();
    }

    @Override
    public AuthorId id() {
        return peer.author();
    }

    /** The port the peer says it listens on (0 if it does not). Nothing checks it: dial it to find out. */
    public int listenPort() {
        return peer.listenPort();
    }

    /** The handshake hash both sides share: binds what is proven within this connection (membership tags) to it alone. */
    public byte[] handshakeHash() {
        return handshakeHash.clone();
    }

    /** What the peer said in its handshake that it speaks beyond the base protocol. */
    public java.util.Set<String> capabilities() {
        return peer.capabilities();
    }

    public boolean outbound() {
        return outbound;
    }

    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) channel.remoteAddress();
    }

    /** From now on, sends to this peer leave out what {@code v} does not show it. */
    public void show(Visibility v) {
        visibility = v;
    }

    /**
     * Queues {@code message} for the peer, less what the peer may not see (see {@link #show}).
     * While the link is full, a queue past the per-peer limit,
     * or any full link while the node's queues together pass theirs, cuts the peer off instead.
     */
    @Override
    public void send(WireMessage message) {
        if (cut) return;
        message = visibility.filter(id(), message);
        if (message == null) return;
        if (!channel.isWritable()) {
            long mine = queued();
            if (mine > Limits.QUEUED_PER_PEER) {
                cut("not reading: " + mine + " bytes queued");
                return;
            }
            long all = nodeQueued.getAsLong();
            if (all > Limits.QUEUED_PER_NODE) {
                cut("not reading while " + all + " bytes are queued to all peers");
                return;
            }
        }
        channel.writeAndFlush(message, channel.voidPromise());
    }

    /** Bytes queued to this peer and not yet taken by the socket (messages not yet encoded by their estimate). */
    public long queued() {
        ChannelOutboundBuffer b = channel.unsafe().outboundBuffer();
        return b == null ? 0 : b.totalPendingWriteBytes();
    }

    private void cut(String reason) {
        cut = true;
        channel.eventLoop().execute(() -> cutOff.accept(reason));
    }

    @Override
    public boolean writable() {
        return channel.isWritable();
    }

    /**
     * Says goodbye with a reason and closes once it left, or after {@link Limits#GOODBYE_MILLIS}
     * if the peer does not take it (it may not be reading at all).
     */
    @Override
    public void close(WireMessage.Reason reason, String detail) {
        if (!channel.isActive()) return;
        channel.writeAndFlush(new WireMessage.Goodbye(reason, detail)).addListener(ChannelFutureListener.CLOSE);
        channel.eventLoop().schedule(() -> channel.close(), Limits.GOODBYE_MILLIS, TimeUnit.MILLISECONDS);
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    /**
     * A message that costs {@code n} (see {@link WireMessageCodec#cost}) arrived and waits for the
     * node; on the event loop. Past this peer's bound, or the node's, reading stops.
     */
    void received(int n) {
        if (scope.charge(Scope.Resource.UNHANDLED_BYTES, n) && !paused) {
            paused = true;
            backlog.paused(this);
            channel.config().setAutoRead(false);
        }
    }

    /** The node has handled a message that cost {@code n}; reading resumes once it caught up with this peer and in all. */
    public void handled(int n) {
        scope.release(Scope.Resource.UNHANDLED_BYTES, n);
        boolean mine = scope.caughtUpHere(Scope.Resource.UNHANDLED_BYTES);
        backlog.released();
        if (mine && paused) mayResume();
    }

    /** Resumes reading, on the event loop, if neither this peer's input nor the node's is over its mark. */
    void mayResume() {
        channel.eventLoop().execute(() -> {
            if (paused && scope.caughtUp(Scope.Resource.UNHANDLED_BYTES)) {
                paused = false;
                backlog.resumed(this);
                channel.config().setAutoRead(true);
            }
        });
    }

    /** The connection closed: it waits for the node no more. */
    void closed() {
        backlog.resumed(this);
    }

    /** What this connection makes the node hold now, under the node's scope (for the blobs it has fetched, say). */
    public Scope scope() {
        return scope;
    }

    /** Bytes received from this peer that the node has not handled yet. */
    public long unhandled() {
        return scope.used(Scope.Resource.UNHANDLED_BYTES);
    }

    @Override
    public String toString() {
        return peer.author() + "@" + channel.remoteAddress();
    }
}
