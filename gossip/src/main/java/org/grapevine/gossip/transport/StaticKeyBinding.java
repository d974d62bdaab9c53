package org.grapevine.gossip.transport;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.grapevine.identity.keys.X25519KeyPair;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.Verifier;

/**
 * The handshake payload that ties a node's Noise static key to its Ed25519 identity and says
 * what the node speaks: {@code version u8 (2) | author [32] | listenPort u16 | signature [64] |
 * capabilities (count varint, then each a string)}, the signature over {@code
 * "grapevine/static-key/1" | network key | X25519 static key | listenPort}. It travels encrypted
 * and authenticated inside the handshake, so an observer learns neither identity nor
 * capabilities, and nobody can change them unseen; the network key in the signature keeps a
 * binding from being replayed on another network. A reader ignores bytes after the capability
 * list (later versions may add fields there) and capabilities it does not know.
 */
public record StaticKeyBinding(AuthorId author, int listenPort, Set<String> capabilities) {
    public static final int VERSION = 2;
    /** At most this many capabilities, each a name of 1 to {@value #MAX_CAPABILITY_BYTES} bytes. */
    public static final int MAX_CAPABILITIES = 32;
    public static final int MAX_CAPABILITY_BYTES = 64;
    private static final Pattern CAPABILITY = Pattern.compile("[a-z0-9][a-z0-9./-]{0," + (MAX_CAPABILITY_BYTES - 1) + "}");
    private static final byte[] CONTEXT = "grapevine/static-key/1".getBytes(StandardCharsets.US_ASCII);

    public StaticKeyBinding {
        capabilities = Set.copyOf(new TreeSet<>(capabilities));
    }

    /** Whether {@code name} is a well-formed capability: lower-case ASCII letters, digits, '.', '/' and '-', starting with a letter or digit. */
    public static boolean isCapability(String name) {
        return CAPABILITY.matcher(name).matches();
    }

    /**
     * Signs the binding of {@code staticKey} to {@code identity} and lists {@code capabilities}.
     * {@code listenPort} 0 = not listening.
     */
    public static byte[] sign(Identity identity, NetworkKey network, X25519KeyPair staticKey, int listenPort, Set<String> capabilities) {
        if (capabilities.size() > MAX_CAPABILITIES) throw new IllegalArgumentException("more than " + MAX_CAPABILITIES + " capabilities");
        byte[] signed = signedBytes(network, staticKey.publicKey(), listenPort);
        byte[] sig = identity.sign(signed);
        ByteWriter w = new ByteWriter(1 + 32 + 2 + 64 + 1 + capabilities.size() * (1 + MAX_CAPABILITY_BYTES))
                .u8(VERSION).id(identity.id()).u16(listenPort).bytes(sig).varint(capabilities.size());
        for (String c : new TreeSet<>(capabilities)) {
            if (!isCapability(c)) throw new IllegalArgumentException("not a capability name: " + c);
            w.string(c);
        }
        return w.toByteArray();
    }

    /** Checks a peer's payload against the static key the handshake proved it holds. */
    public static StaticKeyBinding verify(byte[] payload, NetworkKey network, byte[] remoteStatic) throws Malformed {
        ByteReader r = new ByteReader(payload);
        int version = r.u8("binding version");
        if (version != VERSION) throw new Malformed("unknown handshake payload version " + version);
        AuthorId author = r.author("author");
        int port = r.u16("listen port");
        byte[] sig = r.bytes(64, "signature");
        int n = r.length(MAX_CAPABILITIES, "capability count");
        Set<String> capabilities = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            String c = r.string(MAX_CAPABILITY_BYTES, "capability");
            if (!isCapability(c)) throw new Malformed("not a capability name: " + c);
            capabilities.add(c);
        }
        // Bytes after the list are a later version's fields: ignored.
        byte[] signed = signedBytes(network, remoteStatic, port);
        if (!new Verifier(1).verify(author, signed, 0, signed.length, sig, 0)) {
            throw new Malformed("the static key is not signed by " + author);
        }
        return new StaticKeyBinding(author, port, capabilities);
    }

    private static byte[] signedBytes(NetworkKey network, byte[] staticKey, int port) {
        return new ByteWriter(CONTEXT.length + 32 + 32 + 2).bytes(CONTEXT).bytes(network.key()).bytes(staticKey).u16(port).toByteArray();
    }
}
