package org.grapevine.gossip.handshake;

import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;

/** The two Noise cipher functions, backed by the JDK's AEAD ciphers (which use hardware intrinsics). */
public enum NoiseCipher {
    /** AES-256-GCM; nonce = 4 zero bytes || 64-bit big-endian counter. What Grapevine uses. */
    AESGCM("AES/GCM/NoPadding", "AES", true),
    /** ChaCha20-Poly1305; nonce = 4 zero bytes || 64-bit little-endian counter. */
    CHACHAPOLY("ChaCha20-Poly1305", "ChaCha20", false);

    /** Authentication tag length in bytes. */
    public static final int TAG_LENGTH = 16;

    private final String transformation;
    private final String keyAlgorithm;
    private final boolean bigEndianNonce;

    NoiseCipher(String transformation, String keyAlgorithm, boolean bigEndianNonce) {
        this.transformation = transformation;
        this.keyAlgorithm = keyAlgorithm;
        this.bigEndianNonce = bigEndianNonce;
    }

    /** The name used in a Noise protocol name. */
    public String noiseName() {
        return this == AESGCM ? "AESGCM" : "ChaChaPoly";
    }

    static NoiseCipher forNoiseName(String name) {
        for (NoiseCipher c : values()) {
            if (c.noiseName().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unsupported Noise cipher: " + name);
    }

    Cipher newCipher() {
        try {
            return Cipher.getInstance(transformation);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + transformation, e);
        }
    }

    RawKey key(byte[] k) {
        return new RawKey(keyAlgorithm, k);
    }

    AlgorithmParameterSpec nonce(long n) {
        byte[] iv = new byte[12];
        for (int i = 0; i < 8; i++) {
            int shift = bigEndianNonce ? 56 - 8 * i : 8 * i;
            iv[4 + i] = (byte) (n >>> shift);
        }
        return this == AESGCM ? new GCMParameterSpec(TAG_LENGTH * 8, iv) : new IvParameterSpec(iv);
    }
}
