package org.grapevine.identity.channel;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.ChannelId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.blob.BlobHasher;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.ContentCodec;
import org.grapevine.identity.log.Entry;

/**
 * Builds the channel test vectors of docs/PROTOCOL.md ("Channel test vectors") from the code:
 * alice creates a channel, bob is her member; every key, a sealed post (with a fixed nonce), the
 * entry that carries it, an encrypted blob, two membership tags and an invite.
 */
public final class ChannelVectorsPrinter {
    private static final HexFormat HEX = HexFormat.of();
    static final byte[] ALICE_SEED = seq(0x00);
    static final byte[] BOB_SEED = seq(0x20);
    static final byte[] FIRST_SECRET = seq(0x80);
    static final byte[] NONCE = HEX.parseHex("a0a1a2a3a4a5a6a7a8a9aaab");
    static final byte[] BLOB_KEY = seq(0xc0);
    static final byte[] HANDSHAKE_HASH = seq(0xe0);
    static final long T0 = 1_700_000_000_000L;

    private ChannelVectorsPrinter() {}

    public static void main(String[] args) {
        System.out.println(org.grapevine.identity.vectors.ProtocolVectorsTest.fenced(groups()));
    }

    static byte[] seq(int first) {
        byte[] b = new byte[32];
        for (int i = 0; i < 32; i++) b[i] = (byte) (first + i);
        return b;
    }

    /** The file the blob vector encrypts: 300 bytes, byte i = i mod 251. */
    static byte[] file() {
        byte[] f = new byte[300];
        for (int i = 0; i < f.length; i++) f[i] = (byte) (i % 251);
        return f;
    }

    static List<Map<String, String>> groups() {
        Identity alice = Identity.fromSeed(ALICE_SEED);
        Identity bob = Identity.fromSeed(BOB_SEED);
        Map<String, String> v = new LinkedHashMap<>();
        byte[] root = ChannelKeys.root(FIRST_SECRET);
        Identity alicePersona = ChannelKeys.persona(alice, root);
        Identity bobPersona = ChannelKeys.persona(bob, root);
        ChannelId channel = ChannelKeys.id(root, alicePersona.id());
        ChannelKeys.Epoch epoch = ChannelKeys.epoch(FIRST_SECRET, channel);
        v.put("first_secret", hex(FIRST_SECRET));
        v.put("root", hex(root));
        v.put("alice_persona_seed", hex(alicePersona.seed()));
        v.put("alice_persona", hex(alicePersona.id().bytes()));
        v.put("alice_persona_x25519", hex(ChannelKeys.personaX25519(alice, root).publicKey()));
        v.put("bob_persona", hex(bobPersona.id().bytes()));
        v.put("channel_id", hex(channel.bytes()));
        v.put("channel_id_text", channel.toString());
        v.put("epoch_id", hex(epoch.id()));
        v.put("content_key", hex(epoch.contentKey()));
        v.put("tag_key", hex(epoch.tagKey()));

        byte[] file = file();
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        try {
            ChannelBlobs.encrypt(new ByteArrayInputStream(file), file.length, BLOB_KEY, blob);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] encrypted = blob.toByteArray();
        BlobId blobId = BlobHasher.of(encrypted);
        v.put("blob_key", hex(BLOB_KEY));
        v.put("blob_size", String.valueOf(encrypted.length));
        v.put("blob_first_32", hex(java.util.Arrays.copyOf(encrypted, 32)));
        v.put("blob_last_32", hex(java.util.Arrays.copyOfRange(encrypted, encrypted.length - 32, encrypted.length)));
        v.put("blob_id", hex(blobId.bytes()));

        Content post = new Content.Post("the cake", null, null, List.of(), List.of(new Content.Attachment(blobId, file.length, "image/jpeg", "cake.jpg")), "");
        Sealing.Place place = new Sealing.Place(channel, bobPersona.id(), 1);
        Sealed sealed = Sealing.seal(post, List.of(new Sealing.BlobKey(blobId, BLOB_KEY, file.length)), epoch, place, NONCE);
        byte[] body = ContentCodec.encode(sealed);
        v.put("post_body", hex(ContentCodec.encode(post)));
        v.put("sealed_nonce", hex(NONCE));
        v.put("sealed_aad", hex(Sealing.aad(epoch, place)));
        v.put("sealed_body", hex(body));
        Entry entry = Entry.create(bobPersona, 1, null, T0, Content.SEALED, body);
        v.put("entry_envelope", hex(entry.encode()));
        v.put("entry_id", entry.id().toString());

        v.put("handshake_hash", hex(HANDSHAKE_HASH));
        v.put("tag_initiator", hex(MembershipTag.of(epoch.tagKey(), MembershipTag.INITIATOR, HANDSHAKE_HASH)));
        v.put("tag_responder", hex(MembershipTag.of(epoch.tagKey(), MembershipTag.RESPONDER, HANDSHAKE_HASH)));

        ChannelInvite invite = new ChannelInvite("main", "wedding", root, alicePersona.id(), FIRST_SECRET, List.of(), List.of("192.0.2.7:7733" + alice.id()));
        v.put("invite", invite.encode());
        List<Map<String, String>> out = new ArrayList<>();
        out.add(v);
        return out;
    }

    private static String hex(byte[] b) {
        return HEX.formatHex(b);
    }
}
