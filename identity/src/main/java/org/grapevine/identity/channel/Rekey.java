package org.grapevine.identity.channel;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.ChannelId;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.keys.Hpke;
import org.grapevine.identity.keys.X25519KeyPair;

/**
 * One part of a re-key (content type 10, only inside a sealed body, sealed under the epoch it
 * replaces): the new epoch's id, which part this is of how many, and for each persona the part
 * admits the new secret sealed to that persona's X25519 key. The personas a re-key admits are
 * those of all its parts; a recipient checks that the secret it opens gives the epoch id named.
 */
public record Rekey(byte[] epoch, int part, int parts, List<Recipient> recipients) implements Content {
    /** The most recipients in one part: 128 × 112 bytes fit the largest sealed bucket. */
    public static final int MAX_RECIPIENTS = 128;
    /** The most parts of one re-key (and so at most 32,768 personas: far more than a channel may have). */
    public static final int MAX_PARTS = 255;
    public static final int BOX_BYTES = ChannelKeys.SECRET_BYTES + Hpke.OVERHEAD;
    static final byte[] INFO = "grapevine/channel/rekey/1".getBytes(StandardCharsets.US_ASCII);

    /** A persona admitted, and the new secret sealed to it. */
    public record Recipient(AuthorId persona, byte[] box) {
        public Recipient {
            if (box.length != BOX_BYTES) throw new IllegalArgumentException("a sealed secret is " + BOX_BYTES + " bytes");
            box = box.clone();
        }

        @Override
        public byte[] box() {
            return box.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Recipient r && persona.equals(r.persona) && Arrays.equals(box, r.box);
        }

        @Override
        public int hashCode() {
            return persona.hashCode();
        }
    }

    public Rekey {
        if (epoch.length != 32) throw new IllegalArgumentException("an epoch id is 32 bytes");
        if (parts < 1 || parts > MAX_PARTS || part < 0 || part >= parts) throw new IllegalArgumentException("part " + part + " of " + parts);
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty() || recipients.size() > MAX_RECIPIENTS) throw new IllegalArgumentException("1 to " + MAX_RECIPIENTS + " recipients in a part");
        epoch = epoch.clone();
    }

    @Override
    public byte[] epoch() {
        return epoch.clone();
    }

    @Override
    public int type() {
        return Content.REKEY;
    }

    /**
     * The parts of a re-key of {@code channel} to the epoch of {@code secret}, sealing it to each
     * persona of {@code admitted} (persona → its X25519 public key), in the order given.
     */
    public static List<Rekey> seal(ChannelId channel, byte[] secret, Map<AuthorId, byte[]> admitted) {
        if (admitted.isEmpty()) throw new IllegalArgumentException("a re-key admits someone");
        byte[] epoch = ChannelKeys.epoch(secret, channel).id();
        List<Recipient> all = new ArrayList<>(admitted.size());
        admitted.forEach((persona, key) -> all.add(new Recipient(persona, Hpke.seal(key, info(channel, epoch), persona.bytes(), secret))));
        int parts = (all.size() + MAX_RECIPIENTS - 1) / MAX_RECIPIENTS;
        if (parts > MAX_PARTS) throw new IllegalArgumentException("a re-key for " + all.size() + " personas");
        List<Rekey> out = new ArrayList<>(parts);
        for (int i = 0; i < parts; i++) {
            out.add(new Rekey(epoch, i, parts, all.subList(i * MAX_RECIPIENTS, Math.min(all.size(), (i + 1) * MAX_RECIPIENTS))));
        }
        return out;
    }

    /**
     * The new secret as sealed to {@code persona} in this part, checked against the epoch id it
     * names; null when the part does not name the persona. Fails when the box does not open or
     * opens to a secret of another epoch.
     */
    public byte[] open(ChannelId channel, AuthorId persona, X25519KeyPair key) throws Malformed {
        for (Recipient r : recipients) {
            if (!r.persona().equals(persona)) continue;
            byte[] secret = Hpke.open(key, info(channel, epoch), persona.bytes(), r.box());
            if (secret.length != ChannelKeys.SECRET_BYTES) throw new Malformed("a sealed secret of " + secret.length + " bytes");
            if (!Arrays.equals(ChannelKeys.epoch(secret, channel).id(), epoch)) {
                throw new Malformed("the secret sealed to this persona is not the epoch's the re-key names");
            }
            return secret;
        }
        return null;
    }

    /** HPKE info: "grapevine/channel/rekey/1" | channel id | new epoch id (the aad is the recipient persona's id). */
    static byte[] info(ChannelId channel, byte[] epoch) {
        return new ByteWriter(INFO.length + 64).bytes(INFO).bytes(channel.bytes()).bytes(epoch).toByteArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rekey r && Arrays.equals(epoch, r.epoch) && part == r.part && parts == r.parts && recipients.equals(r.recipients);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(epoch) * 31 + part;
    }
}
