package org.grapevine.gossip.handshake;

import java.nio.ByteBuffer;

/**
 * The two directions of a Noise session after the handshake: one CipherState to send, one to
 * receive. Not thread-safe per direction; sending and receiving may run on different threads.
 */
public final class TransportCiphers {
    /** Largest Noise message, the limit of the 2-byte length prefix. */
    public static final int MAX_MESSAGE_LENGTH = 65535;
    public static final int TAG_LENGTH = NoiseCipher.TAG_LENGTH;
    /** Largest plaintext that fits one transport message. */
    public static final int MAX_PLAINTEXT_LENGTH = MAX_MESSAGE_LENGTH - TAG_LENGTH;

    private final CipherState send;
    private final CipherState receive;
    private final byte[] handshakeHash;

    /** Either state may be null for one-way patterns, in which that direction does not exist. */
    TransportCiphers(CipherState send, CipherState receive, byte[] handshakeHash) {
        this.send = send;
        this.receive = receive;
        this.handshakeHash = handshakeHash;
    }

    /**
     * Encrypts {@code len} bytes into {@code out} at {@code outOff} (the ranges may overlap) and
     * returns the bytes written, {@code len + TAG_LENGTH}.
     *
     * @throws IllegalArgumentException if {@code len} exceeds {@link #MAX_PLAINTEXT_LENGTH}
     */
    public int encrypt(byte[] plaintext, int off, int len, byte[] out, int outOff) {
        checkPlaintextLength(len);
        return sender().encryptWithAd(null, plaintext, off, len, out, outOff);
    }

    public byte[] encrypt(byte[] plaintext) {
        checkPlaintextLength(plaintext.length);
        byte[] out = new byte[plaintext.length + TAG_LENGTH];
        sender().encryptWithAd(null, plaintext, 0, plaintext.length, out, 0);
        return out;
    }

    /** Encrypts the remaining bytes of {@code plaintext} into {@code out}; suits direct buffers. */
    public int encrypt(ByteBuffer plaintext, ByteBuffer out) {
        checkPlaintextLength(plaintext.remaining());
        return sender().encryptWithAd(null, plaintext, out);
    }

    /**
     * Decrypts one transport message into {@code out} at {@code outOff} (the ranges may overlap)
     * and returns the plaintext length, {@code len - TAG_LENGTH}.
     *
     * @throws NoiseException if the message is too long or too short or fails authentication
     */
    public int decrypt(byte[] ciphertext, int off, int len, byte[] out, int outOff) throws NoiseException {
        checkCiphertextLength(len);
        return receiver().decryptWithAd(null, ciphertext, off, len, out, outOff);
    }

    public byte[] decrypt(byte[] ciphertext) throws NoiseException {
        checkCiphertextLength(ciphertext.length);
        byte[] out = new byte[ciphertext.length - TAG_LENGTH];
        receiver().decryptWithAd(null, ciphertext, 0, ciphertext.length, out, 0);
        return out;
    }

    /** Decrypts the remaining bytes of {@code ciphertext} into {@code out}; suits direct buffers. */
    public int decrypt(ByteBuffer ciphertext, ByteBuffer out) throws NoiseException {
        checkCiphertextLength(ciphertext.remaining());
        return receiver().decryptWithAd(null, ciphertext, out);
    }

    /** Noise Rekey of the sending key; the peer must call {@link #rekeyReceive()} at the same message. */
    public void rekeySend() {
        sender().rekey();
    }

    public void rekeyReceive() {
        receiver().rekey();
    }

    /** The handshake hash, a unique id of this session for channel binding. */
    public byte[] handshakeHash() {
        return handshakeHash.clone();
    }

    public boolean canSend() {
        return send != null;
    }

    public boolean canReceive() {
        return receive != null;
    }

    /** Wipes both keys; the session is unusable afterwards. */
    public void destroy() {
        if (send != null) {
            send.destroyKey();
        }
        if (receive != null) {
            receive.destroyKey();
        }
    }

    CipherState sendState() {
        return send;
    }

    CipherState receiveState() {
        return receive;
    }

    private CipherState sender() {
        if (send == null || !send.hasKey()) {
            throw new IllegalStateException(send == null ? "one-way pattern: this side only receives" : "destroyed");
        }
        return send;
    }

    private CipherState receiver() {
        if (receive == null || !receive.hasKey()) {
            throw new IllegalStateException(receive == null ? "one-way pattern: this side only sends" : "destroyed");
        }
        return receive;
    }

    private static void checkPlaintextLength(int len) {
        if (len > MAX_PLAINTEXT_LENGTH) {
            throw new IllegalArgumentException("plaintext of " + len + " bytes exceeds " + MAX_PLAINTEXT_LENGTH);
        }
    }

    private static void checkCiphertextLength(int len) throws NoiseException {
        if (len > MAX_MESSAGE_LENGTH) {
            throw new NoiseException("transport message of " + len + " bytes exceeds " + MAX_MESSAGE_LENGTH);
        }
        if (len < TAG_LENGTH) {
            throw new NoiseException("transport message of " + len + " bytes is shorter than its tag");
        }
    }

    @Override
    public String toString() {
        return "TransportCiphers[send=" + send + ", receive=" + receive + "]";
    }
}
