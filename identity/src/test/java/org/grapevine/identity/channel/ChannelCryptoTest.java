package org.grapevine.identity.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.ChannelId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.blob.BlobHasher;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.ContentCodec;
import org.junit.jupiter.api.Test;

/** What a channel's secrets give, and that each sealed thing opens only where it was made for. */
class ChannelCryptoTest {
    private static final Identity ALICE = Identity.fromSeed(filled(1));
    private static final Identity BOB = Identity.fromSeed(filled(2));
    private static final byte[] FIRST = filled(9);

    private static byte[] filled(int v) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) v);
        return b;
    }

    @Test
    void personasAreOnePerMemberAndChannelAndTheIdNamesTheOwner() {
        byte[] root = ChannelKeys.root(FIRST);
        byte[] otherRoot = ChannelKeys.root(filled(10));
        Identity alicePersona = ChannelKeys.persona(ALICE, root);
        assertEquals(alicePersona.id(), ChannelKeys.persona(ALICE, root).id(), "the same member and channel: the same persona, on any device");
        assertNotEquals(alicePersona.id(), ChannelKeys.persona(ALICE, otherRoot).id(), "another channel: another persona");
        assertNotEquals(alicePersona.id(), ChannelKeys.persona(BOB, root).id());
        assertNotEquals(ALICE.id(), alicePersona.id());
        ChannelId id = ChannelKeys.id(root, alicePersona.id());
        assertNotEquals(id, ChannelKeys.id(root, ChannelKeys.persona(BOB, root).id()), "the id binds its owner");
        assertFalse(Arrays.equals(root, FIRST), "the root is not the secret");
        assertFalse(Arrays.equals(ChannelKeys.personaX25519(ALICE, root).publicKey(), ChannelKeys.personaX25519(BOB, root).publicKey()));

        ChannelKeys.Epoch e = ChannelKeys.epoch(FIRST, id);
        assertEquals(3, List.of(e.id(), e.contentKey(), e.tagKey()).stream().map(Arrays::toString).distinct().count());
        assertNotEquals(e, ChannelKeys.epoch(FIRST, ChannelKeys.id(otherRoot, alicePersona.id())), "one secret, two channels: two epochs");
    }

    @Test
    void aSealedBodyOpensOnlyInItsPlaceAndHidesItsLengthInABucket() throws Malformed {
        byte[] root = ChannelKeys.root(FIRST);
        Identity persona = ChannelKeys.persona(ALICE, root);
        ChannelId channel = ChannelKeys.id(root, persona.id());
        ChannelKeys.Epoch epoch = ChannelKeys.epoch(FIRST, channel);
        BlobId photo = new BlobId(filled(5));
        Content post = new Content.Post("the cake", null, null, List.of(), List.of(new Content.Attachment(photo, 3_000_000, "image/jpeg", "cake.jpg")), "");
        Sealing.BlobKey key = new Sealing.BlobKey(photo, filled(6), 2_999_999);
        Sealing.Place place = new Sealing.Place(channel, persona.id(), 4);

        Sealed sealed = Sealing.seal(post, List.of(key), epoch, place);
        Sealing.Opened opened = Sealing.open(sealed, epoch, place);
        assertEquals(post, opened.content());
        assertEquals(1, opened.keys().size());
        assertArrayEquals(key.key(), opened.keys().get(0).key());
        assertEquals(2_999_999, opened.keys().get(0).size());
        assertEquals(512 + 16, sealed.ciphertext().length, "a short post fills the smallest bucket");
        assertEquals(sealed, ContentCodec.decode(Content.SEALED, ContentCodec.encode(sealed)), "an ordinary body on the wire");
        assertNotEquals(sealed, Sealing.seal(post, List.of(key), epoch, place), "a fresh nonce each time");

        ChannelKeys.Epoch later = ChannelKeys.epoch(filled(11), channel);
        for (Sealing.Place elsewhere : List.of(new Sealing.Place(channel, persona.id(), 5), new Sealing.Place(channel, BOB.id(), 4),
                new Sealing.Place(ChannelKeys.id(root, BOB.id()), persona.id(), 4))) {
            assertThrows(Malformed.class, () -> Sealing.open(sealed, epoch, elsewhere), "moved to " + elsewhere);
        }
        assertThrows(Malformed.class, () -> Sealing.open(sealed, later, place), "another epoch's keys");
        byte[] flipped = sealed.ciphertext();
        flipped[7] ^= 1;
        assertThrows(Malformed.class, () -> Sealing.open(new Sealed(sealed.epochId(), sealed.nonce(), flipped), epoch, place));

        Content big = Content.Post.text("x".repeat(3_000));
        assertEquals(8_192 + 16, Sealing.seal(big, List.of(), epoch, place).ciphertext().length);
        assertThrows(IllegalArgumentException.class, () -> Sealing.seal(sealed, List.of(), epoch, place), "no sealed body in a sealed body");
    }

    @Test
    void anEncryptedBlobIsWholeBlobChunksAndOpensToTheFileByteForByte() throws IOException, Malformed {
        Random random = new Random(3);
        for (int size : new int[] {0, 1, ChannelBlobs.PLAIN_CHUNK, ChannelBlobs.PLAIN_CHUNK + 1, 3 * ChannelBlobs.PLAIN_CHUNK + 12_345}) {
            byte[] file = new byte[size];
            random.nextBytes(file);
            byte[] key = ChannelBlobs.newKey();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ChannelBlobs.encrypt(new ByteArrayInputStream(file), size, key, out);
            byte[] blob = out.toByteArray();
            assertEquals(ChannelBlobs.encryptedSize(size), blob.length, "size " + size);
            assertEquals(0, ChannelBlobs.paddedSize(size) % ChannelBlobs.PAD);
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            for (int i = 0; i * (long) BlobHasher.CHUNK_SIZE < blob.length; i++) {
                int from = i * BlobHasher.CHUNK_SIZE;
                int len = Math.min(BlobHasher.CHUNK_SIZE, blob.length - from);
                back.write(ChannelBlobs.decryptChunk(Arrays.copyOfRange(blob, from, from + len), len, i, key, size));
            }
            assertArrayEquals(file, back.toByteArray(), "size " + size);
            BlobHasher.of(blob); // an ordinary blob
            if (blob.length >= BlobHasher.CHUNK_SIZE) {
                byte[] first = Arrays.copyOf(blob, BlobHasher.CHUNK_SIZE);
                assertThrows(Malformed.class, () -> ChannelBlobs.decryptChunk(first, first.length, 1, key, size), "chunks cannot be swapped");
                assertThrows(Malformed.class, () -> ChannelBlobs.decryptChunk(first, first.length, 0, ChannelBlobs.newKey(), size), "another key");
            }
        }
    }

    @Test
    void tagsDifferByRoleAndConnection() {
        byte[] key = filled(7);
        byte[] h1 = filled(8);
        byte[] h2 = filled(12);
        byte[] initiator = MembershipTag.of(key, MembershipTag.INITIATOR, h1);
        assertFalse(Arrays.equals(initiator, MembershipTag.of(key, MembershipTag.RESPONDER, h1)), "a peer's own tag sent back is not the other's");
        assertFalse(Arrays.equals(initiator, MembershipTag.of(key, MembershipTag.INITIATOR, h2)), "a tag from another connection does not fit");
        assertEquals(8, MembershipTag.padded(0));
        assertEquals(8, MembershipTag.padded(8));
        assertEquals(16, MembershipTag.padded(9));
        assertEquals(128, MembershipTag.padded(100));
    }

    @Test
    void anInviteSurvivesTheTripAndADamagedOneIsOneLine() throws Malformed {
        byte[] root = ChannelKeys.root(FIRST);
        AuthorId owner = ChannelKeys.persona(ALICE, root).id();
        ChannelInvite invite = new ChannelInvite("main", "Ann & Bo's wedding", root, owner, FIRST, List.of(), List.of("192.0.2.7:7733" + ALICE.id()));
        String code = invite.encode();
        assertTrue(code.startsWith("grapevine-channel:"));
        assertEquals(invite, ChannelInvite.parse("  " + code + "\n"));
        assertEquals(ChannelKeys.id(root, owner), ChannelInvite.parse(code).channel());
        assertFalse(invite.toString().contains(java.util.HexFormat.of().formatHex(FIRST)), "the secret is not in the string form");

        for (String bad : List.of(code.substring(0, code.length() - 5), code.substring(0, 40), code + "A",
                code.substring(0, 30) + (code.charAt(30) == 'A' ? 'B' : 'A') + code.substring(31), "grapevine:" + code.substring(18),
                code.replace('-', '+'), "grapevine-channel:")) {
            Malformed e = assertThrows(Malformed.class, () -> ChannelInvite.parse(bad), bad);
            assertFalse(e.getMessage().contains("\n"), "one line");
        }
    }
}
