package org.grapevine.gossip.handshake;

import java.util.Objects;

/**
 * A Noise protocol: a handshake pattern and a cipher over X25519 and SHA-256, the only DH and
 * hash functions implemented. Grapevine speaks {@link #XX_25519_AESGCM_SHA256}.
 */
public record NoiseProtocol(HandshakePattern pattern, NoiseCipher cipher) {
    public static final NoiseProtocol XX_25519_AESGCM_SHA256 = parse("Noise_XX_25519_AESGCM_SHA256");

    public NoiseProtocol {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(cipher, "cipher");
    }

    /**
     * Parses a full protocol name such as {@code Noise_IK_25519_ChaChaPoly_SHA256}.
     *
     * @throws IllegalArgumentException if the name is malformed or names something not implemented
     */
    public static NoiseProtocol parse(String name) {
        String[] parts = name.split("_", -1);
        if (parts.length != 5 || !parts[0].equals("Noise")) {
            throw new IllegalArgumentException("not a Noise protocol name: " + name);
        }
        if (!parts[2].equals("25519")) {
            throw new IllegalArgumentException("unsupported DH function " + parts[2] + " in " + name);
        }
        if (!parts[4].equals("SHA256")) {
            throw new IllegalArgumentException("unsupported hash function " + parts[4] + " in " + name);
        }
        return new NoiseProtocol(HandshakePattern.forName(parts[1]), NoiseCipher.forNoiseName(parts[3]));
    }

    /** The protocol name, as hashed into the handshake. */
    public String name() {
        return "Noise_" + pattern.name() + "_25519_" + cipher.noiseName() + "_SHA256";
    }

    @Override
    public String toString() {
        return name();
    }
}
