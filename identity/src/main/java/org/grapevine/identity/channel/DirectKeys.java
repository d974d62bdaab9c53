package org.grapevine.identity.channel;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.keys.X25519KeyPair;

/**
 * The keys of a conversation between two people (docs/PROTOCOL.md, "Conversations"): a channel
 * whose first secret both can compute alone, from X25519 of their identity keys mapped from
 * Ed25519 (RFC 7748's birational map, as libsodium's {@code crypto_sign_ed25519_pk_to_curve25519}
 * and {@code _sk_to_curve25519} do), bound to both ids in a fixed order (an id and its negation
 * map to one X25519 key). A key that is not a valid point of full order, and an all-zero
 * agreement, are refused.
 */
public final class DirectKeys {
    static final byte[] SECRET = "grapevine/dm/secret/1".getBytes(StandardCharsets.US_ASCII);
    static final byte[] FRESH = "grapevine/dm/fresh/1".getBytes(StandardCharsets.US_ASCII);
    private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));

    /** The owner a conversation's channel id names: nobody (32 zero bytes), since nobody owns a conversation. */
    public static final AuthorId NO_OWNER = new AuthorId(new byte[32]);

    private DirectKeys() {}

    /**
     * The X25519 public key of an identity: u = (1 + y) / (1 − y) mod p, y being the Ed25519
     * key's coordinate. Refused when the key is not a point of the curve of full order.
     */
    public static byte[] x25519Public(AuthorId id) throws Malformed {
        byte[] key = id.bytes();
        if (!Ed25519.validatePublicKeyFull(key, 0)) throw new Malformed("not a valid Ed25519 key of full order");
        byte[] le = key.clone();
        le[31] &= 0x7f;
        BigInteger y = new BigInteger(1, reverse(le));
        BigInteger u = BigInteger.ONE.add(y).multiply(BigInteger.ONE.subtract(y).mod(P).modInverse(P)).mod(P);
        byte[] be = u.toByteArray();
        byte[] out = new byte[32];
        for (int i = 0; i < 32 && i < be.length; i++) out[i] = be[be.length - 1 - i];
        return out;
    }

    /** The X25519 key pair of an identity: the private key is the first half of SHA-512(seed), which X25519 clamps. */
    public static X25519KeyPair x25519(Identity identity) {
        byte[] seed = identity.seed();
        byte[] h;
        try {
            h = MessageDigest.getInstance("SHA-512").digest(seed);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 missing", e);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
        try {
            return X25519KeyPair.fromPrivateKey(Arrays.copyOf(h, 32));
        } finally {
            Arrays.fill(h, (byte) 0);
        }
    }

    /**
     * The first secret of the conversation between {@code me} and {@code other}: HKDF-SHA256(ikm
     * = X25519(me, other), salt = none, info = "grapevine/dm/secret/1" || the smaller id || the
     * larger, compared as unsigned bytes). Both sides compute the same.
     */
    public static byte[] secret(Identity me, AuthorId other) throws Malformed {
        if (me.id().equals(other)) throw new IllegalArgumentException("a conversation is between two people");
        byte[] theirs = x25519Public(other);
        X25519KeyPair mine = x25519(me);
        byte[] shared = new byte[32];
        try {
            if (!mine.agree(theirs, shared)) throw new Malformed("the key agreement gives zero");
            byte[] a = me.id().bytes();
            byte[] b = other.bytes();
            boolean meFirst = Arrays.compareUnsigned(a, b) < 0;
            return ChannelKeys.hkdf(shared, null, ChannelKeys.concat(SECRET, ChannelKeys.concat(meFirst ? a : b, meFirst ? b : a)));
        } finally {
            Arrays.fill(shared, (byte) 0);
            mine.destroy();
        }
    }

    /**
     * The secret of the epoch made from two fresh keys: HKDF-SHA256(ikm = X25519(own fresh
     * private key, the other side's fresh public key), salt = the conversation's first secret,
     * info = "grapevine/dm/fresh/1" || the fresh public key of the side with the smaller id || the
     * other's). Both sides compute the same; an all-zero agreement is refused.
     */
    public static byte[] freshSecret(byte[] first, AuthorId me, X25519KeyPair mine, AuthorId other, byte[] theirs) throws Malformed {
        if (theirs.length != 32) throw new Malformed("a fresh key of " + theirs.length + " bytes");
        byte[] shared = new byte[32];
        try {
            if (!mine.agree(theirs, shared)) throw new Malformed("the fresh keys' agreement gives zero");
            boolean meFirst = Arrays.compareUnsigned(me.bytes(), other.bytes()) < 0;
            byte[] own = mine.publicKey();
            return ChannelKeys.hkdf(shared, first, ChannelKeys.concat(FRESH, ChannelKeys.concat(meFirst ? own : theirs, meFirst ? theirs : own)));
        } finally {
            Arrays.fill(shared, (byte) 0);
        }
    }

    private static byte[] reverse(byte[] b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) out[i] = b[b.length - 1 - i];
        return out;
    }
}
