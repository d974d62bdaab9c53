package org.grapevine.identity.keys;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * An X25519 key pair (RFC 7748): a node's static Noise key, a handshake's ephemeral one, a key
 * that sealed secrets are addressed to ({@link Hpke}).
 */
public final class X25519KeyPair {
    /** Length of an X25519 public key, private key and shared secret. */
    public static final int KEY_LENGTH = X25519.POINT_SIZE;

    private static final SecureRandom DEFAULT_RANDOM = new SecureRandom();

    private final byte[] privateKey;
    private final byte[] publicKey;
    private boolean destroyed;

    private X25519KeyPair(byte[] privateKey) {
        this.privateKey = privateKey;
        this.publicKey = new byte[KEY_LENGTH];
        X25519.generatePublicKey(privateKey, 0, publicKey, 0);
    }

    private X25519KeyPair(byte[] privateKey, byte[] publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    public static X25519KeyPair generate() {
        return generate(DEFAULT_RANDOM);
    }

    public static X25519KeyPair generate(SecureRandom random) {
        byte[] k = new byte[KEY_LENGTH];
        X25519.generatePrivateKey(random, k);
        return new X25519KeyPair(k);
    }

    /** A key pair from 32 stored private-key bytes (copied; clamping happens inside X25519). */
    public static X25519KeyPair fromPrivateKey(byte[] privateKey) {
        if (privateKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("X25519 private key must be 32 bytes, got " + privateKey.length);
        }
        return new X25519KeyPair(privateKey.clone());
    }

    /** A copy of the public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** A copy of the private key, for the keystore; the caller should wipe it when done. */
    public byte[] privateKey() {
        checkLive();
        return privateKey.clone();
    }

    /** A copy of this key pair that can be destroyed independently of it. */
    public X25519KeyPair copy() {
        checkLive();
        return new X25519KeyPair(privateKey.clone(), publicKey.clone());
    }

    /**
     * Writes X25519(this private key, {@code remotePublic}) into {@code out}; false, with
     * {@code out} all zeros, when the remote key is a low-order point: a result no caller may use.
     */
    public boolean agree(byte[] remotePublic, byte[] out) {
        checkLive();
        if (remotePublic.length != KEY_LENGTH) throw new IllegalArgumentException("X25519 public key must be 32 bytes, got " + remotePublic.length);
        return X25519.calculateAgreement(privateKey, 0, remotePublic, 0, out, 0);
    }

    /** Overwrites the private key; the pair is unusable afterwards. */
    public void destroy() {
        Arrays.fill(privateKey, (byte) 0);
        destroyed = true;
    }

    public boolean isDestroyed() {
        return destroyed;
    }

    private void checkLive() {
        if (destroyed) {
            throw new IllegalStateException("key pair destroyed");
        }
    }

    @Override
    public String toString() {
        return "X25519KeyPair[public=" + HexFormat.of().formatHex(publicKey) + "]";
    }
}
