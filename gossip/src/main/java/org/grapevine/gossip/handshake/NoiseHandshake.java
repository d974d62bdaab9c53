package org.grapevine.gossip.handshake;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.grapevine.gossip.handshake.HandshakePattern.Token;
import org.grapevine.identity.keys.X25519KeyPair;

/**
 * One side of a Noise handshake (the spec's HandshakeState): alternately write and read
 * handshake messages until {@link #isComplete()}, then {@link #split()} into transport ciphers.
 * Not thread-safe; a connection's event loop owns it.
 */
public final class NoiseHandshake {
    /** Which side of the handshake this is. */
    public enum Role { INITIATOR, RESPONDER }

    public static final int MAX_MESSAGE_LENGTH = TransportCiphers.MAX_MESSAGE_LENGTH;

    private static final int KEY = X25519KeyPair.KEY_LENGTH;
    private static final int TAG = NoiseCipher.TAG_LENGTH;

    private final NoiseProtocol protocol;
    private final boolean initiator;
    private final SymmetricState symmetric;
    private final X25519KeyPair s;
    private final SecureRandom random;
    private final Deque<byte[]> psks;
    private final boolean pskMode;
    private X25519KeyPair e;
    private byte[] rs;
    private byte[] re;
    private int messageIndex;
    private boolean failed;
    private boolean split;

    private NoiseHandshake(Builder b) {
        HandshakePattern pattern = b.protocol.pattern();
        this.protocol = b.protocol;
        this.initiator = b.role == Role.INITIATOR;
        this.random = b.random;
        this.s = pattern.usesStatic(initiator) ? b.localStatic.copy() : null;
        this.e = b.ephemeral == null ? null : b.ephemeral.copy();
        this.rs = b.remoteStatic == null ? null : b.remoteStatic.clone();
        this.psks = new ArrayDeque<>();
        for (byte[] psk : b.psks) {
            psks.add(psk.clone());
        }
        this.pskMode = pattern.pskCount() > 0;
        this.symmetric = new SymmetricState(protocol);
        symmetric.mixHash(b.prologue);
        if (pattern.initiatorStaticPreKnown()) {
            symmetric.mixHash(initiator ? s.publicKey() : rs);
        }
        if (pattern.responderStaticPreKnown()) {
            symmetric.mixHash(initiator ? rs : s.publicKey());
        }
    }

    /** An initiator for a pattern that needs no pre-known remote key and no PSK, such as XX. */
    public static NoiseHandshake initiator(NoiseProtocol protocol, byte[] prologue, X25519KeyPair localStatic) {
        return builder(protocol, Role.INITIATOR).prologue(prologue).localStatic(localStatic).build();
    }

    /** A responder for a pattern that needs no pre-known remote key and no PSK, such as XX. */
    public static NoiseHandshake responder(NoiseProtocol protocol, byte[] prologue, X25519KeyPair localStatic) {
        return builder(protocol, Role.RESPONDER).prologue(prologue).localStatic(localStatic).build();
    }

    public static Builder builder(NoiseProtocol protocol, Role role) {
        return new Builder(protocol, role);
    }

    public NoiseProtocol protocol() {
        return protocol;
    }

    public boolean isInitiator() {
        return initiator;
    }

    /** Whether every handshake message has been written or read. */
    public boolean isComplete() {
        return messageIndex == protocol.pattern().messageCount();
    }

    /** Whether the next step is {@link #writeMessage}, as opposed to {@link #readMessage}. */
    public boolean isWriteTurn() {
        return !isComplete() && !failed && (messageIndex % 2 == 0) == initiator;
    }

    /** The peer's static public key once known: from the start if pre-known, else once received. */
    public Optional<byte[]> remoteStatic() {
        return Optional.ofNullable(rs).map(byte[]::clone);
    }

    /** The handshake hash h; once complete, a unique id of the session for channel binding. */
    public byte[] handshakeHash() {
        return symmetric.handshakeHash();
    }

    public byte[] writeMessage(byte[] payload) throws NoiseException {
        return writeMessage(payload, 0, payload.length);
    }

    /**
     * Writes the next handshake message carrying the given payload.
     *
     * @throws IllegalStateException if it is not this side's turn to write
     * @throws IllegalArgumentException if the message would exceed {@link #MAX_MESSAGE_LENGTH}
     * @throws NoiseException if a DH result is all zeros (a pre-known remote key of low order)
     */
    public byte[] writeMessage(byte[] payload, int off, int len) throws NoiseException {
        Objects.checkFromIndexSize(off, len, payload.length);
        if (!isWriteTurn()) {
            throw new IllegalStateException(failed ? "handshake failed" : isComplete() ? "handshake complete" : "not our turn to write");
        }
        List<Token> tokens = protocol.pattern().message(messageIndex);
        int length = messageLength(tokens, len);
        if (length > MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("handshake message of " + length + " bytes exceeds " + MAX_MESSAGE_LENGTH);
        }
        byte[] out = new byte[length];
        int p = 0;
        try {
            for (Token token : tokens) {
                switch (token) {
                    case E:
                        if (e == null) {
                            e = X25519KeyPair.generate(random);
                        }
                        byte[] ePublic = e.publicKey();
                        System.arraycopy(ePublic, 0, out, p, KEY);
                        p += KEY;
                        mixEphemeral(ePublic);
                        break;
                    case S:
                        p += symmetric.encryptAndHash(s.publicKey(), 0, KEY, out, p);
                        break;
                    case PSK:
                        mixPsk();
                        break;
                    default:
                        mixDh(token);
                }
            }
            p += symmetric.encryptAndHash(payload, off, len, out, p);
        } catch (NoiseException | RuntimeException ex) {
            fail();
            throw ex;
        }
        assert p == length;
        advance();
        return out;
    }

    public byte[] readMessage(byte[] message) throws NoiseException {
        return readMessage(message, 0, message.length);
    }

    /**
     * Reads the next handshake message and returns its payload. Hostile input never causes
     * anything but a {@link NoiseException}, after which this handshake is dead.
     *
     * @throws IllegalStateException if it is not this side's turn to read
     */
    public byte[] readMessage(byte[] message, int off, int len) throws NoiseException {
        Objects.checkFromIndexSize(off, len, message.length);
        if (failed || isComplete() || isWriteTurn()) {
            throw new IllegalStateException(failed ? "handshake failed" : isComplete() ? "handshake complete" : "not our turn to read");
        }
        byte[] payload;
        try {
            if (len > MAX_MESSAGE_LENGTH) {
                throw new NoiseException("handshake message of " + len + " bytes exceeds " + MAX_MESSAGE_LENGTH);
            }
            int p = off;
            int end = off + len;
            for (Token token : protocol.pattern().message(messageIndex)) {
                switch (token) {
                    case E:
                        need(end - p, KEY, "ephemeral key");
                        re = Arrays.copyOfRange(message, p, p + KEY);
                        p += KEY;
                        mixEphemeral(re);
                        break;
                    case S:
                        int sealed = symmetric.sealedLength(KEY);
                        need(end - p, sealed, "static key");
                        byte[] key = new byte[KEY];
                        symmetric.decryptAndHash(message, p, sealed, key, 0);
                        rs = key;
                        p += sealed;
                        break;
                    case PSK:
                        mixPsk();
                        break;
                    default:
                        mixDh(token);
                }
            }
            int remaining = end - p;
            if (symmetric.hasKey()) {
                need(remaining, TAG, "payload tag");
            }
            payload = new byte[symmetric.hasKey() ? remaining - TAG : remaining];
            symmetric.decryptAndHash(message, p, remaining, payload, 0);
        } catch (NoiseException | RuntimeException ex) {
            fail();
            throw ex;
        }
        advance();
        return payload;
    }

    /**
     * Splits a completed handshake into transport ciphers and wipes the handshake's secrets.
     * For one-way patterns the initiator gets only a sending and the responder only a receiving
     * direction.
     */
    public TransportCiphers split() {
        if (!isComplete() || failed || split) {
            throw new IllegalStateException(split ? "already split" : "handshake not complete");
        }
        CipherState[] c = symmetric.split();
        byte[] h = symmetric.handshakeHash();
        split = true;
        destroy();
        if (protocol.pattern().isOneWay()) {
            return initiator ? new TransportCiphers(c[0], null, h) : new TransportCiphers(null, c[0], h);
        }
        return initiator ? new TransportCiphers(c[0], c[1], h) : new TransportCiphers(c[1], c[0], h);
    }

    /** Wipes every secret this handshake holds; call it when a handshake is abandoned. */
    public void destroy() {
        symmetric.destroy();
        if (s != null) {
            s.destroy();
        }
        if (e != null) {
            e.destroy();
        }
        for (byte[] psk : psks) {
            Arrays.fill(psk, (byte) 0);
        }
        psks.clear();
    }

    private int messageLength(List<Token> tokens, int payloadLength) {
        boolean keyed = symmetric.hasKey();
        int length = 0;
        for (Token token : tokens) {
            if (token == Token.E) {
                length += KEY;
                keyed |= pskMode;
            } else if (token == Token.S) {
                length += KEY + (keyed ? TAG : 0);
            } else {
                keyed = true;
            }
        }
        return length + payloadLength + (keyed ? TAG : 0);
    }

    private void mixEphemeral(byte[] ePublic) {
        symmetric.mixHash(ePublic);
        if (pskMode) {
            symmetric.mixKey(ePublic);
        }
    }

    private void mixPsk() {
        byte[] psk = psks.removeFirst();
        symmetric.mixKeyAndHash(psk);
        Arrays.fill(psk, (byte) 0);
    }

    private void mixDh(Token token) throws NoiseException {
        X25519KeyPair local;
        byte[] remote;
        switch (token) {
            case EE:
                local = e;
                remote = re;
                break;
            case ES:
                local = initiator ? e : s;
                remote = initiator ? rs : re;
                break;
            case SE:
                local = initiator ? s : e;
                remote = initiator ? re : rs;
                break;
            case SS:
                local = s;
                remote = rs;
                break;
            default:
                throw new AssertionError(token);
        }
        if (local == null || remote == null) {
            throw new IllegalStateException("pattern " + protocol.pattern() + " uses a key not yet known for " + token);
        }
        byte[] shared = new byte[KEY];
        try {
            if (!local.agree(remote, shared)) {
                throw new NoiseException("X25519 with a low-order public key (all-zero shared secret)");
            }
            symmetric.mixKey(shared);
        } finally {
            Arrays.fill(shared, (byte) 0);
        }
    }

    private static void need(int available, int wanted, String what) throws NoiseException {
        if (available < wanted) {
            throw new NoiseException("handshake message too short for its " + what);
        }
    }

    private void advance() {
        messageIndex++;
    }

    private void fail() {
        failed = true;
        destroy();
    }

    @Override
    public String toString() {
        return "NoiseHandshake[" + protocol + ", " + (initiator ? "initiator" : "responder")
                + ", message " + messageIndex + "/" + protocol.pattern().messageCount() + (failed ? ", failed" : "") + "]";
    }

    /** Collects what a handshake needs before it starts: prologue, keys, PSKs. */
    public static final class Builder {
        private static final SecureRandom DEFAULT_RANDOM = new SecureRandom();

        private final NoiseProtocol protocol;
        private final Role role;
        private byte[] prologue = new byte[0];
        private X25519KeyPair localStatic;
        private byte[] remoteStatic;
        private final List<byte[]> psks = new ArrayList<>();
        private X25519KeyPair ephemeral;
        private SecureRandom random = DEFAULT_RANDOM;

        private Builder(NoiseProtocol protocol, Role role) {
            this.protocol = Objects.requireNonNull(protocol, "protocol");
            this.role = Objects.requireNonNull(role, "role");
        }

        public Builder prologue(byte[] prologue) {
            this.prologue = prologue.clone();
            return this;
        }

        /**
         * This side's static key pair, copied (the handshake wipes its copy when done); ignored
         * by patterns in which this side has no static key.
         */
        public Builder localStatic(X25519KeyPair localStatic) {
            this.localStatic = localStatic;
            return this;
        }

        /** The peer's static public key, for patterns in which it is known beforehand (IK, XK, ...). */
        public Builder remoteStatic(byte[] remoteStatic) {
            if (remoteStatic.length != X25519KeyPair.KEY_LENGTH) {
                throw new IllegalArgumentException("X25519 public key must be 32 bytes, got " + remoteStatic.length);
            }
            this.remoteStatic = remoteStatic.clone();
            return this;
        }

        /** Appends a 32-byte pre-shared key; psk tokens consume them in order. */
        public Builder psk(byte[] psk) {
            if (psk.length != 32) {
                throw new IllegalArgumentException("Noise PSK must be 32 bytes, got " + psk.length);
            }
            psks.add(psk.clone());
            return this;
        }

        public Builder random(SecureRandom random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** A fixed ephemeral key, only for reproducing test vectors. */
        Builder ephemeral(X25519KeyPair ephemeral) {
            this.ephemeral = ephemeral;
            return this;
        }

        /** @throws IllegalArgumentException if a key or PSK the pattern needs is missing or superfluous */
        public NoiseHandshake build() {
            HandshakePattern pattern = protocol.pattern();
            boolean isInitiator = role == Role.INITIATOR;
            if (pattern.usesStatic(isInitiator) && localStatic == null) {
                throw new IllegalArgumentException(protocol + " needs a local static key for the " + role);
            }
            boolean remotePreKnown = isInitiator ? pattern.responderStaticPreKnown() : pattern.initiatorStaticPreKnown();
            if (remotePreKnown != (remoteStatic != null)) {
                throw new IllegalArgumentException(protocol + (remotePreKnown
                        ? " needs the remote static key beforehand" : " learns the remote static key in the handshake"));
            }
            if (psks.size() != pattern.pskCount()) {
                throw new IllegalArgumentException(protocol + " needs " + pattern.pskCount() + " PSKs, got " + psks.size());
            }
            return new NoiseHandshake(this);
        }
    }
}
