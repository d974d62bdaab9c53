package org.grapevine.identity.keys;

/**
 * Lets test vectors in other packages seal with a chosen ephemeral key: {@link Hpke} keeps that
 * overload to its own package, since reusing an ephemeral key reveals the plaintexts.
 */
public final class HpkeForVectors {
    private HpkeForVectors() {}

    /** {@link Hpke#seal(byte[], byte[], byte[], byte[])} with {@code ephemeral} in place of a fresh key. */
    public static byte[] seal(byte[] recipientPublic, byte[] info, byte[] aad, byte[] plaintext, X25519KeyPair ephemeral) {
        return Hpke.seal(recipientPublic, info, aad, plaintext, ephemeral);
    }
}
