package org.grapevine.identity.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.ContentCodec;
import org.grapevine.identity.vectors.ProtocolVectorsTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the channel vectors of docs/PROTOCOL.md ("Channel test vectors") and the code in
 * agreement, and recomputes them from the document's rules with the JDK's own HMAC and AES-GCM,
 * apart from the code under test.
 */
class ChannelVectorsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static Map<String, String> v;

    @BeforeAll
    static void readDocument() throws IOException {
        String doc = Files.readString(ProtocolVectorsTest.protocolDoc(), StandardCharsets.UTF_8);
        v = ProtocolVectorsTest.parse(ProtocolVectorsTest.block(doc, "### Channel test vectors")).get(0);
    }

    @Test
    void documentListsExactlyWhatTheGeneratorMakes() {
        Map<String, String> generated = ChannelVectorsPrinter.groups().get(0);
        assertEquals(List.copyOf(generated.keySet()), List.copyOf(v.keySet()));
        for (String key : generated.keySet()) {
            assertEquals(generated.get(key), v.get(key), key + " (regenerate the block with ChannelVectorsPrinter, see docs/PROTOCOL.md)");
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

    private static byte[] b(String key) {
        return HEX.parseHex(v.get(key));
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
