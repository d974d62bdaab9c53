package org.grapevine.gossip.handshake;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;

/**
 * Noise CipherState: a key and a 64-bit nonce over one reused JDK {@link Cipher}. Without a key,
 * "encryption" copies the plaintext, as the spec requires during the first handshake messages.
 */
final class CipherState {
    static final int KEY_LENGTH = 32;
    /** 2^64-1 is reserved for rekeying; reaching it means the key is used up. */
    private static final long RESERVED_NONCE = -1L;

    private final NoiseCipher kind;
    private final Cipher cipher;
    private RawKey key;
    private long nonce;

    CipherState(NoiseCipher kind) {
        this.kind = kind;
        this.cipher = kind.newCipher();
    }

    NoiseCipher kind() {
        return kind;
    }

    void initializeKey(byte[] k) {
        destroyKey();
        key = kind.key(k);
        nonce = 0;
    }

    boolean hasKey() {
        return key != null;
    }

    /** The next nonce to be used, as an unsigned 64-bit value. */
    long nonce() {
        return nonce;
    }

    /** Noise SetNonce; for tests of nonce exhaustion and for transports that carry nonces. */
    void setNonce(long n) {
        nonce = n;
    }

    /** Bytes that encrypting {@code plaintextLength} bytes produces. */
    int sealedLength(int plaintextLength) {
        return hasKey() ? plaintextLength + NoiseCipher.TAG_LENGTH : plaintextLength;
    }

    /** Encrypts into {@code out} (which may overlap the input) and returns the bytes written. */
    int encryptWithAd(byte[] ad, byte[] in, int off, int len, byte[] out, int outOff) {
        checkBounds(in, off, len);
        checkBounds(out, outOff, sealedLength(len));
        if (key == null) {
            System.arraycopy(in, off, out, outOff, len);
            return len;
        }
        checkSendNonce();
        try {
            start(Cipher.ENCRYPT_MODE, ad, nonce);
            int written = cipher.doFinal(in, off, len, out, outOff);
            nonce++;
            return written;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AEAD encryption failed", e);
        }
    }

    int encryptWithAd(byte[] ad, ByteBuffer in, ByteBuffer out) {
        if (out.remaining() < sealedLength(in.remaining())) {
            throw new IllegalArgumentException("output buffer too small");
        }
        if (key == null) {
            int len = in.remaining();
            out.put(in);
            return len;
        }
        checkSendNonce();
        try {
            start(Cipher.ENCRYPT_MODE, ad, nonce);
            int written = cipher.doFinal(in, out);
            nonce++;
            return written;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AEAD encryption failed", e);
        }
    }

    /**
     * Decrypts into {@code out} (which may overlap the input) and returns the plaintext length.
     * On failure the nonce is left unchanged, as the spec requires.
     */
    int decryptWithAd(byte[] ad, byte[] in, int off, int len, byte[] out, int outOff) throws NoiseException {
        checkBounds(in, off, len);
        if (key == null) {
            checkBounds(out, outOff, len);
            System.arraycopy(in, off, out, outOff, len);
            return len;
        }
        checkReceive(len);
        checkBounds(out, outOff, len - NoiseCipher.TAG_LENGTH);
        try {
            start(Cipher.DECRYPT_MODE, ad, nonce);
            int written = cipher.doFinal(in, off, len, out, outOff);
            nonce++;
            return written;
        } catch (AEADBadTagException e) {
            throw new NoiseException("message failed authentication");
        } catch (GeneralSecurityException e) {
            throw new NoiseException("AEAD decryption failed", e);
        }
    }

    int decryptWithAd(byte[] ad, ByteBuffer in, ByteBuffer out) throws NoiseException {
        int len = in.remaining();
        if (key == null) {
            if (out.remaining() < len) {
                throw new IllegalArgumentException("output buffer too small");
            }
            out.put(in);
            return len;
        }
        checkReceive(len);
        if (out.remaining() < len - NoiseCipher.TAG_LENGTH) {
            throw new IllegalArgumentException("output buffer too small");
        }
        int inPosition = in.position();
        int outPosition = out.position();
        try {
            start(Cipher.DECRYPT_MODE, ad, nonce);
            int written = cipher.doFinal(in, out);
            nonce++;
            return written;
        } catch (AEADBadTagException e) {
            in.position(inPosition);
            out.position(outPosition);
            throw new NoiseException("message failed authentication");
        } catch (GeneralSecurityException e) {
            in.position(inPosition);
            out.position(outPosition);
            throw new NoiseException("AEAD decryption failed", e);
        }
    }

    /** Noise Rekey: the new key is the first 32 bytes of ENCRYPT(k, 2^64-1, empty, 32 zeros). */
    void rekey() {
        if (key == null) {
            throw new IllegalStateException("no key to rekey");
        }
        byte[] block = new byte[KEY_LENGTH + NoiseCipher.TAG_LENGTH];
        try {
            start(Cipher.ENCRYPT_MODE, null, RESERVED_NONCE);
            cipher.doFinal(block, 0, KEY_LENGTH, block, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AEAD encryption failed", e);
        }
        byte[] newKey = Arrays.copyOf(block, KEY_LENGTH);
        Arrays.fill(block, (byte) 0);
        long n = nonce;
        initializeKey(newKey);
        nonce = n;
        Arrays.fill(newKey, (byte) 0);
    }

    void destroyKey() {
        if (key != null) {
            key.destroy();
            key = null;
        }
    }

    private void start(int mode, byte[] ad, long n) throws GeneralSecurityException {
        cipher.init(mode, key, kind.nonce(n));
        if (ad != null && ad.length > 0) {
            cipher.updateAAD(ad);
        }
    }

    private void checkSendNonce() {
        if (nonce == RESERVED_NONCE) {
            throw new IllegalStateException("nonce exhausted: this key has sent 2^64-1 messages");
        }
    }

    private void checkReceive(int len) throws NoiseException {
        if (nonce == RESERVED_NONCE) {
            throw new NoiseException("nonce exhausted: this key has received 2^64-1 messages");
        }
        if (len < NoiseCipher.TAG_LENGTH) {
            throw new NoiseException("ciphertext shorter than its tag: " + len + " bytes");
        }
    }

    private static void checkBounds(byte[] array, int off, int len) {
        if (off < 0 || len < 0 || off > array.length - len) {
            throw new IndexOutOfBoundsException("range [" + off + ", " + off + "+" + len + ") outside array of " + array.length);
        }
    }

    @Override
    public String toString() {
        return "CipherState[" + kind + (hasKey() ? ", keyed, n=" + Long.toUnsignedString(nonce) : ", no key") + "]";
    }
}
