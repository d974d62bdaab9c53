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
 * message read comes out {@link Framed}, with its size.
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
        if (frame.hasArray()) {
            // The decoder copies what it keeps, so the frame's own array can be read in place.
            out.add(new Framed(WireCodec.decode(frame.array(), frame.arrayOffset() + frame.readerIndex(), frame.readableBytes()), bytes));
        } else {
            out.add(new Framed(WireCodec.decode(ByteBufUtil.getBytes(frame)), bytes));
        }
    }
}
