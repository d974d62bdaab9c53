package org.grapevine.identity.channel;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
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
 * {@code "grapevine/channel/intro/1" | channel id | persona id}, which only members can read. A
 * persona of an epoch after the member's first also names the persona it continues, with that
 * persona's signature over {@code "grapevine/channel/continues/1" | channel id | persona id}: so
 * members (anonymous ones too) and their roles carry across re-keys.
 */
public record Introduction(byte[] x25519, String name, AuthorId member, byte[] signature, AuthorId previous, byte[] previousSignature)
        implements Content {
    static final byte[] LABEL = "grapevine/channel/intro/1".getBytes(StandardCharsets.US_ASCII);
    static final byte[] CONTINUES = "grapevine/channel/continues/1".getBytes(StandardCharsets.US_ASCII);

    public Introduction {
        if (x25519.length != 32) throw new IllegalArgumentException("an X25519 key is 32 bytes");
        if ((member == null) != (signature == null)) throw new IllegalArgumentException("a member id comes with its signature");
        if ((previous == null) != (previousSignature == null)) throw new IllegalArgumentException("a previous persona comes with its signature");
        if (signature != null && signature.length != 64) throw new IllegalArgumentException("a signature is 64 bytes");
        if (previousSignature != null && previousSignature.length != 64) throw new IllegalArgumentException("a signature is 64 bytes");
        x25519 = x25519.clone();
        signature = signature == null ? null : signature.clone();
        previousSignature = previousSignature == null ? null : previousSignature.clone();
    }

    public Introduction(byte[] x25519, String name, AuthorId member, byte[] signature) {
        this(x25519, name, member, signature, null, null);
    }

    /** The introduction of {@code persona}, naming {@code member} unless {@code anonymous}. */
    public static Introduction of(Identity member, Identity persona, ChannelId channel, byte[] x25519, String name, boolean anonymous) {
        if (anonymous) return new Introduction(x25519, name, null, null);
        return new Introduction(x25519, name, member.id(), member.sign(signed(channel, persona.id())));
    }

    /** This introduction, saying that {@code persona} continues {@code previous} (who signs so). */
    public Introduction continuing(Identity previous, ChannelId channel, AuthorId persona) {
        return new Introduction(x25519, name, member, signature, previous.id(), previous.sign(continues(channel, persona)));
    }

    /** Whether the member named signed this persona for this channel (an anonymous introduction names nobody: false). */
    public boolean provesMember(ChannelId channel, AuthorId persona) {
        if (member == null) return false;
        byte[] msg = signed(channel, persona);
        return new Verifier(1).verify(member, msg, 0, msg.length, signature, 0);
    }

    /** Whether the previous persona named signed that {@code persona} continues it (false when none is named). */
    public boolean provesPrevious(ChannelId channel, AuthorId persona) {
        if (previous == null) return false;
        byte[] msg = continues(channel, persona);
        return new Verifier(1).verify(previous, msg, 0, msg.length, previousSignature, 0);
    }

    static byte[] signed(ChannelId channel, AuthorId persona) {
        return new ByteWriter(LABEL.length + 64).bytes(LABEL).bytes(channel.bytes()).id(persona).toByteArray();
    }

    static byte[] continues(ChannelId channel, AuthorId persona) {
        return new ByteWriter(CONTINUES.length + 64).bytes(CONTINUES).bytes(channel.bytes()).id(persona).toByteArray();
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
    public byte[] previousSignature() {
        return previousSignature == null ? null : previousSignature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Introduction i && Arrays.equals(x25519, i.x25519) && name.equals(i.name)
                && Objects.equals(member, i.member) && Arrays.equals(signature, i.signature)
                && Objects.equals(previous, i.previous) && Arrays.equals(previousSignature, i.previousSignature);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(x25519);
    }
}
