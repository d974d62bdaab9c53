package org.grapevine.gossip.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import java.util.List;
import org.grapevine.gossip.wire.WireCodec;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.Malformed;

/** Wire messages to and from length-framed bytes ({@code u32 length | message}). */
final class WireMessageCodec extends MessageToMessageCodec<ByteBuf, WireMessage> {
    @Override
    protected void encode(ChannelHandlerContext ctx, WireMessage message, List<Object> out) {
        byte[] bytes = WireCodec.encode(message);
        out.add(ctx.alloc().buffer(4 + bytes.length).writeInt(bytes.length).writeBytes(bytes));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) throws Malformed {
        out.add(WireCodec.decode(ByteBufUtil.getBytes(frame)));
    }
}
