package org.grapevine.identity.channel;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * How a node proves, within one connection, that it holds a channel (docs/PROTOCOL.md,
 * "Membership tags"): {@code HMAC-SHA256(tag key, role | handshake hash)}, role 1 when the sender
 * started the connection and 2 when it answered. The handshake hash makes a tag good for one
 * connection only; the role makes the two directions differ, so a stranger cannot send a peer's
 * own tags back and pass for a member.
 */
public final class MembershipTag {
    public static final int BYTES = 32;
    public static final byte INITIATOR = 1;
    public static final byte RESPONDER = 2;

    private MembershipTag() {}

    /** The tag a node in {@code role} sends for the channel whose epoch tag key is {@code tagKey}. */
    public static byte[] of(byte[] tagKey, byte role, byte[] handshakeHash) {
        if (role != INITIATOR && role != RESPONDER) throw new IllegalArgumentException("role " + role);
        HMac mac = new HMac(new SHA256Digest());
        mac.init(new KeyParameter(tagKey));
        mac.update(role);
        mac.update(handshakeHash, 0, handshakeHash.length);
        byte[] out = new byte[BYTES];
        mac.doFinal(out, 0);
        return out;
    }

    /** How many tags a node sends for {@code held} channels: at least 8, else the next power of two (the rest random). */
    public static int padded(int held) {
        int n = 8;
        while (n < held) n <<= 1;
        return n;
    }
}
