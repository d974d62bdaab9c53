package org.grapevine.identity.keys;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.grapevine.identity.Malformed;

/**
 * Sealing a secret to someone's X25519 key: HPKE (RFC 9180) in base mode with the suite of its
 * appendix A.1 — DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM — one message per
 * context. A sealed box is the 32-byte encapsulated key, then the ciphertext with its 16-byte
 * tag. {@code info} names what the box is for, so a box made for one purpose cannot be passed
 * off as another; {@code aad} binds it to where it travels.
 */
public final class Hpke {
    /** Bytes a sealed box adds to its plaintext: the encapsulated key and the tag. */
    public static final int OVERHEAD = X25519KeyPair.KEY_LENGTH + 16;

    private Hpke() {}

    private static HPKE suite() {
        return new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM128);
    }

    /** Seals {@code plaintext} to {@code recipientPublic} with a fresh ephemeral key. */
    public static byte[] seal(byte[] recipientPublic, byte[] info, byte[] aad, byte[] plaintext) {
        X25519KeyPair ephemeral = X25519KeyPair.generate();
        try {
            return seal(recipientPublic, info, aad, plaintext, ephemeral);
        } finally {
            ephemeral.destroy();
        }
    }

    /** Seals with the ephemeral key given: for vectors only, since reusing one reveals the plaintexts. */
    static byte[] seal(byte[] recipientPublic, byte[] info, byte[] aad, byte[] plaintext, X25519KeyPair ephemeral) {
        if (recipientPublic.length != X25519KeyPair.KEY_LENGTH) {
            throw new IllegalArgumentException("X25519 public key must be 32 bytes, got " + recipientPublic.length);
        }
        HPKE hpke = suite();
        byte[] secret = ephemeral.privateKey();
        try {
            AsymmetricCipherKeyPair e = hpke.deserializePrivateKey(secret, ephemeral.publicKey());
            HPKEContextWithEncapsulation context = hpke.setupBaseS(hpke.deserializePublicKey(recipientPublic), info, e);
            byte[] enc = context.getEncapsulation();
            byte[] ciphertext = context.seal(aad, plaintext);
            byte[] box = new byte[enc.length + ciphertext.length];
            System.arraycopy(enc, 0, box, 0, enc.length);
            System.arraycopy(ciphertext, 0, box, enc.length, ciphertext.length);
            return box;
        } catch (InvalidCipherTextException | IllegalStateException e) {
            // Bouncy Castle refuses a low-order recipient key (an all-zero shared secret).
            throw new IllegalArgumentException("cannot seal to this key: " + e.getMessage(), e);
        } finally {
            java.util.Arrays.fill(secret, (byte) 0);
        }
    }

    /** Opens a box sealed to {@code recipient} with the same {@code info} and {@code aad}. */
    public static byte[] open(X25519KeyPair recipient, byte[] info, byte[] aad, byte[] box) throws Malformed {
        if (box.length < OVERHEAD) throw new Malformed("sealed box of " + box.length + " bytes is shorter than " + OVERHEAD);
        byte[] enc = new byte[X25519KeyPair.KEY_LENGTH];
        System.arraycopy(box, 0, enc, 0, enc.length);
        HPKE hpke = suite();
        byte[] secret = recipient.privateKey();
        try {
            AsymmetricCipherKeyPair r = hpke.deserializePrivateKey(secret, recipient.publicKey());
            return hpke.setupBaseR(enc, r, info).open(aad, box, enc.length, box.length - enc.length);
        } catch (InvalidCipherTextException | IllegalStateException | IllegalArgumentException e) {
            throw new Malformed("sealed box does not open with this key");
        } finally {
            java.util.Arrays.fill(secret, (byte) 0);
        }
    }
}
