package org.grapevine.gossip.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.grapevine.gossip.handshake.NoiseException;
import org.grapevine.gossip.handshake.NoiseHandshake;
import org.grapevine.identity.keys.X25519KeyPair;
import org.grapevine.gossip.handshake.NoiseProtocol;
import org.grapevine.gossip.handshake.TransportCiphers;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Noise XX handshake on a fresh connection: three framed messages, the last two carrying
 * each side's {@link StaticKeyBinding}. When both are verified it replaces itself with the
 * transport layers and fires {@link Completed}; anything wrong, or no handshake in time, closes
 * the connection with the reason logged.
 */
final class HandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HandshakeHandler.class);
    static final byte[] PROLOGUE_PREFIX = "grapevine/1".getBytes(StandardCharsets.US_ASCII);

    /** Fired down the pipeline when the peer has proved who it is. */
    /** The handshake ended: who the peer is, and the handshake hash both sides share (a value unique to this connection). */
    record Completed(StaticKeyBinding peer, byte[] handshakeHash) {}

    private final NoiseHandshake noise;
    private final NetworkKey network;
    private final byte[] binding;
    private final long timeoutMillis;
    private final PipelineSetup setup;
    private ScheduledFuture<?> timeout;
    /** Set when the handshake failed: frames already buffered behind the failing one are dropped. */
    private boolean failed;

    /** Installs the layers that follow the handshake. */
    interface PipelineSetup {
        void afterHandshake(ChannelHandlerContext ctx, TransportCiphers ciphers, StaticKeyBinding peer);
    }

    HandshakeHandler(boolean initiator, Identity identity, NetworkKey network, int listenPort, java.util.Set<String> capabilities,
                     long timeoutMillis, PipelineSetup setup) {
        X25519KeyPair staticKey = X25519KeyPair.generate();
        byte[] prologue = new ByteWriter(PROLOGUE_PREFIX.length + 32).bytes(PROLOGUE_PREFIX).bytes(network.key()).toByteArray();
        this.noise = initiator
                ? NoiseHandshake.initiator(NoiseProtocol.XX_25519_AESGCM_SHA256, prologue, staticKey)
                : NoiseHandshake.responder(NoiseProtocol.XX_25519_AESGCM_SHA256, prologue, staticKey);
        this.network = network;
        this.binding = StaticKeyBinding.sign(identity, network, staticKey, listenPort, capabilities);
        this.timeoutMillis = timeoutMillis;
        this.setup = setup;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) start(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    private void start(ChannelHandlerContext ctx) {
        if (timeout != null) return;
        timeout = ctx.executor().schedule(() -> fail(ctx, "no handshake within " + timeoutMillis + " ms"),
                timeoutMillis, TimeUnit.MILLISECONDS);
        if (noise.isInitiator()) write(ctx, new byte[0]);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        if (failed) {
            ReferenceCountUtil.release(frame);
            return;
        }
        try {
            byte[] payload = noise.readMessage(ByteBufUtil.getBytes(frame));
            var remoteStatic = noise.remoteStatic();
            if (peer == null && remoteStatic.isPresent()) {
                // The message that reveals the peer's static key carries its binding.
                peer = StaticKeyBinding.verify(payload, network, remoteStatic.get());
            } else if (payload.length > 0) {
                throw new Malformed("unexpected handshake payload");
            }
            if (!noise.isComplete() && noise.isWriteTurn()) write(ctx, binding);
            if (noise.isComplete()) complete(ctx);
        } catch (NoiseException | Malformed e) {
            fail(ctx, e.getMessage());
        } finally {
            ReferenceCountUtil.release(frame);
        }
    }

    private StaticKeyBinding peer;

    private void write(ChannelHandlerContext ctx, byte[] payload) {
        try {
            ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(noise.writeMessage(payload)));
        } catch (NoiseException e) {
            fail(ctx, e.getMessage());
        }
    }

    private void complete(ChannelHandlerContext ctx) {
        if (peer == null) {
            fail(ctx, "handshake ended without the peer's identity");
            return;
        }
        timeout.cancel(false);
        TransportCiphers ciphers = noise.split();
        setup.afterHandshake(ctx, ciphers, peer);
        ctx.pipeline().remove(this);
        ctx.fireUserEventTriggered(new Completed(peer, ciphers.handshakeHash()));
    }

    private void fail(ChannelHandlerContext ctx, String reason) {
        if (failed) return; // One failure, reported once.
        failed = true;
        if (timeout != null) timeout.cancel(false);
        log.debug("handshake with {} failed: {}", ctx.channel().remoteAddress(), reason);
        ctx.fireUserEventTriggered(new Failed(reason));
        ctx.close();
    }

    /** Fired when the handshake fails, just before the connection closes. */
    record Failed(String reason) {}

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause.toString());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timeout != null) timeout.cancel(false); // The peer hung up: nothing left to time out.
        ctx.fireChannelInactive();
    }
}
