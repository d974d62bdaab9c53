package org.grapevine.gossip.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.atomic.LongAdder;

/** Counts the bytes a connection moves on the wire (after encryption), for peers, tests and benchmarks. */
final class ByteCounter extends ChannelDuplexHandler {
    final LongAdder read = new LongAdder();
    final LongAdder written = new LongAdder();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) read.add(b.readableBytes());
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf b) written.add(b.readableBytes());
        ctx.write(msg, promise);
    }
}
