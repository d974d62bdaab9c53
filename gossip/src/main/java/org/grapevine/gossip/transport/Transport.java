package org.grapevine.gossip.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultMessageSizeEstimator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.grapevine.gossip.handshake.TransportCiphers;
import org.grapevine.gossip.wire.WireCodec;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.Verifier;
import org.grapevine.gossip.limits.Limits;
import org.grapevine.gossip.limits.Scope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves bytes between nodes: TCP through Netty (epoll where it loads, NIO otherwise), a Noise
 * handshake per connection, then encrypted wire messages. All protocol decisions are the node's.
 */
public final class Transport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Transport.class);
    static final int MAX_NOISE_FRAME = TransportCiphers.MAX_MESSAGE_LENGTH;

    /**
     * Settings; {@code idleSeconds} is how long a silent connection lives before it is pinged and
     * then dropped. {@code group}, when not null, is an event loop group shared with other
     * transports in this JVM (many nodes in one process) and is not shut down by {@link #close};
     * {@code shaper} may put a handler under every connection (see {@link LinkShaper}).
     */
    public record Config(Identity identity, NetworkKey network, long handshakeTimeoutMillis, int idleSeconds,
                         EventLoopGroup group, LinkShaper shaper, Scope scope, Set<String> capabilities) {
        public static Config of(Identity identity, NetworkKey network) {
            return new Config(identity, network, 5_000, 90, null, LinkShaper.NONE, Limits.nodeScope(), Set.of());
        }

        public Config withHandshakeTimeout(long millis) {
            return new Config(identity, network, millis, idleSeconds, group, shaper, scope, capabilities);
        }

        public Config with(EventLoopGroup sharedGroup, LinkShaper linkShaper) {
            return new Config(identity, network, handshakeTimeoutMillis, idleSeconds, sharedGroup,
                    linkShaper == null ? LinkShaper.NONE : linkShaper, scope, capabilities);
        }

        /** What this node tells every peer in its handshake that it speaks beyond the base protocol. */
        public Config withCapabilities(Set<String> names) {
            return new Config(identity, network, handshakeTimeoutMillis, idleSeconds, group, shaper, scope, Set.copyOf(names));
        }

    }

    /** A group of event loops several transports in one JVM can share; epoll where it loads. */
    public static EventLoopGroup sharedGroup(int threads) {
        IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, io);
    }

    private static final ThreadLocal<Verifier> VERIFIERS = ThreadLocal.withInitial(Verifier::new);

    private final Config config;
    private final TransportEvents events;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    /** Every connection of this transport, closed with it (the group may outlive it). */
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final boolean epoll;
    private Channel server;
    private int listenPort;
    private final HandshakeGate gate = new HandshakeGate(System::currentTimeMillis);
    private final Backlog backlog;

    public Transport(Config config, TransportEvents events) {
        this.config = config;
        this.backlog = new Backlog(config.scope());
        this.events = events;
        this.epoll = Epoll.isAvailable();
        this.ownsGroup = config.group() == null;
        this.group = ownsGroup ? sharedGroup(Math.max(2, Runtime.getRuntime().availableProcessors())) : config.group();
    }

    public boolean usesEpoll() {
        return epoll;
    }

    /** Starts accepting connections on {@code address} (port 0 picks a free one). */
    public InetSocketAddress listen(InetSocketAddress address) throws InterruptedException {
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        server = new ServerBootstrap().group(group).channel(type)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 2 * 1024 * 1024))
                .childOption(ChannelOption.MESSAGE_SIZE_ESTIMATOR, SIZES)
                .childHandler(initializer(false, null))
                .bind(address).sync().channel();
        InetSocketAddress bound = (InetSocketAddress) server.localAddress();
        listenPort = bound.getPort();
        return bound;
    }

    /** Dials a peer; the future completes when the TCP connection is up (the handshake follows). */
    public CompletableFuture<Void> connect(InetSocketAddress address) {
        Class<? extends Channel> type = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        CompletableFuture<Void> done = new CompletableFuture<>();
        ChannelFuture f = new Bootstrap().group(group).channel(type)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 2 * 1024 * 1024))
                .option(ChannelOption.MESSAGE_SIZE_ESTIMATOR, SIZES)
                .handler(initializer(true, address))
                .connect(address);
        f.addListener(r -> {
            if (r.isSuccess()) done.complete(null);
            else done.completeExceptionally(r.cause());
        });
        return done;
    }

    private ChannelInitializer<SocketChannel> initializer(boolean initiator, InetSocketAddress dialed) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                InetAddress from = initiator ? null : ch.remoteAddress().getAddress();
                if (from != null && !gate.admit(from)) {
                    // Too many handshakes at once, or from an address whose handshakes keep failing:
                    // refused before any key agreement.
                    ch.close();
                    return;
                }
                channels.add(ch);
                ChannelHandler link = config.shaper().handlerFor(initiator ? dialed : ch.remoteAddress(), initiator);
                if (link != null) ch.pipeline().addLast("link", link);
                ch.pipeline()
                        // Bytes on the wire, counted per connection.
                        .addLast("bytes", new ByteCounter())
                        // Noise messages: 2-byte length, at most 65,535 bytes.
                        .addLast("frames", frames(MAX_NOISE_FRAME, 2))
                        .addLast("frame-length", new LengthFieldPrepender(2))
                        // XX handshake; replaced by the transport layers below once the peer is proved.
                        .addLast("handshake", new HandshakeHandler(initiator, config.identity(), config.network(),
                                listenPort, config.capabilities(), config.handshakeTimeoutMillis(), Transport.this::afterHandshake))
                        .addLast("session", new Session(initiator, from));
            }
        };
    }

    private void afterHandshake(ChannelHandlerContext ctx, TransportCiphers ciphers, StaticKeyBinding peer) {
        ctx.pipeline()
                // Encrypt and decrypt Noise transport messages.
                .addBefore("session", "noise", new NoiseFrameCodec(ciphers))
                // Wire messages: 4-byte length, at most WireCodec.MAX_MESSAGE, may span Noise messages.
                .addBefore("session", "messages", frames(WireCodec.MAX_MESSAGE, 4))
                .addBefore("session", "codec", new WireMessageCodec())
                // Ping a silent peer, drop one that stays silent.
                .addBefore("session", "idle", new IdleStateHandler(config.idleSeconds(), config.idleSeconds() / 2, 0, TimeUnit.SECONDS));
    }

    /**
     * Cuts a stream into frames of a {@code lengthBytes} length and at most {@code maxFrame} bytes
     * (Netty's maximum counts the length field too: without it, a frame of the full size would be
     * refused). A frame that arrives in several buffers (a Noise message over two socket reads, a
     * chunk message over five Noise messages) is a composite of them rather than a copy into a
     * growing buffer: the layer above copies each frame once anyway.
     */
    static LengthFieldBasedFrameDecoder frames(int maxFrame, int lengthBytes) {
        LengthFieldBasedFrameDecoder frames = new LengthFieldBasedFrameDecoder(maxFrame + lengthBytes, 0, lengthBytes, 0, lengthBytes);
        frames.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
        return frames;
    }

    /**
     * Sizes of messages written from outside a connection's event loop, counted against its queue
     * until they are encoded: a wire message by its encoded size, near enough.
     */
    private static final MessageSizeEstimator SIZES = new MessageSizeEstimator() {
        private final MessageSizeEstimator.Handle bytes = DefaultMessageSizeEstimator.DEFAULT.newHandle();

        @Override
        public Handle newHandle() {
            return message -> message instanceof WireMessage m ? WireCodec.estimatedSize(m) : bytes.size(message);
        }
    };

    /** Bytes queued to every connection of this transport, not yet taken by the sockets. */
    public long queuedTotal() {
        long sum = 0;
        for (Channel ch : channels) {
            var b = ch.unsafe().outboundBuffer();
            if (b != null) sum += b.totalPendingWriteBytes();
        }
        return sum;
    }

    /** What peers sent that the node has not handled yet, by its cost in memory. */
    public long unhandledTotal() {
        return backlog.total();
    }

    /** Inbound connections refused before their handshake (too many at once, or an address that keeps failing). */
    public long refusedConnections() {
        return gate.refused();
    }

    /** The last handler: turns pipeline events into {@link TransportEvents}. */
    private final class Session extends ChannelInboundHandlerAdapter {
        private final boolean outbound;
        /** The address an inbound connection came from, until its handshake ended; null once told to the gate. */
        private InetAddress gated;
        private PeerChannel peer;
        private String closeReason = "connection closed";
        /** Set once this side decided to close: the first reason stands, later input is ignored. */
        private boolean closing;
        private boolean rejected;
        /** A Pong not yet taken by the socket: further Pings go unanswered until it is. */
        private boolean ponging;

        Session(boolean outbound, InetAddress gated) {
            this.outbound = outbound;
            this.gated = gated;
        }

        private void handshakeEnded(boolean ok) {
            if (gated == null) return;
            gate.finished(gated, ok);
            gated = null;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof HandshakeHandler.Completed c) {
                handshakeEnded(true);
                peer = new PeerChannel(ctx.channel(), c.peer(), c.handshakeHash(), outbound, ctx.pipeline().get(ByteCounter.class),
                        Limits.peerScope(config.scope(), c.peer().author().toString()),
                        Transport.this::queuedTotal, reason -> {
                            if (closing) return;
                            closing(reason);
                            log.debug("{}: {}", ctx.channel().remoteAddress(), reason);
                            ctx.close();
                        }, backlog);
                events.connected(peer);
            } else if (evt instanceof HandshakeHandler.Failed f) {
                handshakeEnded(false);
                rejected = true;
                events.rejected(ctx.channel().remoteAddress(), f.reason());
            } else if (evt instanceof IdleStateEvent idle) {
                if (idle.state() == io.netty.handler.timeout.IdleState.READER_IDLE) {
                    closing("silent for " + config.idleSeconds() + " s");
                    ctx.close();
                } else {
                    ctx.writeAndFlush(new WireMessage.Ping(System.nanoTime()), ctx.voidPromise());
                }
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (peer == null || closing || !(msg instanceof Framed framed)) {
                io.netty.util.ReferenceCountUtil.release(msg);
                return;
            }
            WireMessage m = framed.message();
            if (m instanceof WireMessage.Ping p) {
                // One Pong at a time: a peer that pings without reading gets no queue of answers.
                if (ponging) return;
                ponging = true;
                ctx.writeAndFlush(new WireMessage.Pong(p.nonce())).addListener(f -> ponging = false);
            } else if (m instanceof WireMessage.Pong) {
                // Its arrival already reset the idle timer.
            } else if (m instanceof WireMessage.Goodbye g) {
                closing("peer said goodbye: " + g.reason() + (g.detail().isEmpty() ? "" : " (" + g.detail() + ")"));
                ctx.close();
            } else {
                if (m instanceof WireMessage.Entries e) {
                    // Check signatures here, on this connection's I/O thread, so that the node's
                    // own thread only stores: verifying is most of the cost of an entry.
                    Verifier verifier = VERIFIERS.get();
                    for (var entry : e.entries()) {
                        if (events.checks(entry.header().author())) entry.header().verifySignature(verifier);
                    }
                }
                peer.received(framed.cost());
                events.received(peer, m, framed.cost());
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (peer != null && ctx.channel().isWritable()) events.writable(peer);
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            handshakeEnded(false);
            if (peer != null) {
                peer.closed();
                events.disconnected(peer, closeReason);
            }
            else if (!rejected) events.rejected(ctx.channel().remoteAddress(), "closed during the handshake");
        }

        private void closing(String reason) {
            closing = true;
            closeReason = reason;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (closing || !ctx.channel().isActive()) {
                // Fallout of a close under way, such as a write racing it (ClosedChannelException):
                // the reason the connection is closing for stays the one reported.
                log.debug("{} after close: {}", ctx.channel().remoteAddress(), cause.toString());
                return;
            }
            Throwable root = cause.getCause() != null && cause instanceof io.netty.handler.codec.DecoderException ? cause.getCause() : cause;
            if (root instanceof Malformed || root instanceof org.grapevine.gossip.handshake.NoiseException
                    || cause instanceof io.netty.handler.codec.TooLongFrameException) {
                closing("malformed input: " + root.getMessage());
                log.debug("{}: {}", ctx.channel().remoteAddress(), closeReason);
                if (peer != null) {
                    peer.close(WireMessage.Reason.MALFORMED, String.valueOf(root.getMessage()));
                } else {
                    ctx.close();
                }
            } else if (root instanceof java.io.IOException) {
                closing("I/O error: " + root.getMessage());
                log.debug("{}: {}", ctx.channel().remoteAddress(), closeReason);
                ctx.close();
            } else {
                closing("internal error: " + root);
                log.error("connection to {} failed", ctx.channel().remoteAddress(), root);
                ctx.close();
            }
        }
    }

    public int listenPort() {
        return listenPort;
    }

    @Override
    public void close() {
        if (server != null) server.close().syncUninterruptibly();
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (ownsGroup) group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
