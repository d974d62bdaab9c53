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
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.blob.BlobHasher;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.ContentCodec;
import org.grapevine.identity.keys.HpkeForVectors;
import org.grapevine.identity.keys.X25519KeyPair;
import org.grapevine.identity.log.Entry;

/**
 * Builds the channel test vectors of docs/PROTOCOL.md ("Channel test vectors") from the code.
 * First group: alice creates a channel, bob is her member; every key, a sealed post (with a fixed
 * nonce), the entry that carries it, an encrypted blob, two membership tags and an invite. Second
 * group: alice re-keys to a second epoch; its keys, the re-key part admitting both first-epoch
 * personas (with fixed ephemeral keys), bob's persona there and his introduction continuing his
 * first one, a role, a hide, and an invite to the second epoch naming an admin.
 */
public final class ChannelVectorsPrinter {
    private static final HexFormat HEX = HexFormat.of();
    static final byte[] ALICE_SEED = seq(0x00);
    static final byte[] BOB_SEED = seq(0x20);
    static final byte[] FIRST_SECRET = seq(0x80);
    static final byte[] SECOND_SECRET = seq(0x60);
    /** The ephemeral private keys of the re-key's boxes, for alice's and bob's: {@code 40 41 … 5f} and {@code 41 42 … 60}. */
    static final byte[] EPHEMERAL_ALICE = seq(0x40);
    static final byte[] EPHEMERAL_BOB = seq(0x41);
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
        out.add(secondEpoch(alice, bob, root, channel, entry.id()));
        out.add(conversation(alice, bob));
        return out;
    }

    /** The conversation between alice and bob: their X25519 keys, its first secret, channel id and tags, and a Received. */
    static Map<String, String> conversation(Identity alice, Identity bob) {
        Map<String, String> c = new LinkedHashMap<>();
        try {
            c.put("dm_alice_id", alice.id().toString());
            c.put("dm_alice_x25519_public", hex(DirectKeys.x25519Public(alice.id())));
            c.put("dm_bob_x25519_public", hex(DirectKeys.x25519Public(bob.id())));
            byte[] shared = new byte[32];
            DirectKeys.x25519(alice).agree(DirectKeys.x25519Public(bob.id()), shared);
            c.put("dm_shared", hex(shared));
            byte[] secret = DirectKeys.secret(alice, bob.id());
            c.put("dm_secret", hex(secret));
            byte[] root = ChannelKeys.root(secret);
            c.put("dm_root", hex(root));
            org.grapevine.identity.ChannelId id = ChannelKeys.id(root, DirectKeys.NO_OWNER);
            c.put("dm_channel_id", hex(id.bytes()));
            ChannelKeys.Epoch epoch = ChannelKeys.epoch(secret, id);
            c.put("dm_tag_key", hex(epoch.tagKey()));
            c.put("dm_tag_initiator", hex(MembershipTag.of(epoch.tagKey(), MembershipTag.INITIATOR, HANDSHAKE_HASH)));
            c.put("dm_bob_persona", hex(ChannelKeys.persona(bob, root).id().bytes()));
            c.put("received_body", hex(ContentCodec.encode(new Received(ChannelKeys.persona(alice, root).id(), 3))));
            org.grapevine.identity.keys.X25519KeyPair aliceFresh = org.grapevine.identity.keys.X25519KeyPair.fromPrivateKey(seq(0x70));
            org.grapevine.identity.keys.X25519KeyPair bobFresh = org.grapevine.identity.keys.X25519KeyPair.fromPrivateKey(seq(0x90));
            c.put("dm_alice_fresh_public", hex(aliceFresh.publicKey()));
            c.put("dm_bob_fresh_public", hex(bobFresh.publicKey()));
            c.put("fresh_key_body", hex(ContentCodec.encode(new FreshKey(aliceFresh.publicKey()))));
            byte[] fresh = DirectKeys.freshSecret(secret, alice.id(), aliceFresh, bob.id(), bobFresh.publicKey());
            c.put("dm_fresh_secret", hex(fresh));
            c.put("dm_fresh_epoch_id", hex(ChannelKeys.epoch(fresh, id).id()));
        } catch (org.grapevine.identity.Malformed e) {
            throw new IllegalStateException(e);
        }
        return c;
    }

    /** Alice re-keys from the first epoch to one of {@link #SECOND_SECRET}, admitting her and bob's first personas. */
    private static Map<String, String> secondEpoch(Identity alice, Identity bob, byte[] root, ChannelId channel, EntryId post) {
        Map<String, String> v = new LinkedHashMap<>();
        ChannelKeys.Epoch second = ChannelKeys.epoch(SECOND_SECRET, channel);
        byte[] epochId = second.id();
        v.put("second_secret", hex(SECOND_SECRET));
        v.put("second_epoch_id", hex(epochId));
        v.put("second_content_key", hex(second.contentKey()));
        v.put("second_tag_key", hex(second.tagKey()));
        Identity alicePersona2 = ChannelKeys.persona(alice, root, epochId);
        v.put("alice_persona_2", hex(alicePersona2.id().bytes()));
        Identity bobPersona2 = ChannelKeys.persona(bob, root, epochId);
        v.put("bob_persona_2_seed", hex(bobPersona2.seed()));
        v.put("bob_persona_2", hex(bobPersona2.id().bytes()));
        v.put("bob_persona_2_x25519", hex(ChannelKeys.personaX25519(bob, root, epochId).publicKey()));

        Identity alicePersona = ChannelKeys.persona(alice, root);
        Identity bobPersona = ChannelKeys.persona(bob, root);
        X25519KeyPair aliceX = ChannelKeys.personaX25519(alice, root);
        X25519KeyPair bobX = ChannelKeys.personaX25519(bob, root);
        v.put("bob_persona_x25519", hex(bobX.publicKey()));
        byte[] info = Rekey.info(channel, epochId);
        v.put("rekey_info", hex(info));
        v.put("rekey_ephemeral_alice", hex(EPHEMERAL_ALICE));
        v.put("rekey_ephemeral_bob", hex(EPHEMERAL_BOB));
        Rekey rekey = new Rekey(epochId, 0, 1, List.of(
                new Rekey.Recipient(alicePersona.id(), box(aliceX, info, alicePersona, EPHEMERAL_ALICE)),
                new Rekey.Recipient(bobPersona.id(), box(bobX, info, bobPersona, EPHEMERAL_BOB))));
        check(rekey, channel, alicePersona, aliceX);
        check(rekey, channel, bobPersona, bobX);
        v.put("rekey_body", hex(ContentCodec.encode(rekey)));

        Introduction intro = Introduction.of(bob, bobPersona2, channel, ChannelKeys.personaX25519(bob, root, epochId).publicKey(), "bob", false)
                .continuing(bobPersona, channel, bobPersona2.id());
        if (!intro.provesMember(channel, bobPersona2.id()) || !intro.provesPrevious(channel, bobPersona2.id())) {
            throw new IllegalStateException("the introduction does not prove itself");
        }
        v.put("bob_intro_2_body", hex(ContentCodec.encode(intro)));
        v.put("role_body", hex(ContentCodec.encode(new Role(bobPersona2.id(), Role.ADMIN))));
        v.put("hide_body", hex(ContentCodec.encode(new Hide(post))));

        ChannelInvite invite = new ChannelInvite("main", "wedding", root, alicePersona.id(), SECOND_SECRET, List.of(alicePersona2.id()),
                List.of("192.0.2.7:7733" + alice.id()));
        v.put("invite_2", invite.encode());
        return v;
    }

    /** The second secret sealed to {@code persona}'s X25519 key with the ephemeral key given, as a re-key seals it. */
    private static byte[] box(X25519KeyPair recipient, byte[] info, Identity persona, byte[] ephemeral) {
        return HpkeForVectors.seal(recipient.publicKey(), info, persona.id().bytes(), SECOND_SECRET, X25519KeyPair.fromPrivateKey(ephemeral));
    }

    /** The part opens, with the code's own {@link Rekey#open}, to the second secret for {@code persona}. */
    private static void check(Rekey rekey, ChannelId channel, Identity persona, X25519KeyPair key) {
        try {
            if (!java.util.Arrays.equals(SECOND_SECRET, rekey.open(channel, persona.id(), key))) {
                throw new IllegalStateException("the re-key part does not open to the second secret for " + persona.id());
            }
        } catch (Malformed e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return HEX.formatHex(b);
    }
}
