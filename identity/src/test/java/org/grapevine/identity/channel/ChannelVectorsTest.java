package org.grapevine.identity.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.ChannelId;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.ContentCodec;
import org.grapevine.identity.keys.X25519KeyPair;
import org.grapevine.identity.vectors.ProtocolVectorsTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the channel vectors of docs/PROTOCOL.md ("Channel test vectors") and the code in
 * agreement, and recomputes them from the document's rules with the JDK's own HMAC, AES-GCM,
 * X25519 and Ed25519 (HPKE written out here from RFC 9180), apart from the code under test.
 */
class ChannelVectorsTest {
    private static final HexFormat HEX = HexFormat.of();
    /** DER prefix of an X.509 SubjectPublicKeyInfo for a raw Ed25519 key (RFC 8410). */
    private static final byte[] ED25519_SPKI_PREFIX = HEX.parseHex("302a300506032b6570032100");
    private static List<Map<String, String>> groups;
    /** The first epoch's vectors, and the second's. */
    private static Map<String, String> v;
    private static Map<String, String> w;

    @BeforeAll
    static void readDocument() throws IOException {
        String doc = Files.readString(ProtocolVectorsTest.protocolDoc(), StandardCharsets.UTF_8);
        groups = ProtocolVectorsTest.parse(ProtocolVectorsTest.block(doc, "### Channel test vectors"));
        v = groups.get(0);
        w = groups.size() > 1 ? groups.get(1) : Map.of();
    }

    @Test
    void documentListsExactlyWhatTheGeneratorMakes() {
        List<Map<String, String>> all = ChannelVectorsPrinter.groups();
        assertEquals(all.size(), groups.size(), "number of groups in the vector block");
        for (int i = 0; i < all.size(); i++) {
            Map<String, String> generated = all.get(i);
            Map<String, String> documented = groups.get(i);
            assertEquals(List.copyOf(generated.keySet()), List.copyOf(documented.keySet()), "group " + (i + 1));
            for (String key : generated.keySet()) {
                assertEquals(generated.get(key), documented.get(key), key + " (regenerate the block with ChannelVectorsPrinter, see docs/PROTOCOL.md)");
            }
        }
    }

    @Test
    void keysFollowFromTheDocumentsHkdfLabels() throws GeneralSecurityException {
        byte[] root = hkdf(b("first_secret"), new byte[32], "grapevine/channel/root/1".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(b("root"), root);
        assertArrayEquals(b("channel_id"), hkdf(root, new byte[32], cat("grapevine/channel/id/1".getBytes(StandardCharsets.US_ASCII), b("alice_persona"))));
        assertArrayEquals(b("alice_persona_seed"), hkdf(ChannelVectorsPrinter.ALICE_SEED, root, "grapevine/channel/persona/1".getBytes(StandardCharsets.US_ASCII)));
        for (String[] k : new String[][] {{"epoch_id", "epoch-id"}, {"content_key", "content"}, {"tag_key", "tag"}}) {
            assertArrayEquals(b(k[0]), hkdf(b("first_secret"), b("channel_id"), ("grapevine/channel/" + k[1] + "/1").getBytes(StandardCharsets.US_ASCII)), k[0]);
        }
        assertArrayEquals(b("tag_initiator"), hmac(b("tag_key"), cat(new byte[] {1}, b("handshake_hash"))));
        assertArrayEquals(b("tag_responder"), hmac(b("tag_key"), cat(new byte[] {2}, b("handshake_hash"))));
    }

    /**
     * The conversation group, from the document's rules with the JDK alone: the Ed25519 to X25519
     * map by hand, X25519 with the JDK's XDH, HKDF and HMAC as the test's own.
     */
    @Test
    void theConversationKeysFollowFromTheDocumentsRules() throws Exception {
        Map<String, String> c = groups.get(2);
        java.math.BigInteger p = java.math.BigInteger.ONE.shiftLeft(255).subtract(java.math.BigInteger.valueOf(19));
        for (String[] who : new String[][] {{"alice", HEX.formatHex(org.grapevine.identity.Identity.fromSeed(ChannelVectorsPrinter.ALICE_SEED).id().bytes())},
                {"bob", HEX.formatHex(org.grapevine.identity.Identity.fromSeed(ChannelVectorsPrinter.BOB_SEED).id().bytes())}}) {
            byte[] key = HEX.parseHex(who[1]);
            key[31] &= 0x7f;
            java.math.BigInteger y = new java.math.BigInteger(1, reversed(key));
            java.math.BigInteger u = java.math.BigInteger.ONE.add(y).multiply(java.math.BigInteger.ONE.subtract(y).modInverse(p)).mod(p);
            assertArrayEquals(HEX.parseHex(c.get("dm_" + who[0] + "_x25519_public")), Arrays.copyOf(reversed(u.toByteArray()), 32), who[0]);
        }
        // X25519(alice's scalar, bob's u) with the JDK: the scalar is the first half of SHA-512(seed).
        byte[] scalar = Arrays.copyOf(java.security.MessageDigest.getInstance("SHA-512").digest(ChannelVectorsPrinter.ALICE_SEED), 32);
        java.security.KeyFactory xdh = java.security.KeyFactory.getInstance("XDH");
        var priv = xdh.generatePrivate(new java.security.spec.XECPrivateKeySpec(java.security.spec.NamedParameterSpec.X25519, scalar));
        var pub = xdh.generatePublic(new java.security.spec.XECPublicKeySpec(java.security.spec.NamedParameterSpec.X25519,
                new java.math.BigInteger(1, reversed(HEX.parseHex(c.get("dm_bob_x25519_public"))))));
        javax.crypto.KeyAgreement ka = javax.crypto.KeyAgreement.getInstance("XDH");
        ka.init(priv);
        ka.doPhase(pub, true);
        byte[] shared = ka.generateSecret();
        assertArrayEquals(HEX.parseHex(c.get("dm_shared")), shared);
        byte[] a = org.grapevine.identity.Identity.fromSeed(ChannelVectorsPrinter.ALICE_SEED).id().bytes();
        byte[] bb = org.grapevine.identity.Identity.fromSeed(ChannelVectorsPrinter.BOB_SEED).id().bytes();
        boolean aliceFirst = Arrays.compareUnsigned(a, bb) < 0;
        byte[] info = cat("grapevine/dm/secret/1".getBytes(StandardCharsets.US_ASCII), aliceFirst ? cat(a, bb) : cat(bb, a));
        byte[] secret = hkdf(shared, new byte[32], info);
        assertArrayEquals(HEX.parseHex(c.get("dm_secret")), secret);
        byte[] root = hkdf(secret, new byte[32], "grapevine/channel/root/1".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(HEX.parseHex(c.get("dm_root")), root);
        byte[] id = hkdf(root, new byte[32], cat("grapevine/channel/id/1".getBytes(StandardCharsets.US_ASCII), new byte[32]));
        assertArrayEquals(HEX.parseHex(c.get("dm_channel_id")), id);
        byte[] tagKey = hkdf(secret, id, "grapevine/channel/tag/1".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(HEX.parseHex(c.get("dm_tag_key")), tagKey);
        assertArrayEquals(HEX.parseHex(c.get("dm_tag_initiator")), hmac(tagKey, cat(new byte[] {1}, ChannelVectorsPrinter.HANDSHAKE_HASH)));
        // The epoch of alice's fresh key (private 70 71 … 8f) and bob's (90 91 … af), with the JDK's XDH again.
        var freshPriv = xdh.generatePrivate(new java.security.spec.XECPrivateKeySpec(java.security.spec.NamedParameterSpec.X25519,
                ChannelVectorsPrinter.seq(0x70)));
        var bobFreshPub = xdh.generatePublic(new java.security.spec.XECPublicKeySpec(java.security.spec.NamedParameterSpec.X25519,
                new java.math.BigInteger(1, reversed(HEX.parseHex(c.get("dm_bob_fresh_public"))))));
        javax.crypto.KeyAgreement fka = javax.crypto.KeyAgreement.getInstance("XDH");
        fka.init(freshPriv);
        fka.doPhase(bobFreshPub, true);
        byte[] aliceFresh = HEX.parseHex(c.get("dm_alice_fresh_public"));
        byte[] bobFresh = HEX.parseHex(c.get("dm_bob_fresh_public"));
        byte[] freshInfo = cat("grapevine/dm/fresh/1".getBytes(StandardCharsets.US_ASCII), aliceFirst ? cat(aliceFresh, bobFresh) : cat(bobFresh, aliceFresh));
        byte[] fresh = hkdf(fka.generateSecret(), secret, freshInfo);
        assertArrayEquals(HEX.parseHex(c.get("dm_fresh_secret")), fresh);
        assertArrayEquals(HEX.parseHex(c.get("dm_fresh_epoch_id")), hkdf(fresh, id, "grapevine/channel/epoch-id/1".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(aliceFresh, HEX.parseHex(c.get("fresh_key_body")), "a fresh key's body is the key");
        byte[] received = HEX.parseHex(c.get("received_body"));
        assertEquals(40, received.length, "persona [32] | seq i64");
        assertEquals(3, received[39]);
    }

    private static byte[] reversed(byte[] in) {
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) out[i] = in[in.length - 1 - i];
        return out;
    }

    @Test
    void theSealedBodyOpensWithTheJdksAesGcm() throws Exception {
        byte[] body = b("sealed_body");
        assertArrayEquals(b("epoch_id"), Arrays.copyOf(body, 32));
        assertArrayEquals(b("sealed_nonce"), Arrays.copyOfRange(body, 32, 44));
        byte[] aad = cat(cat(cat("grapevine/channel/sealed/1".getBytes(StandardCharsets.US_ASCII), b("channel_id")), cat(b("epoch_id"), b("bob_persona"))),
                new byte[] {0, 0, 0, 0, 0, 0, 0, 1});
        assertArrayEquals(b("sealed_aad"), aad);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(b("content_key"), "AES"), new GCMParameterSpec(128, b("sealed_nonce")));
        gcm.updateAAD(aad);
        byte[] plain = gcm.doFinal(body, 44, body.length - 44);
        assertEquals(512, plain.length, "the smallest bucket");
        assertEquals(Content.POST, ((plain[0] & 0xff) << 8) | (plain[1] & 0xff), "inner type");
        byte[] post = b("post_body");
        assertEquals(post.length, plain[2], "inner body length (one varint byte)");
        assertArrayEquals(post, Arrays.copyOfRange(plain, 3, 3 + post.length));
        int at = 3 + post.length;
        assertEquals(1, plain[at], "one blob key");
        assertArrayEquals(b("blob_id"), Arrays.copyOfRange(plain, at + 1, at + 33));
        assertArrayEquals(b("blob_key"), Arrays.copyOfRange(plain, at + 33, at + 65));
        assertArrayEquals(new byte[] {(byte) 0xac, 0x02}, Arrays.copyOfRange(plain, at + 65, at + 67), "size 300 as a varint");
        for (int i = at + 67; i < plain.length; i++) assertEquals(0, plain[i], "zero padding");
        assertEquals(ContentCodec.decode(Content.POST, post).type(), Content.POST);
    }

    @Test
    void theBlobsLastChunkOpensToTheFileAndItsPadding() throws Exception {
        assertEquals(65_536 + 16, Long.parseLong(v.get("blob_size")), "300 bytes padded to 64 KiB, one chunk with its tag");
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] nonce = new byte[12]; // chunk 0
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(b("blob_key"), "AES"), new GCMParameterSpec(128, nonce));
        byte[] padded = Arrays.copyOf(ChannelVectorsPrinter.file(), 65_536);
        byte[] encrypted = gcm.doFinal(padded);
        assertArrayEquals(b("blob_first_32"), Arrays.copyOf(encrypted, 32));
        assertArrayEquals(b("blob_last_32"), Arrays.copyOfRange(encrypted, encrypted.length - 32, encrypted.length));
    }

    @Test
    void aLaterEpochsKeysAndPersonasFollowFromTheTable() throws GeneralSecurityException {
        byte[] root = b("root");
        byte[] channel = b("channel_id");
        for (String[] k : new String[][] {{"second_epoch_id", "epoch-id"}, {"second_content_key", "content"}, {"second_tag_key", "tag"}}) {
            assertArrayEquals(c(k[0]), hkdf(c("second_secret"), channel, label("grapevine/channel/" + k[1] + "/1")), k[0]);
        }
        byte[] later = cat(root, c("second_epoch_id"));
        byte[] bobSeed2 = hkdf(ChannelVectorsPrinter.BOB_SEED, later, label("grapevine/channel/persona/1"));
        assertArrayEquals(c("bob_persona_2_seed"), bobSeed2);
        assertArrayEquals(c("bob_persona_2"), ed25519Public(bobSeed2));
        assertArrayEquals(c("alice_persona_2"), ed25519Public(hkdf(ChannelVectorsPrinter.ALICE_SEED, later, label("grapevine/channel/persona/1"))));
        assertArrayEquals(c("bob_persona_2_x25519"), x25519Public(hkdf(ChannelVectorsPrinter.BOB_SEED, later, label("grapevine/channel/persona-x25519/1"))));
        // The first epoch's, for comparison: the salt is the root alone.
        assertArrayEquals(b("alice_persona"), ed25519Public(b("alice_persona_seed")));
        assertArrayEquals(b("bob_persona"), ed25519Public(hkdf(ChannelVectorsPrinter.BOB_SEED, root, label("grapevine/channel/persona/1"))));
        assertArrayEquals(b("alice_persona_x25519"), x25519Public(hkdf(ChannelVectorsPrinter.ALICE_SEED, root, label("grapevine/channel/persona-x25519/1"))));
        assertArrayEquals(c("bob_persona_x25519"), x25519Public(hkdf(ChannelVectorsPrinter.BOB_SEED, root, label("grapevine/channel/persona-x25519/1"))));
    }

    /** The HPKE written out below, on RFC 9180's own vector (appendix A.1.1, sequence 0): it is the suite the document names. */
    @Test
    void theHpkeHereIsRfc9180s() throws GeneralSecurityException {
        byte[] box = hpkeSeal(HEX.parseHex("3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d"),
                HEX.parseHex("52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736"),
                HEX.parseHex("4f6465206f6e2061204772656369616e2055726e"), HEX.parseHex("436f756e742d30"),
                HEX.parseHex("4265617574792069732074727574682c20747275746820626561757479"));
        assertEquals("37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431"
                + "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a", HEX.formatHex(box));
    }

    @Test
    void theReKeyPartIsItsLayoutAndEachBoxIsHpkeOfTheSecondSecret() throws Exception {
        byte[] info = cat(label("grapevine/channel/rekey/1"), cat(b("channel_id"), c("second_epoch_id")));
        assertArrayEquals(c("rekey_info"), info);
        byte[] body = c("rekey_body");
        assertArrayEquals(c("second_epoch_id"), Arrays.copyOf(body, 32));
        assertEquals(0, body[32], "part");
        assertEquals(1, body[33], "parts");
        assertEquals(2, body[34], "recipients (one varint byte)");
        assertEquals(35 + 2 * (32 + 80), body.length);
        byte[] root = b("root");
        Object[][] recipients = {
            {b("alice_persona"), b("alice_persona_x25519"), ChannelVectorsPrinter.ALICE_SEED, c("rekey_ephemeral_alice")},
            {b("bob_persona"), c("bob_persona_x25519"), ChannelVectorsPrinter.BOB_SEED, c("rekey_ephemeral_bob")},
        };
        Rekey decoded = (Rekey) ContentCodec.decode(Content.REKEY, body);
        for (int i = 0; i < recipients.length; i++) {
            int at = 35 + i * 112;
            byte[] persona = (byte[]) recipients[i][0];
            byte[] box = Arrays.copyOfRange(body, at + 32, at + 112);
            assertArrayEquals(persona, Arrays.copyOfRange(body, at, at + 32), "recipient " + i);
            // Sender side: the box is HPKE of the secret with the ephemeral key given, the aad being the persona id.
            assertArrayEquals(box, hpkeSeal((byte[]) recipients[i][1], (byte[]) recipients[i][3], info, persona, c("second_secret")), "box " + i);
            // Recipient side: the persona's X25519 key opens it, here and in the code.
            byte[] key = hkdf((byte[]) recipients[i][2], root, label("grapevine/channel/persona-x25519/1"));
            assertArrayEquals(c("second_secret"), hpkeOpen(key, info, persona, box), "opened " + i);
            assertArrayEquals(c("second_secret"), decoded.open(new ChannelId(b("channel_id")),
                    new AuthorId(persona), X25519KeyPair.fromPrivateKey(key)));
        }
    }

    @Test
    void theIntroductionNamesBobAndContinuesHisFirstPersona() throws GeneralSecurityException {
        byte[] body = c("bob_intro_2_body");
        byte[] bob = ed25519Public(ChannelVectorsPrinter.BOB_SEED);
        byte[] persona2 = c("bob_persona_2");
        assertArrayEquals(c("bob_persona_2_x25519"), Arrays.copyOf(body, 32));
        assertEquals(3, body[32], "name length");
        assertEquals("bob", new String(body, 33, 3, StandardCharsets.UTF_8));
        assertEquals(1, body[36], "has member");
        assertArrayEquals(bob, Arrays.copyOfRange(body, 37, 69));
        assertTrue(ed25519Verify(bob, cat(label("grapevine/channel/intro/1"), cat(b("channel_id"), persona2)), Arrays.copyOfRange(body, 69, 133)));
        assertEquals(1, body[133], "has previous");
        assertArrayEquals(b("bob_persona"), Arrays.copyOfRange(body, 134, 166));
        assertTrue(ed25519Verify(b("bob_persona"), cat(label("grapevine/channel/continues/1"), cat(b("channel_id"), persona2)),
                Arrays.copyOfRange(body, 166, 230)));
        assertEquals(230, body.length);
    }

    @Test
    void roleAndHideAreTheirFields() throws Exception {
        assertArrayEquals(cat(c("bob_persona_2"), new byte[] {1}), c("role_body"), "bob's second persona made admin");
        assertArrayEquals(EntryId.parse(v.get("entry_id")).bytes(), c("hide_body"), "bob's sealed post hidden");
        assertEquals(new Role(new AuthorId(c("bob_persona_2")), Role.ADMIN), ContentCodec.decode(Content.ROLE, c("role_body")));
        assertEquals(Content.HIDE, ContentCodec.decode(Content.HIDE, c("hide_body")).type());
    }

    @Test
    void invitesAreVersionTwoWithTheirAdmins() throws GeneralSecurityException {
        checkInvite(v.get("invite"), b("first_secret"), List.of());
        checkInvite(w.get("invite_2"), c("second_secret"), List.of(c("alice_persona_2")));
    }

    private static void checkInvite(String code, byte[] secret, List<byte[]> admins) throws GeneralSecurityException {
        assertTrue(code.startsWith("grapevine-channel:"));
        byte[] all = Base64.getUrlDecoder().decode(code.substring("grapevine-channel:".length()));
        byte[] payload = Arrays.copyOf(all, all.length - 4);
        assertArrayEquals(Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(payload), 4), Arrays.copyOfRange(all, payload.length, all.length));
        byte[] head = cat(new byte[] {2, 4}, cat(label("main"), cat(new byte[] {7}, label("wedding"))));
        assertArrayEquals(head, Arrays.copyOf(payload, head.length), "version 2, network and name");
        int at = head.length;
        assertArrayEquals(b("root"), Arrays.copyOfRange(payload, at, at + 32));
        assertArrayEquals(b("alice_persona"), Arrays.copyOfRange(payload, at + 32, at + 64), "owner persona");
        assertArrayEquals(secret, Arrays.copyOfRange(payload, at + 64, at + 96), "the epoch's secret");
        at += 96;
        assertEquals(admins.size(), payload[at++], "admins");
        for (byte[] a : admins) {
            assertArrayEquals(a, Arrays.copyOfRange(payload, at, at + 32));
            at += 32;
        }
        assertEquals(1, payload[at++], "one address");
        assertEquals(payload.length - at - 1, payload[at], "the address string is the rest");
    }

    private static byte[] b(String key) {
        return HEX.parseHex(v.get(key));
    }

    private static byte[] c(String key) {
        return HEX.parseHex(w.get(key));
    }

    private static byte[] label(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // ---- RFC 9180 base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, one message (sequence 0)

    private static final byte[] KEM_SUITE = cat(label("KEM"), new byte[] {0, 0x20});
    private static final byte[] HPKE_SUITE = cat(label("HPKE"), new byte[] {0, 0x20, 0, 1, 0, 1});

    private static byte[] hpkeSeal(byte[] recipientPublic, byte[] ephemeralPrivate, byte[] info, byte[] aad, byte[] plaintext) throws GeneralSecurityException {
        byte[] enc = x25519Public(ephemeralPrivate);
        byte[][] keyAndNonce = schedule(sharedSecret(x25519(ephemeralPrivate, recipientPublic), enc, recipientPublic), info);
        return cat(enc, aes128Gcm(Cipher.ENCRYPT_MODE, keyAndNonce, aad, plaintext));
    }

    private static byte[] hpkeOpen(byte[] recipientPrivate, byte[] info, byte[] aad, byte[] box) throws GeneralSecurityException {
        byte[] enc = Arrays.copyOf(box, 32);
        byte[][] keyAndNonce = schedule(sharedSecret(x25519(recipientPrivate, enc), enc, x25519Public(recipientPrivate)), info);
        return aes128Gcm(Cipher.DECRYPT_MODE, keyAndNonce, aad, Arrays.copyOfRange(box, 32, box.length));
    }

    private static byte[] sharedSecret(byte[] dh, byte[] enc, byte[] recipientPublic) throws GeneralSecurityException {
        byte[] prk = labeledExtract(KEM_SUITE, new byte[0], "eae_prk", dh);
        return labeledExpand(KEM_SUITE, prk, "shared_secret", cat(enc, recipientPublic), 32);
    }

    private static byte[][] schedule(byte[] shared, byte[] info) throws GeneralSecurityException {
        byte[] context = cat(new byte[] {0}, cat(labeledExtract(HPKE_SUITE, new byte[0], "psk_id_hash", new byte[0]),
                labeledExtract(HPKE_SUITE, new byte[0], "info_hash", info)));
        byte[] secret = labeledExtract(HPKE_SUITE, shared, "secret", new byte[0]);
        return new byte[][] {labeledExpand(HPKE_SUITE, secret, "key", context, 16), labeledExpand(HPKE_SUITE, secret, "base_nonce", context, 12)};
    }

    private static byte[] labeledExtract(byte[] suite, byte[] salt, String label, byte[] ikm) throws GeneralSecurityException {
        return hmac(salt.length == 0 ? new byte[32] : salt, cat(cat(label("HPKE-v1"), suite), cat(label(label), ikm)));
    }

    private static byte[] labeledExpand(byte[] suite, byte[] prk, String label, byte[] info, int length) throws GeneralSecurityException {
        byte[] labeled = cat(cat(new byte[] {0, (byte) length}, cat(label("HPKE-v1"), suite)), cat(label(label), info));
        return Arrays.copyOf(hmac(prk, cat(labeled, new byte[] {1})), length);
    }

    private static byte[] aes128Gcm(int mode, byte[][] keyAndNonce, byte[] aad, byte[] input) throws GeneralSecurityException {
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(mode, new SecretKeySpec(keyAndNonce[0], "AES"), new GCMParameterSpec(128, keyAndNonce[1]));
        gcm.updateAAD(aad);
        return gcm.doFinal(input);
    }

    // ---- X25519 and Ed25519 by the JDK

    private static byte[] x25519(byte[] scalar, byte[] u) throws GeneralSecurityException {
        KeyFactory kf = KeyFactory.getInstance("XDH");
        byte[] le = u.clone();
        le[31] &= 0x7f;
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) be[i] = le[31 - i];
        KeyAgreement ka = KeyAgreement.getInstance("XDH");
        ka.init(kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar)));
        ka.doPhase(kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519,
                new BigInteger(1, be))), true);
        return ka.generateSecret();
    }

    /** X25519 of the base point u = 9. */
    private static byte[] x25519Public(byte[] scalar) throws GeneralSecurityException {
        byte[] nine = new byte[32];
        nine[0] = 9;
        return x25519(scalar, nine);
    }

    /** The Ed25519 public key of a seed: the JDK's generator, fed the seed as its randomness. */
    private static byte[] ed25519Public(byte[] seed) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
        g.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
            @Override
            public void nextBytes(byte[] out) {
                System.arraycopy(seed, 0, out, 0, out.length);
            }
        });
        byte[] spki = g.generateKeyPair().getPublic().getEncoded();
        return Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    }

    private static boolean ed25519Verify(byte[] key, byte[] message, byte[] signature) throws GeneralSecurityException {
        Signature ed = Signature.getInstance("Ed25519");
        ed.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(cat(ED25519_SPKI_PREFIX, key))));
        ed.update(message);
        return ed.verify(signature);
    }

    /** RFC 5869 with HMAC-SHA256, one block of output. */
    private static byte[] hkdf(byte[] ikm, byte[] salt, byte[] info) throws GeneralSecurityException {
        byte[] prk = hmac(salt, ikm);
        return hmac(prk, cat(info, new byte[] {1}));
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static byte[] cat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
