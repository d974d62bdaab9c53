package org.grapevine.gossip.transport;

import java.nio.charset.StandardCharsets;
import org.grapevine.identity.keys.X25519KeyPair;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.Verifier;

/**
 * The handshake payload that ties a node's Noise static key to its Ed25519 identity:
 * {@code version u8 | author [32] | listenPort u16 | signature [64]}, the signature over
 * {@code "grapevine/static-key/1" | network key | X25519 static key | listenPort}. It travels
 * encrypted inside the handshake, so an observer learns neither identity; the network key in it
 * keeps a binding from being replayed on another network.
 */
public record StaticKeyBinding(AuthorId author, int listenPort) {
    public static final int VERSION = 1;
    public static final int SIZE = 1 + 32 + 2 + 64;
    private static final byte[] CONTEXT = "grapevine/static-key/1".getBytes(StandardCharsets.US_ASCII);

    /** Signs the binding of {@code staticKey} to {@code identity}. {@code listenPort} 0 = not listening. */
    public static byte[] sign(Identity identity, NetworkKey network, X25519KeyPair staticKey, int listenPort) {
        byte[] signed = signedBytes(network, staticKey.publicKey(), listenPort);
        byte[] sig = identity.sign(signed);
        return new ByteWriter(SIZE).u8(VERSION).id(identity.id()).u16(listenPort).bytes(sig).toByteArray();
    }

    /** Checks a peer's payload against the static key the handshake proved it holds. */
    public static StaticKeyBinding verify(byte[] payload, NetworkKey network, byte[] remoteStatic) throws Malformed {
        ByteReader r = new ByteReader(payload);
        int version = r.u8("binding version");
        if (version != VERSION) throw new Malformed("unknown handshake payload version " + version);
        AuthorId author = r.author("author");
        int port = r.u16("listen port");
        byte[] sig = r.bytes(64, "signature");
        r.end("handshake payload");
        byte[] signed = signedBytes(network, remoteStatic, port);
        if (!new Verifier(1).verify(author, signed, 0, signed.length, sig, 0)) {
            throw new Malformed("the static key is not signed by " + author);
        }
        return new StaticKeyBinding(author, port);
    }

    private static byte[] signedBytes(NetworkKey network, byte[] staticKey, int port) {
        return new ByteWriter(CONTEXT.length + 32 + 32 + 2).bytes(CONTEXT).bytes(network.key()).bytes(staticKey).u16(port).toByteArray();
    }
}
