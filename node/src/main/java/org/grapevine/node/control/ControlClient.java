package org.grapevine.node.control;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.grapevine.node.api.ApiCodec;

/** A client's end of the control channel: one local API request to a running daemon, one answer. */
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
            ControlFrames.write(new DataOutputStream(Channels.newOutputStream(ch)), ControlFrames.MAGIC, request);
            try {
                return Optional.of(ControlFrames.readBody(new DataInputStream(Channels.newInputStream(ch)), ApiCodec.MAX_RESPONSE_BYTES));
            } catch (EOFException e) {
                throw new IOException("the daemon closed the control channel without answering (stopping?)");
            }
        }
    }
}
