package org.grapevine.node.control;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.grapevine.node.api.ApiCodec;
import org.grapevine.node.api.ApiResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's end of the local control channel: a Unix domain socket in the home directory,
 * readable and writable by its owner only. Each connection carries one command line; the daemon
 * runs it against its open store, streaming what it prints as it flushes, then its exit code.
 * Up to {@link #MAX_RUNNING} commands run at once, so a long one ({@code blob get}) does not
 * hold up the rest.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    /** Commands running at once; one more waits up to {@link #SLOT_WAIT_MILLIS} for a slot, then is told the daemon is busy. */
    static final int MAX_RUNNING = 8;
    static final long SLOT_WAIT_MILLIS = 2_000;
    /** How long closing waits for running commands before it cuts their connections. */
    static final long CLOSE_GRACE_MILLIS = 2_000;
    /** The exit code of a command refused for want of a slot (the CLI's "cannot be done"). */
    static final int BUSY_EXIT = 1;

    /**
     * Runs one command line, printing to {@code out} and {@code err}; returns the exit code. What
     * it prints reaches the user when the writer flushes (both flush on {@code println}). Once the
     * user has gone (Ctrl-C) or the daemon stops, the writers fail: {@link PrintWriter#checkError}
     * turns true, which a command that waits should check.
     */
    public interface Handler {
        int run(List<String> args, PrintWriter out, PrintWriter err);
    }

    /** Answers one local API request (JSON) with a response (JSON); never throws for what a client sent. */
    public interface ApiHandler {
        byte[] answer(byte[] request);
    }

    private final Path socket;
    private final ServerSocketChannel server;
    private final Handler handler;
    private final ApiHandler api;
    private final Thread acceptor;
    private final ExecutorService workers;
    private final Semaphore slots = new Semaphore(MAX_RUNNING);
    private final Set<Connection> running = ConcurrentHashMap.newKeySet();

    private ControlServer(Path socket, ServerSocketChannel server, Handler handler, ApiHandler api) {
        this.api = api;
        this.socket = socket;
        this.server = server;
        this.handler = handler;
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
     * Listens on {@code socket}. A socket file left by a daemon that died is replaced; a live one
     * means another daemon runs on this home, which is an error.
     */
    public static ControlServer start(Path socket, Handler handler) throws IOException {
        return start(socket, handler, null);
    }

    /** Listens for command lines, run by {@code handler}, and local API requests, answered by {@code api} (null: none). */
    public static ControlServer start(Path socket, Handler handler, ApiHandler api) throws IOException {
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
        ControlServer s = new ControlServer(socket, server, handler, api);
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
        Connection c = new Connection(ch);
        running.add(c);
        try (ch) {
            DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
            int first = in.readInt();
            if (first == ControlFrames.API_REQUEST) {
                byte[] request = ControlFrames.readApiRequest(in);
                if (api == null) throw new IOException("no local API here");
                c.frame(ControlFrames.RESULT, api.answer(request));
                c.exit(0);
                return;
            }
            List<String> args = ControlFrames.readRequest(in, first);
            int code;
            try (PrintWriter out = new PrintWriter(c.stream(ControlFrames.OUT), true, StandardCharsets.UTF_8);
                 PrintWriter err = new PrintWriter(c.stream(ControlFrames.ERR), true, StandardCharsets.UTF_8)) {
                code = handler.run(args, out, err);
            }
            c.exit(code);
        } catch (IOException e) {
            if (server.isOpen()) log.debug("control connection failed: {}", e.toString());
        } catch (RuntimeException e) {
            log.error("control command failed", e);
        } finally {
            running.remove(c);
        }
    }

    /** Every slot stayed taken: say so, rather than leave the user waiting without a word. */
    private static void busy(SocketChannel ch) {
        try (ch) {
            DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
            int first = in.readInt();
            Connection c = new Connection(ch);
            String busy = "the daemon is running " + MAX_RUNNING + " commands already; try again when one of them ends";
            if (first == ControlFrames.API_REQUEST) {
                ControlFrames.readApiRequest(in);
                c.frame(ControlFrames.RESULT, ApiCodec.encode(new ApiResponse.Failed(busy, BUSY_EXIT)));
                c.exit(0);
                return;
            }
            ControlFrames.readRequest(in, first);
            c.frame(ControlFrames.ERR, ("grapevine: " + busy + "\n").getBytes(StandardCharsets.UTF_8));
            c.exit(BUSY_EXIT);
        } catch (IOException e) {
            log.debug("control connection failed: {}", e.toString());
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // Nothing more to do with it.
        }
    }

    /**
     * The answer side of one connection: frames written straight to the socket, from whichever
     * thread the command prints on.
     */
    private static final class Connection {
        private final SocketChannel ch;
        private volatile boolean dropped;

        Connection(SocketChannel ch) {
            this.ch = ch;
        }

        OutputStream stream(int kind) {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    for (int at = off; at < off + len; at += ControlFrames.MAX_FRAME) {
                        frame(kind, b, at, Math.min(ControlFrames.MAX_FRAME, off + len - at));
                    }
                }

                @Override
                public void flush() throws IOException {
                    if (dropped) throw new IOException("the control connection was closed");
                }

                @Override
                public void close() throws IOException {
                    flush(); // The connection outlives the command's writers: the exit frame follows.
                }
            };
        }

        void frame(int kind, byte[] b) throws IOException {
            frame(kind, b, 0, b.length);
        }

        synchronized void frame(int kind, byte[] b, int off, int len) throws IOException {
            if (dropped) throw new IOException("the control connection was closed");
            ByteBuffer frame = ControlFrames.frame(kind, b, off, len);
            try {
                while (frame.hasRemaining()) ch.write(frame);
            } catch (IOException e) {
                dropped = true; // The user went away (Ctrl-C): the command sees it in checkError.
                throw e;
            }
        }

        void exit(int code) throws IOException {
            frame(ControlFrames.EXIT, ControlFrames.exitCode(code));
        }

        void drop() {
            dropped = true;
            closeQuietly(ch);
        }
    }

    /**
     * Stops accepting, gives running commands {@link #CLOSE_GRACE_MILLIS} to finish, then cuts
     * the connections of those still running (their writers fail, so a waiting command returns).
     */
    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
        workers.shutdown();
        try {
            if (!workers.awaitTermination(CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
                log.debug("cutting {} control commands still running", running.size());
                running.forEach(Connection::drop);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.forEach(Connection::drop);
        }
    }
}
