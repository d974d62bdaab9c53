package org.grapevine.gossip.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import java.util.List;
import org.grapevine.gossip.wire.WireCodec;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.Malformed;

/**
 * Wire messages to and from length-framed bytes ({@code u32 length | message}). A chunk's data
 * goes out as a buffer of its own over the chunk's array, not copied into the message. Each
 * message read comes out {@link Framed}, with what it costs while it waits ({@link #cost}).
 */
final class WireMessageCodec extends MessageToMessageCodec<ByteBuf, WireMessage> {
    @Override
    protected void encode(ChannelHandlerContext ctx, WireMessage message, List<Object> out) {
        WireCodec.Parts parts = WireCodec.encodeParts(message);
        out.add(ctx.alloc().heapBuffer(4 + parts.head().length).writeInt(parts.length()).writeBytes(parts.head()));
        if (parts.body().length > 0) out.add(Unpooled.wrappedBuffer(parts.body()));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) throws Malformed {
        int bytes = 4 + frame.readableBytes();
        WireMessage m = frame.hasArray()
                // The decoder copies what it keeps, so the frame's own array can be read in place.
                ? WireCodec.decode(frame.array(), frame.arrayOffset() + frame.readerIndex(), frame.readableBytes())
                : WireCodec.decode(ByteBufUtil.getBytes(frame));
        out.add(new Framed(m, cost(m, bytes)));
    }

    /**
     * What a decoded message of {@code bytes} on the wire costs in memory while it waits, near
     * enough: small messages take several times their wire size once decoded (objects, ids,
     * lists), so backlogs are counted in this, not in bytes received.
     */
    static int cost(WireMessage m, int bytes) {
        long estimate;
        if (m instanceof WireMessage.Clock c) estimate = 64 + 176L * c.feeds().size();
        else if (m instanceof WireMessage.Routes r) estimate = 64 + 136L * r.routes().size();
        else if (m instanceof WireMessage.Peers p) estimate = 64 + 256L * p.peers().size();
        else if (m instanceof WireMessage.Entries e) estimate = 64 + 2L * bytes + 480L * e.entries().size();
        else if (m instanceof WireMessage.BlobGet g) estimate = 160 + 24L * g.chunks().size();
        else estimate = 192 + bytes;
        return (int) Math.min(Integer.MAX_VALUE, Math.max(bytes, estimate));
    }
}
