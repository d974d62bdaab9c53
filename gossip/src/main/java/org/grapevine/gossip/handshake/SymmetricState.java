package org.grapevine.gossip.handshake;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;

/**
 * Noise SymmetricState over SHA-256: the chaining key, the handshake hash and the handshake's
 * CipherState, with HKDF built on the JDK's HmacSHA256 exactly as the spec defines it.
 */
final class SymmetricState {
    static final int HASH_LENGTH = 32;

    private final MessageDigest sha256;
    private final Mac hmac;
    private final CipherState cipherState;
    private final byte[] ck = new byte[HASH_LENGTH];
    private final byte[] h = new byte[HASH_LENGTH];

    SymmetricState(NoiseProtocol protocol) {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
            hmac = Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks SHA-256 or HmacSHA256", e);
        }
        cipherState = new CipherState(protocol.cipher());
        byte[] name = protocol.name().getBytes(StandardCharsets.US_ASCII);
        if (name.length <= HASH_LENGTH) {
            System.arraycopy(name, 0, h, 0, name.length);
        } else {
            sha256.update(name);
            digestInto(h);
        }
        System.arraycopy(h, 0, ck, 0, HASH_LENGTH);
    }

    void mixKey(byte[] inputKeyMaterial) {
        byte[][] out = hkdf(inputKeyMaterial, 2);
        System.arraycopy(out[0], 0, ck, 0, HASH_LENGTH);
        cipherState.initializeKey(out[1]);
        wipe(out);
    }

    void mixHash(byte[] data) {
        mixHash(data, 0, data.length);
    }

    void mixHash(byte[] data, int off, int len) {
        sha256.update(h);
        sha256.update(data, off, len);
        digestInto(h);
    }

    void mixKeyAndHash(byte[] inputKeyMaterial) {
        byte[][] out = hkdf(inputKeyMaterial, 3);
        System.arraycopy(out[0], 0, ck, 0, HASH_LENGTH);
        mixHash(out[1]);
        cipherState.initializeKey(out[2]);
        wipe(out);
    }

    boolean hasKey() {
        return cipherState.hasKey();
    }

    /** Bytes that EncryptAndHash of {@code plaintextLength} bytes produces right now. */
    int sealedLength(int plaintextLength) {
        return cipherState.sealedLength(plaintextLength);
    }

    int encryptAndHash(byte[] in, int off, int len, byte[] out, int outOff) {
        int written = cipherState.encryptWithAd(h, in, off, len, out, outOff);
        mixHash(out, outOff, written);
        return written;
    }

    /** Decrypts with h as associated data; the input must not overlap the output. */
    int decryptAndHash(byte[] in, int off, int len, byte[] out, int outOff) throws NoiseException {
        int written = cipherState.decryptWithAd(h, in, off, len, out, outOff);
        mixHash(in, off, len);
        return written;
    }

    byte[] handshakeHash() {
        return h.clone();
    }

    /** Noise Split: the initiator-to-responder and responder-to-initiator CipherStates. */
    CipherState[] split() {
        byte[][] keys = hkdf(new byte[0], 2);
        CipherState c1 = new CipherState(cipherState.kind());
        CipherState c2 = new CipherState(cipherState.kind());
        c1.initializeKey(keys[0]);
        c2.initializeKey(keys[1]);
        wipe(keys);
        return new CipherState[] {c1, c2};
    }

    /** Wipes the chaining key and the handshake key; the handshake hash stays readable. */
    void destroy() {
        Arrays.fill(ck, (byte) 0);
        cipherState.destroyKey();
    }

    /** HKDF(ck, ikm) from section 4.3 of the spec, giving 2 or 3 outputs of 32 bytes. */
    private byte[][] hkdf(byte[] inputKeyMaterial, int outputs) {
        byte[] tempKey = hmac(ck, inputKeyMaterial, null);
        byte[][] out = new byte[outputs][];
        byte[] previous = new byte[0];
        for (int i = 0; i < outputs; i++) {
            out[i] = hmac(tempKey, previous, (byte) (i + 1));
            previous = out[i];
        }
        Arrays.fill(tempKey, (byte) 0);
        return out;
    }

    private byte[] hmac(byte[] key, byte[] data, Byte suffix) {
        RawKey k = new RawKey("HmacSHA256", key);
        try {
            hmac.init(k);
            hmac.update(data);
            if (suffix != null) {
                hmac.update(suffix);
            }
            return hmac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 rejected a 32-byte key", e);
        } finally {
            k.destroy();
        }
    }

    private void digestInto(byte[] target) {
        try {
            sha256.digest(target, 0, HASH_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void wipe(byte[][] arrays) {
        for (byte[] a : arrays) {
            Arrays.fill(a, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "SymmetricState[" + cipherState + "]";
    }
}
