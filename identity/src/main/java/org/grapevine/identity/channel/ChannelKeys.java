package org.grapevine.identity.channel;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.ChannelId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.keys.X25519KeyPair;

/**
 * Everything a channel's secrets give (docs/PROTOCOL.md, "Channels"), each by HKDF-SHA256 (RFC
 * 5869) with a label of its own:
 *
 * <ul>
 *   <li>the <b>root</b>, from the channel's first secret: what personas are derived from;
 *   <li>the <b>channel id</b>, from the root and the owner's persona id, so the id names its owner;
 *   <li>a member's <b>persona</b> (an Ed25519 identity) and its X25519 key, from the member's
 *       identity seed and the root: nobody without the seed can link the persona to the member;
 *   <li>per epoch secret, the <b>epoch id</b>, the <b>content key</b> (AES-256-GCM, sealed bodies)
 *       and the <b>tag key</b> (HMAC-SHA256, membership tags), each bound to the channel id.
 * </ul>
 *
 * The root is derived from the first secret rather than the persona from the channel id, since
 * the channel id itself depends on the owner's persona.
 */
public final class ChannelKeys {
    public static final int SECRET_BYTES = 32;

    static final byte[] ROOT = label("grapevine/channel/root/1");
    static final byte[] ID = label("grapevine/channel/id/1");
    static final byte[] PERSONA = label("grapevine/channel/persona/1");
    static final byte[] PERSONA_X25519 = label("grapevine/channel/persona-x25519/1");
    static final byte[] EPOCH_ID = label("grapevine/channel/epoch-id/1");
    static final byte[] CONTENT = label("grapevine/channel/content/1");
    static final byte[] TAG = label("grapevine/channel/tag/1");
    static final byte[] BOOK = label("grapevine/channel-book/1");

    private ChannelKeys() {}

    /** The keys of one epoch: its id (named in sealed bodies), the content key and the tag key. */
    public record Epoch(byte[] id, byte[] contentKey, byte[] tagKey) {
        public Epoch {
            id = id.clone();
            contentKey = contentKey.clone();
            tagKey = tagKey.clone();
        }

        @Override
        public byte[] id() {
            return id.clone();
        }

        @Override
        public byte[] contentKey() {
            return contentKey.clone();
        }

        @Override
        public byte[] tagKey() {
            return tagKey.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Epoch e && Arrays.equals(id, e.id);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(id);
        }

        @Override
        public String toString() {
            return "Epoch[" + java.util.HexFormat.of().formatHex(id, 0, 4) + "…]";
        }
    }

    /** root = HKDF(ikm = first secret, salt = none, info = "grapevine/channel/root/1"). */
    public static byte[] root(byte[] firstSecret) {
        checkSecret(firstSecret);
        return hkdf(firstSecret, null, ROOT);
    }

    /** channel id = HKDF(ikm = root, salt = none, info = "grapevine/channel/id/1" || owner persona id). */
    public static ChannelId id(byte[] root, AuthorId ownerPersona) {
        checkSecret(root);
        return new ChannelId(hkdf(root, null, concat(ID, ownerPersona.bytes())));
    }

    /** The member's persona in the channel of this root: Ed25519 seed = HKDF(ikm = identity seed, salt = root, info = "grapevine/channel/persona/1"). */
    public static Identity persona(Identity member, byte[] root) {
        checkSecret(root);
        byte[] seed = member.seed();
        try {
            return Identity.fromSeed(hkdf(seed, root, PERSONA));
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** The persona's X25519 key for receiving epoch secrets: private key = HKDF(ikm = identity seed, salt = root, info = "grapevine/channel/persona-x25519/1"). */
    public static X25519KeyPair personaX25519(Identity member, byte[] root) {
        checkSecret(root);
        byte[] seed = member.seed();
        try {
            return X25519KeyPair.fromPrivateKey(hkdf(seed, root, PERSONA_X25519));
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /**
     * The member's persona in an epoch after the channel's first (each epoch a member is admitted
     * to, it writes from a persona of its own): Ed25519 seed = HKDF(ikm = identity seed, salt =
     * root || epoch id, info = "grapevine/channel/persona/1").
     */
    public static Identity persona(Identity member, byte[] root, byte[] epochId) {
        byte[] seed = member.seed();
        try {
            return Identity.fromSeed(hkdf(seed, laterSalt(root, epochId), PERSONA));
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** That persona's X25519 key: private key = HKDF(ikm = identity seed, salt = root || epoch id, info = "grapevine/channel/persona-x25519/1"). */
    public static X25519KeyPair personaX25519(Identity member, byte[] root, byte[] epochId) {
        byte[] seed = member.seed();
        try {
            return X25519KeyPair.fromPrivateKey(hkdf(seed, laterSalt(root, epochId), PERSONA_X25519));
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** Whether {@code secret} is the channel's first one, the one its root comes from. */
    public static boolean isFirst(byte[] secret, byte[] root) {
        return java.security.MessageDigest.isEqual(root(secret), root);
    }

    private static byte[] laterSalt(byte[] root, byte[] epochId) {
        checkSecret(root);
        if (epochId.length != 32) throw new IllegalArgumentException("an epoch id is 32 bytes");
        return concat(root, epochId);
    }

    /** The keys of the epoch whose secret is {@code secret}: each HKDF(ikm = secret, salt = channel id, info = its label). */
    public static Epoch epoch(byte[] secret, ChannelId channel) {
        checkSecret(secret);
        byte[] salt = channel.bytes();
        return new Epoch(hkdf(secret, salt, EPOCH_ID), hkdf(secret, salt, CONTENT), hkdf(secret, salt, TAG));
    }

    /** The key that seals a node's list of channels and their secrets: HKDF(ikm = identity seed, salt = none, info = "grapevine/channel-book/1"). */
    public static byte[] bookKey(Identity identity) {
        byte[] seed = identity.seed();
        try {
            return hkdf(seed, null, BOOK);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    static byte[] hkdf(byte[] ikm, byte[] salt, byte[] info) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(ikm, salt, info));
        byte[] out = new byte[32];
        hkdf.generateBytes(out, 0, out.length);
        return out;
    }

    private static void checkSecret(byte[] secret) {
        if (secret == null || secret.length != SECRET_BYTES) throw new IllegalArgumentException("a channel secret is " + SECRET_BYTES + " bytes");
    }

    private static byte[] label(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
