package org.grapevine.identity.channel;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.ChannelId;
import org.grapevine.identity.IdText;
import org.grapevine.identity.Malformed;

/**
 * What joining a channel takes, as one line (docs/PROTOCOL.md, "Channel invites"): the network,
 * the channel's display name, its root and owner persona (which give its id), the current epoch
 * secret, the personas that may re-key in that epoch (owner and admins, as the inviter knows
 * them, by their personas of that epoch), and where the inviter's
 * node can be reached. Text: {@code grapevine-channel:} then the
 * payload and the first 4 bytes of its SHA-256, in unpadded base64url, so that a truncated or
 * mistyped code is caught before anything is read from it. The code is the channel's secret:
 * whoever holds it can join.
 */
public record ChannelInvite(String network, String name, byte[] root, AuthorId owner, byte[] secret, List<AuthorId> admins,
                            List<String> addresses) {
    public static final String PREFIX = "grapevine-channel:";
    public static final int VERSION = 2;
    /** The most personas an invite names as owner or admin. */
    public static final int MAX_ADMINS = 64;
    public static final int MAX_NAME_BYTES = 64;
    public static final int MAX_ADDRESSES = 4;
    public static final int MAX_ADDRESS_BYTES = 320;
    private static final int CHECKSUM_BYTES = 4;

    public ChannelInvite {
        if (root.length != ChannelKeys.SECRET_BYTES || secret.length != ChannelKeys.SECRET_BYTES) throw new IllegalArgumentException("a root and a secret are 32 bytes");
        if (addresses.size() > MAX_ADDRESSES) throw new IllegalArgumentException("at most " + MAX_ADDRESSES + " addresses");
        root = root.clone();
        secret = secret.clone();
        addresses = List.copyOf(addresses);
        admins = List.copyOf(admins);
        if (admins.size() > MAX_ADMINS) throw new IllegalArgumentException("at most " + MAX_ADMINS + " admins");
    }

    /** The channel the invite is for. */
    public ChannelId channel() {
        return ChannelKeys.id(root, owner);
    }

    @Override
    public byte[] root() {
        return root.clone();
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    public String encode() {
        ByteWriter w = new ByteWriter(256).u8(VERSION).string(network).string(name).bytes(root).id(owner).bytes(secret).varint(admins.size());
        for (AuthorId a : admins) w.id(a);
        w.varint(addresses.size());
        for (String a : addresses) w.string(a);
        byte[] payload = w.toByteArray();
        byte[] all = Arrays.copyOf(payload, payload.length + CHECKSUM_BYTES);
        System.arraycopy(sha256(payload), 0, all, payload.length, CHECKSUM_BYTES);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(all);
    }

    /** Reads a code; the message of a failure is one line for the user. */
    public static ChannelInvite parse(String text) throws Malformed {
        String s = IdText.trim(text == null ? "" : text);
        if (!s.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) throw new Malformed("a channel invite starts with '" + PREFIX + "'");
        String data = s.substring(PREFIX.length());
        if (!data.matches("[A-Za-z0-9_-]*")) throw new Malformed("the invite code has characters no code has (copied with something else?)");
        byte[] all;
        try {
            all = Base64.getUrlDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            throw new Malformed("the invite code is cut short or mistyped");
        }
        if (all.length <= CHECKSUM_BYTES) throw new Malformed("the invite code is cut short");
        byte[] payload = Arrays.copyOf(all, all.length - CHECKSUM_BYTES);
        if (!MessageDigest.isEqual(Arrays.copyOfRange(all, payload.length, all.length), Arrays.copyOf(sha256(payload), CHECKSUM_BYTES))) {
            throw new Malformed("the invite code is damaged: cut short or mistyped");
        }
        ByteReader r = new ByteReader(payload);
        int version = r.u8("version");
        if (version != VERSION) throw new Malformed("an invite of version " + version + ": this node reads version " + VERSION);
        String network = r.string(64, "network");
        String name = r.string(MAX_NAME_BYTES, "name");
        byte[] root = r.bytes(32, "root");
        AuthorId owner = r.author("owner");
        byte[] secret = r.bytes(32, "secret");
        int a = r.length(MAX_ADMINS, "admins");
        AuthorId[] admins = new AuthorId[a];
        for (int i = 0; i < a; i++) admins[i] = r.author("admin");
        int n = r.length(MAX_ADDRESSES, "addresses");
        String[] addresses = new String[n];
        for (int i = 0; i < n; i++) addresses[i] = r.string(MAX_ADDRESS_BYTES, "address");
        r.end("invite");
        return new ChannelInvite(network, name, root, owner, secret, List.of(admins), List.of(addresses));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelInvite i && network.equals(i.network) && name.equals(i.name) && Arrays.equals(root, i.root)
                && owner.equals(i.owner) && Arrays.equals(secret, i.secret) && admins.equals(i.admins) && addresses.equals(i.addresses);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(root);
    }

    @Override
    public String toString() {
        return "ChannelInvite[" + name + " on " + network + "]"; // never the secret
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
