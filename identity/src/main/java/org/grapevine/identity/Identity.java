package org.grapevine.identity;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** A pseudonym's Ed25519 keypair. The secret half never appears in {@link #toString()}. */
public final class Identity {
    private final Ed25519PrivateKeyParameters secret;
    private final Ed25519PublicKeyParameters publicKey;
    private final AuthorId id;

    private Identity(Ed25519PrivateKeyParameters secret) {
        this.secret = secret;
        this.publicKey = secret.generatePublicKey();
        this.id = new AuthorId(publicKey.getEncoded());
    }

    public static Identity generate(SecureRandom random) {
        return new Identity(new Ed25519PrivateKeyParameters(random));
    }

    /** Restores the keypair from its 32-byte seed (as the keystore holds it). */
    public static Identity fromSeed(byte[] seed) {
        if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 seed has 32 bytes");
        }
        return new Identity(new Ed25519PrivateKeyParameters(seed, 0));
    }

    public AuthorId id() {
        return id;
    }

    /** The 32-byte seed; the caller should wipe it when done. */
    public byte[] seed() {
        return secret.getEncoded();
    }

    /** Signs {@code len} bytes of {@code msg} from {@code off}, writing 64 bytes into {@code sig} at {@code sigOff}. */
    public void sign(byte[] msg, int off, int len, byte[] sig, int sigOff) {
        secret.sign(Ed25519.Algorithm.Ed25519, publicKey, null, msg, off, len, sig, sigOff);
    }

    public byte[] sign(byte[] msg) {
        byte[] sig = new byte[64];
        sign(msg, 0, msg.length, sig, 0);
        return sig;
    }

    @Override
    public String toString() {
        return "Identity[" + id + "]";
    }
}
