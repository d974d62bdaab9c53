package org.grapevine.node.control;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The CLI's end of the control channel: hands a command line to a running daemon. */
public final class ControlClient {
    private ControlClient() {}

    /** A connection to the daemon on {@code socket}; empty when none listens there (no file, or one left by a daemon that died). */
    private static Optional<SocketChannel> connect(Path socket) throws IOException {
        if (!Files.exists(socket)) return Optional.empty();
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return Optional.of(ch);
        } catch (IOException e) {
            ch.close();
            return Optional.empty();
        }
    }

    /** True when a daemon answers on {@code socket}. */
    static boolean isLive(Path socket) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Sends a local API request (JSON) to the daemon listening on {@code socket} and returns its
     * response (JSON); empty when no daemon listens there.
     */
    public static Optional<byte[]> call(Path socket, byte[] request) throws IOException {
        Optional<SocketChannel> connected = connect(socket);
        if (connected.isEmpty()) return Optional.empty();
        try (SocketChannel ch = connected.get()) {
            ControlFrames.writeApiRequest(new DataOutputStream(Channels.newOutputStream(ch)), request);
            DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
            byte[][] result = new byte[1][];
            ControlFrames.FrameSink sink = new ControlFrames.FrameSink() {
                @Override
                public void out(byte[] bytes) throws IOException {
                    throw new IOException("output frame in answer to a local API request");
                }

                @Override
                public void err(byte[] bytes) throws IOException {
                    throw new IOException(new String(bytes, java.nio.charset.StandardCharsets.UTF_8).strip());
                }

                @Override
                public void result(byte[] bytes) {
                    result[0] = bytes;
                }
            };
            Integer code;
            do {
                code = ControlFrames.readFrame(in, sink);
            } while (code == null);
            if (result[0] == null) throw new IOException("the daemon gave no result (exit code " + code + ")");
            return Optional.of(result[0]);
        }
    }

    /**
     * Runs {@code args} in the daemon listening on {@code socket}, copying its output and errors to
     * ours frame by frame as they arrive (a command that shows progress streams it). Empty when no
     * daemon listens there (the caller then does the work itself).
     */
    public static Optional<Integer> run(Path socket, List<String> args, OutputStream out, OutputStream err) throws IOException {
        Optional<SocketChannel> connected = connect(socket);
        if (connected.isEmpty()) return Optional.empty();
        try (SocketChannel ch = connected.get()) {
            ControlFrames.writeRequest(new DataOutputStream(Channels.newOutputStream(ch)), args);
            DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
            ControlFrames.FrameSink sink = new ControlFrames.FrameSink() {
                @Override
                public void out(byte[] bytes) throws IOException {
                    out.write(bytes);
                    out.flush();
                }

                @Override
                public void err(byte[] bytes) throws IOException {
                    err.write(bytes);
                    err.flush();
                }
            };
            Integer code;
            do {
                code = ControlFrames.readFrame(in, sink);
            } while (code == null);
            return Optional.of(code);
        }
    }
}
