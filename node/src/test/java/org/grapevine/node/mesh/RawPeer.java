package org.grapevine.node.mesh;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.grapevine.gossip.handshake.NoiseException;
import org.grapevine.gossip.handshake.NoiseHandshake;
import org.grapevine.identity.keys.X25519KeyPair;
import org.grapevine.gossip.handshake.NoiseProtocol;
import org.grapevine.gossip.handshake.TransportCiphers;
import org.grapevine.gossip.transport.NetworkKey;
import org.grapevine.gossip.transport.StaticKeyBinding;
import org.grapevine.gossip.wire.WireCodec;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;

/**
 * A peer that speaks the protocol by hand over a blocking socket, so a test can do what an honest
 * node never would: send any bytes after a genuine handshake, tampered entries, broken frames.
 * Written from docs/PROTOCOL.md's framing (2-byte Noise frames, then {@code u32 length | message}),
 * not from the Netty pipeline, so it checks that pipeline from outside.
 */
final class RawPeer implements AutoCloseable {
    /** The prologue's protocol tag; the network key follows it (HandshakeHandler's prologue). */
    private static final byte[] PROLOGUE_PREFIX = "grapevine/1".getBytes(StandardCharsets.US_ASCII);
    private static final int READ_TIMEOUT_MILLIS = (int) TestNet.PATIENCE.toMillis();

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final TransportCiphers ciphers;
    private final StaticKeyBinding remote;
    /** Decrypted bytes not yet cut into messages. */
    private ByteBuffer plaintext = ByteBuffer.allocate(0);
    /** Bytes read from the socket after the handshake: frames with their length prefixes. */
    private long bytesReceived;

    private RawPeer(Socket socket, TransportCiphers ciphers, StaticKeyBinding remote) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.ciphers = ciphers;
        this.remote = remote;
    }

    /** The handshake hash this connection shares with the node (what membership tags bind to). */
    byte[] handshakeHash() {
        return ciphers.handshakeHash();
    }

    static byte[] prologue(NetworkKey network) {
        return new ByteWriter(PROLOGUE_PREFIX.length + 32).bytes(PROLOGUE_PREFIX).bytes(network.key()).toByteArray();
    }

    /** A plain TCP connection to {@code to}, nothing sent yet. */
    static Socket dial(InetSocketAddress to) throws IOException {
        Socket s = new Socket();
        s.connect(to, 5_000);
        s.setSoTimeout(READ_TIMEOUT_MILLIS);
        s.setTcpNoDelay(true);
        return s;
    }

    /** Dials {@code to} and completes a genuine XX handshake as {@code identity} (not listening anywhere). */
    static RawPeer connect(InetSocketAddress to, Identity identity, NetworkKey network) throws IOException, NoiseException, Malformed {
        return connect(to, identity, network, 0);
    }

    /** As {@link #connect(InetSocketAddress, Identity, NetworkKey)}, saying it listens on {@code listenPort} (true or not). */
    static RawPeer connect(InetSocketAddress to, Identity identity, NetworkKey network, int listenPort)
            throws IOException, NoiseException, Malformed {
        return connect(to, identity, network, listenPort, java.util.Set.of());
    }

    /** As {@link #connect(InetSocketAddress, Identity, NetworkKey, int)}, saying in the handshake it speaks {@code capabilities}. */
    static RawPeer connect(InetSocketAddress to, Identity identity, NetworkKey network, int listenPort, java.util.Set<String> capabilities)
            throws IOException, NoiseException, Malformed {
        Socket s = dial(to);
        try {
            DataInputStream in = new DataInputStream(s.getInputStream());
            X25519KeyPair key = X25519KeyPair.generate();
            NoiseHandshake hs = NoiseHandshake.initiator(NoiseProtocol.XX_25519_AESGCM_SHA256, prologue(network), key);
            writeFrame(s.getOutputStream(), hs.writeMessage(new byte[0]));
            byte[] frame = readFrame(in);
            if (frame == null) throw new EOFException("closed during the handshake");
            byte[] payload = hs.readMessage(frame);
            StaticKeyBinding remote = StaticKeyBinding.verify(payload, network, hs.remoteStatic().orElseThrow());
            writeFrame(s.getOutputStream(), hs.writeMessage(StaticKeyBinding.sign(identity, network, key, listenPort, capabilities)));
            return new RawPeer(s, hs.split(), remote);
        } catch (IOException | NoiseException | Malformed | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** How long {@link #receive} waits for the next bytes before it throws a SocketTimeoutException. */
    void readTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
    }

    /** Who the node proved to be. */
    StaticKeyBinding remote() {
        return remote;
    }

    void send(WireMessage message) throws IOException {
        sendMessage(WireCodec.encode(message));
    }

    /** Sends {@code body} as one wire message ({@code u32 length | body}), whatever it holds. */
    void sendMessage(byte[] body) throws IOException {
        sendPlaintext(ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array());
    }

    /** Encrypts {@code stream} into as many Noise frames as it takes: any bytes on the message layer. */
    void sendPlaintext(byte[] stream) throws IOException {
        for (int off = 0; off < stream.length; off += TransportCiphers.MAX_PLAINTEXT_LENGTH) {
            int n = Math.min(TransportCiphers.MAX_PLAINTEXT_LENGTH, stream.length - off);
            writeFrame(out, ciphers.encrypt(Arrays.copyOfRange(stream, off, off + n)));
        }
    }

    /** Encrypts {@code message} once and sends the same Noise message twice, as a replaying attacker would. */
    void sendReplayed(WireMessage message) throws IOException {
        byte[] body = WireCodec.encode(message);
        byte[] sealed = ciphers.encrypt(ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array());
        writeFrame(out, sealed);
        writeFrame(out, sealed);
    }

    /** Sends {@code frame} with a length prefix but unencrypted: any bytes on the Noise layer. */
    void sendFrame(byte[] frame) throws IOException {
        writeFrame(out, frame);
    }

    /** Sends many messages in as few Noise frames as they fit in, as a flooding peer would. */
    void sendAll(java.util.List<? extends WireMessage> messages) throws IOException {
        java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
        for (WireMessage m : messages) {
            byte[] body = WireCodec.encode(m);
            stream.write(ByteBuffer.allocate(4).putInt(body.length).array());
            stream.write(body);
        }
        sendPlaintext(stream.toByteArray());
    }

    /** Writes {@code bytes} to the socket as they are. */
    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Bytes the node has sent after the handshake and this peer has read, framing and tags included. */
    long bytesReceived() {
        return bytesReceived;
    }

    /** The next message from the node, or null once it has closed the connection. */
    WireMessage receive() throws IOException, NoiseException, Malformed {
        while (true) {
            if (plaintext.remaining() >= 4) {
                int length = plaintext.getInt(plaintext.position());
                if (length < 0 || length > WireCodec.MAX_MESSAGE) throw new Malformed("node sent a message of " + length + " bytes");
                if (plaintext.remaining() >= 4 + length) {
                    plaintext.getInt();
                    byte[] body = new byte[length];
                    plaintext.get(body);
                    return WireCodec.decode(body);
                }
            }
            byte[] frame;
            try {
                frame = readFrame(in);
            } catch (SocketTimeoutException e) {
                throw e; // still open: not a close
            } catch (IOException reset) {
                return null; // A reset is as good as a close here.
            }
            if (frame == null) return null;
            bytesReceived += 2 + frame.length;
            byte[] clear = ciphers.decrypt(frame);
            plaintext = ByteBuffer.allocate(plaintext.remaining() + clear.length).put(plaintext).put(clear).flip();
        }
    }

    /**
     * Reads until the node hangs up and returns its goodbye, or null if it closed without one.
     * Fails if the node keeps the connection open longer than the read timeout.
     */
    WireMessage.Goodbye awaitHangUp() throws IOException, NoiseException, Malformed {
        WireMessage.Goodbye goodbye = null;
        try {
            for (WireMessage m = receive(); m != null; m = receive()) {
                if (m instanceof WireMessage.Goodbye g) goodbye = g;
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the node kept the connection open for " + READ_TIMEOUT_MILLIS + " ms", e);
        }
        return goodbye;
    }

    /**
     * Reads until the node closes {@code socket}, discarding whatever it sends. True if it closed
     * (or reset) the connection within the socket's read timeout, false if it kept it open.
     */
    static boolean closedByPeer(Socket socket) {
        byte[] sink = new byte[4096];
        try {
            while (socket.getInputStream().read(sink) >= 0) {
                // Handshake replies and the like: not what we wait for.
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    static void writeFrame(OutputStream out, byte[] frame) throws IOException {
        byte[] prefixed = new byte[2 + frame.length];
        prefixed[0] = (byte) (frame.length >>> 8);
        prefixed[1] = (byte) frame.length;
        System.arraycopy(frame, 0, prefixed, 2, frame.length);
        out.write(prefixed);
        out.flush();
    }

    /** One length-prefixed frame, or null at a clean end of stream. */
    static byte[] readFrame(DataInputStream in) throws IOException {
        int hi = in.read();
        if (hi < 0) return null;
        int length = (hi << 8) | in.readUnsignedByte();
        byte[] frame = new byte[length];
        in.readFully(frame);
        return frame;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
