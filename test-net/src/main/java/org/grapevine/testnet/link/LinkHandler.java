package org.grapevine.testnet.link;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Sits under one connection, on the side that dialed it, and delays its bytes both ways as the
 * {@link LinkEmulator} says; refuses and cuts the connection while a partition splits its ends.
 * Runs on the connection's event loop, so its state needs no locks.
 */
final class LinkHandler extends ChannelDuplexHandler {
    private final LinkEmulator emulator;
    private final int from;
    private final int to;
    private ChannelHandlerContext ctx;
    private final Direction writes = new Direction(true);
    private final Direction reads = new Direction(false);

    LinkHandler(LinkEmulator emulator, int from, int to) {
        this.emulator = emulator;
        this.from = from;
        this.to = to;
    }

    int from() {
        return from;
    }

    int to() {
        return to;
    }

    /** Cuts the connection (a partition began); safe from any thread. */
    void cut() {
        ChannelHandlerContext c = ctx;
        if (c != null) c.channel().close();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (emulator.split(from, to)) {
            ctx.close();
            return;
        }
        emulator.opened(this);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        emulator.closed(this);
        super.channelInactive(ctx);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        emulator.countSent(from, msg);
        writes.add(ctx, msg, promise, emulator.delayNanos(from, to));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        emulator.countReceived(from, msg);
        reads.add(ctx, msg, null, emulator.delayNanos(from, to));
    }

    /**
     * One direction's delayed messages in order. Only the head has a timer; when it fires the
     * next one is timed from the head's due time, so the order holds whatever clock the event
     * loop keeps.
     */
    private final class Direction {
        private final boolean outbound;
        private final ArrayDeque<Pending> queue = new ArrayDeque<>();
        private long lastDue;

        Direction(boolean outbound) {
            this.outbound = outbound;
        }

        void add(ChannelHandlerContext ctx, Object msg, ChannelPromise promise, long delay) {
            long now = System.nanoTime();
            if (delay == 0 && queue.isEmpty()) {
                pass(ctx, msg, promise);
                return;
            }
            long due = Math.max(now + delay, lastDue);
            lastDue = due;
            queue.add(new Pending(msg, promise, due));
            if (queue.size() == 1) ctx.executor().schedule(() -> drain(ctx), due - now, TimeUnit.NANOSECONDS);
        }

        private void drain(ChannelHandlerContext ctx) {
            Pending p = queue.poll();
            if (p == null) return;
            pass(ctx, p.msg(), p.promise());
            Pending next = queue.peek();
            if (next != null) ctx.executor().schedule(() -> drain(ctx), next.due() - p.due(), TimeUnit.NANOSECONDS);
        }

        private void pass(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (outbound) {
                ctx.writeAndFlush(msg, promise);
            } else if (!ctx.channel().isActive()) {
                ReferenceCountUtil.release(msg);
            } else {
                ctx.fireChannelRead(msg);
                ctx.fireChannelReadComplete();
            }
        }
    }

    private record Pending(Object msg, ChannelPromise promise, long due) {}
}
