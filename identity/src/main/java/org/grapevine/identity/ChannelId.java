package org.grapevine.identity;


/**
 * A channel's stable id: derived once from the channel's root and its owner's persona
 * ({@link org.grapevine.identity.channel.ChannelKeys#id}), never sent outside encryption. Its text form ({@code #…}) is for the
 * channel's members.
 */
public final class ChannelId extends Id32<ChannelId> {
    public ChannelId(byte[] bytes) {
        super(IdText.Kind.CHANNEL, bytes);
    }

    public static ChannelId parse(String text) {
        return new ChannelId(IdText.parse(IdText.Kind.CHANNEL, text));
    }
}
