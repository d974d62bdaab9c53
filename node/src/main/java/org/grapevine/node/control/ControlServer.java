package org.grapevine.node.control;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's end of the local control channel: a Unix domain socket in the home directory,
 * readable and writable by its owner only. Each connection carries one command line; the daemon
 * runs it against its open store and sends back what it printed and its exit code.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    /** Runs one command line, printing to {@code out} and {@code err}; returns the exit code. */
    public interface Handler {
        int run(List<String> args, PrintWriter out, PrintWriter err);
    }

    private final Path socket;
    private final ServerSocketChannel server;
    private final Thread thread;

    private ControlServer(Path socket, ServerSocketChannel server, Handler handler) {
        this.socket = socket;
        this.server = server;
        this.thread = new Thread(() -> serve(handler), "grapevine-control");
        this.thread.setDaemon(true);
    }

    /**
     * Listens on {@code socket}. A socket file left by a daemon that died is replaced; a live one
     * means another daemon runs on this home, which is an error.
     */
    public static ControlServer start(Path socket, Handler handler) throws IOException {
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
        ControlServer s = new ControlServer(socket, server, handler);
        s.thread.start();
        return s;
    }

    private void serve(Handler handler) {
        while (server.isOpen()) {
            try (SocketChannel ch = server.accept()) {
                handle(ch, handler);
            } catch (IOException e) {
                if (server.isOpen()) log.debug("control connection failed: {}", e.toString());
            }
        }
    }

    private static void handle(SocketChannel ch, Handler handler) throws IOException {
        DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
        DataOutputStream out = new DataOutputStream(Channels.newOutputStream(ch));
        List<String> args = ControlFrames.readRequest(in);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code;
        try (PrintWriter o = new PrintWriter(stdout, true, StandardCharsets.UTF_8);
             PrintWriter e = new PrintWriter(stderr, true, StandardCharsets.UTF_8)) {
            code = handler.run(args, o, e);
        }
        ControlFrames.writeFrame(out, ControlFrames.OUT, stdout.toByteArray());
        ControlFrames.writeFrame(out, ControlFrames.ERR, stderr.toByteArray());
        ControlFrames.writeFrame(out, ControlFrames.EXIT, new byte[] {(byte) (code >>> 24), (byte) (code >>> 16), (byte) (code >>> 8), (byte) code});
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
    }
}
