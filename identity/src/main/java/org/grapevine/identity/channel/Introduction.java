package org.grapevine.identity.channel;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.ChannelId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Verifier;
import org.grapevine.identity.content.Content;

/**
 * A persona's first entry in a channel, always sealed (content type 8 inside a sealed body): the
 * persona's X25519 key (for epoch secrets sealed to it), the name it goes by there, and, unless
 * its member joined anonymously, the member's public id with the member's signature over
 * {@code "grapevine/channel/intro/1" | channel id | persona id}, which only members can read.
 */
public record Introduction(byte[] x25519, String name, AuthorId member, byte[] signature) implements Content {
    static final byte[] LABEL = "grapevine/channel/intro/1".getBytes(StandardCharsets.US_ASCII);

    public Introduction {
        if (x25519.length != 32) throw new IllegalArgumentException("an X25519 key is 32 bytes");
        if ((member == null) != (signature == null)) throw new IllegalArgumentException("a member id comes with its signature");
        if (signature != null && signature.length != 64) throw new IllegalArgumentException("a signature is 64 bytes");
        x25519 = x25519.clone();
        signature = signature == null ? null : signature.clone();
    }

    /** The introduction of {@code persona}, naming {@code member} unless {@code anonymous}. */
    public static Introduction of(Identity member, Identity persona, ChannelId channel, byte[] x25519, String name, boolean anonymous) {
        if (anonymous) return new Introduction(x25519, name, null, null);
        return new Introduction(x25519, name, member.id(), member.sign(signed(channel, persona.id())));
    }

    /** Whether the member named signed this persona for this channel (an anonymous introduction names nobody: false). */
    public boolean provesMember(ChannelId channel, AuthorId persona) {
        if (member == null) return false;
        byte[] msg = signed(channel, persona);
        return new Verifier(1).verify(member, msg, 0, msg.length, signature, 0);
    }

    static byte[] signed(ChannelId channel, AuthorId persona) {
        return new ByteWriter(LABEL.length + 64).bytes(LABEL).bytes(channel.bytes()).id(persona).toByteArray();
    }

    @Override
    public int type() {
        return Content.INTRODUCTION;
    }

    @Override
    public byte[] x25519() {
        return x25519.clone();
    }

    @Override
    public byte[] signature() {
        return signature == null ? null : signature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Introduction i && Arrays.equals(x25519, i.x25519) && name.equals(i.name)
                && java.util.Objects.equals(member, i.member) && Arrays.equals(signature, i.signature);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(x25519);
    }
}
