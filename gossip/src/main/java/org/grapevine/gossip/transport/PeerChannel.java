package org.grapevine.gossip.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.net.InetSocketAddress;
import org.grapevine.gossip.replication.PeerLink;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;

/** One established, authenticated connection, as replication and the node see it. */
public final class PeerChannel implements PeerLink {
    private final Channel channel;
    private final StaticKeyBinding peer;
    private final boolean outbound;
    private final ByteCounter bytes;

    PeerChannel(Channel channel, StaticKeyBinding peer, boolean outbound, ByteCounter bytes) {
        this.channel = channel;
        this.peer = peer;
        this.outbound = outbound;
        this.bytes = bytes;
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

    /** The port the peer says it listens on (0 if it does not). */
    public int listenPort() {
        return peer.listenPort();
    }

    public boolean outbound() {
        return outbound;
    }

    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) channel.remoteAddress();
    }

    @Override
    public void send(WireMessage message) {
        channel.writeAndFlush(message, channel.voidPromise());
    }

    @Override
    public boolean writable() {
        return channel.isWritable();
    }

    @Override
    public void close(WireMessage.Reason reason, String detail) {
        if (!channel.isActive()) return;
        channel.writeAndFlush(new WireMessage.Goodbye(reason, detail)).addListener(ChannelFutureListener.CLOSE);
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public String toString() {
        return peer.author() + "@" + channel.remoteAddress();
    }
}
