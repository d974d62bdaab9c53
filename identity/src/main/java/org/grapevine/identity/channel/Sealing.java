package org.grapevine.identity.channel;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.ChannelId;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.ContentCodec;
import org.grapevine.identity.log.EntryHeader;

/**
 * Seals an ordinary content record for a channel's members, and opens it again (docs/PROTOCOL.md,
 * "Sealed bodies"). The plaintext is {@code inner type u16 | inner body (varint length, bytes) |
 * blob keys (list of blob id [32], key [32], size varint)}, then zero bytes up to a size bucket
 * (512, 2,048, 8,192 or {@value #MAX_PLAINTEXT} bytes), so that a body's length says little about
 * what it holds. AES-256-GCM with the epoch's content key and a random 12-byte nonce; the
 * associated data binds the channel, the epoch, the persona and the entry's sequence number, so
 * that nobody can move a ciphertext into another log, place or channel.
 */
public final class Sealing {
    /** The largest plaintext: what fits in an entry's body with the epoch id, nonce and tag. */
    public static final int MAX_PLAINTEXT = EntryHeader.MAX_CONTENT - Sealed.EPOCH_ID_BYTES - Sealed.NONCE_BYTES - Sealed.TAG_BYTES;
    static final int[] BUCKETS = {512, 2_048, 8_192, MAX_PLAINTEXT};
    static final byte[] AAD_LABEL = "grapevine/channel/sealed/1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Sealing() {}

    /** The key that opens one encrypted channel blob, and the blob's size before encryption. */
    public record BlobKey(BlobId blob, byte[] key, long size) {
        public BlobKey {
            if (key.length != ChannelBlobs.KEY_BYTES) throw new IllegalArgumentException("a blob key is 32 bytes");
            if (size < 0 || size > ChannelBlobs.MAX_SIZE) throw new IllegalArgumentException("blob size " + size + " out of range");
            key = key.clone();
        }

        @Override
        public byte[] key() {
            return key.clone();
        }
    }

    /** What a sealed body holds: an ordinary content record and the keys of the blobs it attaches. */
    public record Opened(Content content, List<BlobKey> keys) {
        public Opened {
            keys = List.copyOf(keys);
        }
    }

    /** Where a sealed body sits: the channel, the persona whose log holds it, and its sequence number there. */
    public record Place(ChannelId channel, AuthorId persona, long seq) {}

    public static Sealed seal(Content content, List<BlobKey> keys, ChannelKeys.Epoch epoch, Place place) {
        byte[] nonce = new byte[Sealed.NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return seal(content, keys, epoch, place, nonce);
    }

    /** As {@link #seal(Content, List, ChannelKeys.Epoch, Place)} with a given nonce: for test vectors only (a nonce must never repeat under one key). */
    static Sealed seal(Content content, List<BlobKey> keys, ChannelKeys.Epoch epoch, Place place, byte[] nonce) {
        if (content instanceof Sealed) throw new IllegalArgumentException("a sealed body does not hold another");
        if (keys.size() > Content.MAX_ATTACHMENTS) throw new IllegalArgumentException("more than " + Content.MAX_ATTACHMENTS + " blob keys");
        byte[] body = ContentCodec.encode(content);
        ByteWriter w = new ByteWriter(body.length + 64 + keys.size() * 72).u16(content.type()).blob(body).varint(keys.size());
        for (BlobKey k : keys) w.id(k.blob()).bytes(k.key()).varint(k.size());
        byte[] record = w.toByteArray();
        int padded = bucket(record.length);
        if (padded < 0) throw new IllegalArgumentException("a sealed record of " + record.length + " bytes does not fit in an entry");
        byte[] plaintext = Arrays.copyOf(record, padded);
        return new Sealed(epoch.id(), nonce, crypt(Cipher.ENCRYPT_MODE, epoch, nonce, aad(epoch, place), plaintext));
    }

    /**
     * Opens a sealed body with the keys of the epoch it names (the caller looks them up by
     * {@link Sealed#epochId()}). Fails when the ciphertext was not made for this place, or when
     * what it holds is not a well-formed record followed by zero bytes.
     */
    public static Opened open(Sealed sealed, ChannelKeys.Epoch epoch, Place place) throws Malformed {
        if (!Arrays.equals(sealed.epochId(), epoch.id())) throw new Malformed("sealed for another epoch");
        byte[] plaintext;
        try {
            plaintext = crypt(Cipher.DECRYPT_MODE, epoch, sealed.nonce(), aad(epoch, place), sealed.ciphertext());
        } catch (IllegalStateException e) {
            throw new Malformed("the sealed body does not open here: " + e.getMessage());
        }
        if (bucket(plaintext.length) != plaintext.length) throw new Malformed("a sealed plaintext of " + plaintext.length + " bytes is no bucket's size");
        ByteReader r = new ByteReader(plaintext);
        int type = r.u16("inner type");
        if (type == Content.SEALED) throw new Malformed("a sealed body holds another");
        byte[] body = r.blob(EntryHeader.MAX_CONTENT, "inner body");
        Content content = ContentCodec.decode(type, body);
        int n = r.length(Content.MAX_ATTACHMENTS, "blob keys");
        List<BlobKey> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            BlobId blob = r.blobId("blob");
            byte[] key = r.bytes(ChannelBlobs.KEY_BYTES, "blob key");
            keys.add(new BlobKey(blob, key, r.varint(ChannelBlobs.MAX_SIZE, "blob size")));
        }
        while (r.remaining() > 0) {
            if (r.u8("padding") != 0) throw new Malformed("padding that is not zero");
        }
        return new Opened(content, keys);
    }

    /** The smallest bucket that holds {@code length} bytes, or −1 when none does. */
    static int bucket(int length) {
        for (int b : BUCKETS) if (length <= b) return b;
        return -1;
    }

    /** "grapevine/channel/sealed/1" | channel id | epoch id | persona id | seq (i64). */
    static byte[] aad(ChannelKeys.Epoch epoch, Place place) {
        return new ByteWriter(AAD_LABEL.length + 104).bytes(AAD_LABEL).bytes(place.channel().bytes()).bytes(epoch.id()).id(place.persona())
                .i64(place.seq()).toByteArray();
    }

    private static byte[] crypt(int mode, ChannelKeys.Epoch epoch, byte[] nonce, byte[] aad, byte[] input) {
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(mode, new SecretKeySpec(epoch.contentKey(), "AES"), new GCMParameterSpec(Sealed.TAG_BYTES * 8, nonce));
            gcm.updateAAD(aad);
            return gcm.doFinal(input);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("its tag does not match");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed: " + e, e);
        }
    }
}
