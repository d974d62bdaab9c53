package org.grapevine.testnet.link;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/** Counts a connection's bytes for its node without shaping it (connections the node did not dial). */
final class ByteTally extends ChannelDuplexHandler {
    private final LinkEmulator emulator;
    private final int node;

    ByteTally(LinkEmulator emulator, int node) {
        this.emulator = emulator;
        this.node = node;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        emulator.countSent(node, msg);
        ctx.write(msg, promise);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        emulator.countReceived(node, msg);
        ctx.fireChannelRead(msg);
    }
}
