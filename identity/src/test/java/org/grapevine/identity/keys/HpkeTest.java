package org.grapevine.identity.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.grapevine.identity.Malformed;
import org.junit.jupiter.api.Test;

/** Sealing to an X25519 key: the published RFC 9180 vector of our suite, and boxes that must not open. */
class HpkeTest {
    private static final HexFormat HEX = HexFormat.of();

    /** RFC 9180, appendix A.1.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode, sequence 0. */
    @Test
    void sealsTheRfcVectorByteForByteAndOpensIt() throws Malformed {
        X25519KeyPair ephemeral = X25519KeyPair.fromPrivateKey(HEX.parseHex("52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736"));
        X25519KeyPair recipient = X25519KeyPair.fromPrivateKey(HEX.parseHex("4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8"));
        assertEquals("37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431", HEX.formatHex(ephemeral.publicKey()));
        assertEquals("3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d", HEX.formatHex(recipient.publicKey()));
        byte[] info = HEX.parseHex("4f6465206f6e2061204772656369616e2055726e");
        byte[] aad = HEX.parseHex("436f756e742d30");
        byte[] plaintext = HEX.parseHex("4265617574792069732074727574682c20747275746820626561757479");

        byte[] box = Hpke.seal(recipient.publicKey(), info, aad, plaintext, ephemeral);
        assertEquals("37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431"
                + "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a", HEX.formatHex(box));
        assertArrayEquals(plaintext, Hpke.open(recipient, info, aad, box));
    }

    @Test
    void aBoxOpensOnlyForItsRecipientWithItsInfoAndAadUntouched() throws Malformed {
        X25519KeyPair recipient = X25519KeyPair.generate();
        byte[] info = "grapevine test".getBytes(StandardCharsets.UTF_8);
        byte[] aad = {1, 2, 3};
        byte[] secret = new byte[32];
        byte[] box = Hpke.seal(recipient.publicKey(), info, aad, secret);
        assertEquals(secret.length + Hpke.OVERHEAD, box.length);
        assertArrayEquals(secret, Hpke.open(recipient, info, aad, box));
        assertEquals(false, java.util.Arrays.equals(box, Hpke.seal(recipient.publicKey(), info, aad, secret)), "a fresh ephemeral key each time");

        assertThrows(Malformed.class, () -> Hpke.open(X25519KeyPair.generate(), info, aad, box));
        assertThrows(Malformed.class, () -> Hpke.open(recipient, "other".getBytes(StandardCharsets.UTF_8), aad, box));
        assertThrows(Malformed.class, () -> Hpke.open(recipient, info, new byte[] {1, 2, 4}, box));
        for (int i = 0; i < box.length; i += 7) {
            byte[] flipped = box.clone();
            flipped[i] ^= 1;
            assertThrows(Malformed.class, () -> Hpke.open(recipient, info, aad, flipped), "byte " + i);
        }
        assertThrows(Malformed.class, () -> Hpke.open(recipient, info, aad, new byte[Hpke.OVERHEAD - 1]));
    }

    @Test
    void aLowOrderRecipientKeyIsRefused() {
        byte[] zero = new byte[32]; // the point of order 1 (u = 0)
        assertThrows(IllegalArgumentException.class, () -> Hpke.seal(zero, new byte[0], new byte[0], new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> Hpke.seal(new byte[31], new byte[0], new byte[0], new byte[1]));
    }
}
