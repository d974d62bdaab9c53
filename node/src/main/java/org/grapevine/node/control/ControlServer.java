package org.grapevine.node.control;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.grapevine.node.api.ApiCodec;
import org.grapevine.node.api.ApiResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's end of the local control channel: a Unix domain socket in the home directory,
 * readable and writable by its owner only. Each connection carries one local API request
 * (docs/LOCAL-API.md) and its answer. Up to {@link #MAX_RUNNING} requests are answered at once,
 * so a long one (adding a large file) does not hold up the rest.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    /** Requests answered at once; one more waits up to {@link #SLOT_WAIT_MILLIS} for a slot, then is told the daemon is busy. */
    static final int MAX_RUNNING = 8;
    static final long SLOT_WAIT_MILLIS = 2_000;
    /** How long closing waits for requests being answered before it cuts their connections. */
    static final long CLOSE_GRACE_MILLIS = 2_000;
    /** How long a client may take to send its request. */
    static final int READ_TIMEOUT_MILLIS = 10_000;
    /** The exit code of a request refused for want of a slot (the CLI's "cannot be done"). */
    static final int BUSY_EXIT = 1;

    /** Answers one local API request (JSON) with a response (JSON); never throws for what a client sent. */
    public interface ApiHandler {
        byte[] answer(byte[] request);
    }

    private final Path socket;
    private final ServerSocketChannel server;
    private final ApiHandler api;
    private final Thread acceptor;
    private final ExecutorService workers;
    private final Semaphore slots = new Semaphore(MAX_RUNNING);
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "grapevine-control-timer");
        t.setDaemon(true);
        return t;
    });

    private ControlServer(Path socket, ServerSocketChannel server, ApiHandler api) {
        this.api = api;
        this.socket = socket;
        this.server = server;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(MAX_RUNNING, r -> {
            Thread t = new Thread(r, "grapevine-control-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::serve, "grapevine-control");
        this.acceptor.setDaemon(true);
    }

    /**
     * Listens on {@code socket} for local API requests, answered by {@code api}. A socket file left
     * by a daemon that died is replaced; a live one means another daemon runs on this home, which
     * is an error.
     */
    public static ControlServer start(Path socket, ApiHandler api) throws IOException {
        if (Files.exists(socket)) {
            if (ControlClient.isLive(socket)) throw new IOException("a daemon is already running on " + socket.getParent());
            Files.delete(socket);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // The home directory's own permissions still keep others out.
        }
        ControlServer s = new ControlServer(socket, server, api);
        s.acceptor.start();
        return s;
    }

    private void serve() {
        while (server.isOpen()) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                if (server.isOpen()) log.debug("control accept failed: {}", e.toString());
                continue;
            }
            try {
                if (!slots.tryAcquire(SLOT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    busy(ch);
                    continue;
                }
            } catch (InterruptedException e) {
                closeQuietly(ch);
                return;
            }
            try {
                workers.execute(() -> {
                    try {
                        handle(ch);
                    } finally {
                        slots.release();
                    }
                });
            } catch (RejectedExecutionException closing) {
                slots.release();
                closeQuietly(ch);
            }
        }
    }

    private void handle(SocketChannel ch) {
        open.add(ch);
        try (ch) {
            byte[] request = request(ch);
            answer(ch, api.answer(request));
        } catch (IOException e) {
            if (server.isOpen()) log.debug("control connection failed: {}", e.toString());
        } catch (RuntimeException e) {
            log.error("control request failed", e);
        } finally {
            open.remove(ch);
        }
    }

    /** Every slot stayed taken: say so, rather than leave the client waiting without a word. */
    private void busy(SocketChannel ch) {
        try (ch) {
            request(ch);
            String busy = "the daemon is answering " + MAX_RUNNING + " requests already; try again when one of them ends";
            answer(ch, ApiCodec.encode(new ApiResponse.Failed(busy, BUSY_EXIT)));
        } catch (IOException e) {
            log.debug("control connection failed: {}", e.toString());
        }
    }

    /** The request on {@code ch}; a client that has not sent it whole within {@link #READ_TIMEOUT_MILLIS} is cut. */
    private byte[] request(SocketChannel ch) throws IOException {
        ScheduledFuture<?> cut = timer.schedule(() -> closeQuietly(ch), READ_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        try {
            return ControlFrames.readRequest(new DataInputStream(Channels.newInputStream(ch)));
        } finally {
            cut.cancel(false);
        }
    }

    private static void answer(SocketChannel ch, byte[] json) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(4 + json.length);
        ControlFrames.write(new DataOutputStream(frame), 0, json);
        ByteBuffer b = ByteBuffer.wrap(frame.toByteArray());
        while (b.hasRemaining()) ch.write(b);
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // Nothing more to do with it.
        }
    }

    /**
     * Stops accepting, gives requests being answered {@link #CLOSE_GRACE_MILLIS} to finish, then
     * cuts their connections.
     */
    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
        workers.shutdown();
        try {
            if (!workers.awaitTermination(CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
                log.debug("cutting {} control connections still open", open.size());
                open.forEach(ControlServer::closeQuietly);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            open.forEach(ControlServer::closeQuietly);
        } finally {
            timer.shutdownNow();
        }
    }
}
