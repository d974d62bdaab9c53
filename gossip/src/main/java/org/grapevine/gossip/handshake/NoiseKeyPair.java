package org.grapevine.gossip.handshake;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc7748.X25519;

/** An X25519 key pair for Noise: a node's static key or a handshake's ephemeral one. */
public final class NoiseKeyPair {
    /** Length of an X25519 public key, private key and shared secret. */
    public static final int KEY_LENGTH = X25519.POINT_SIZE;

    private static final SecureRandom DEFAULT_RANDOM = new SecureRandom();

    private final byte[] privateKey;
    private final byte[] publicKey;
    private boolean destroyed;

    private NoiseKeyPair(byte[] privateKey) {
        this.privateKey = privateKey;
        this.publicKey = new byte[KEY_LENGTH];
        X25519.generatePublicKey(privateKey, 0, publicKey, 0);
    }

    private NoiseKeyPair(byte[] privateKey, byte[] publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    public static NoiseKeyPair generate() {
        return generate(DEFAULT_RANDOM);
    }

    public static NoiseKeyPair generate(SecureRandom random) {
        byte[] k = new byte[KEY_LENGTH];
        X25519.generatePrivateKey(random, k);
        return new NoiseKeyPair(k);
    }

    /** A key pair from 32 stored private-key bytes (copied; clamping happens inside X25519). */
    public static NoiseKeyPair fromPrivateKey(byte[] privateKey) {
        if (privateKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("X25519 private key must be 32 bytes, got " + privateKey.length);
        }
        return new NoiseKeyPair(privateKey.clone());
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
    public NoiseKeyPair copy() {
        checkLive();
        return new NoiseKeyPair(privateKey.clone(), publicKey.clone());
    }

    /**
     * Writes DH(this, remotePublic) into {@code out}.
     *
     * @throws NoiseException if the result is all zeros (the remote key is a low-order point)
     */
    void dh(byte[] remotePublic, byte[] out) throws NoiseException {
        checkLive();
        if (!X25519.calculateAgreement(privateKey, 0, remotePublic, 0, out, 0)) {
            throw new NoiseException("X25519 with a low-order public key (all-zero shared secret)");
        }
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
        return "NoiseKeyPair[public=" + HexFormat.of().formatHex(publicKey) + "]";
    }
}
