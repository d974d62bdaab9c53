package org.grapevine.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class IdentityTest {
    private static final byte[] MSG = "a message".getBytes(StandardCharsets.UTF_8);

    @Test
    void aSeedRestoresTheSameKeypair() {
        Identity generated = Identity.generate(new SecureRandom());
        Identity restored = Identity.fromSeed(generated.seed());
        assertEquals(generated.id(), restored.id());
        assertArrayEquals(generated.sign(MSG), restored.sign(MSG));
        assertThrows(IllegalArgumentException.class, () -> Identity.fromSeed(new byte[31]));
    }

    @Test
    void rfc8032TestVectorOne() {
        // RFC 8032 section 7.1, TEST 1: the empty message.
        HexFormat hex = HexFormat.of();
        Identity id = Identity.fromSeed(hex.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        assertEquals("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", id.id().hex());
        assertEquals("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b", hex.formatHex(id.sign(new byte[0])));
    }

    @Test
    void signaturesVerifyOnlyForTheirAuthorAndMessage() {
        Identity alice = Identity.generate(new SecureRandom());
        Identity bob = Identity.generate(new SecureRandom());
        Verifier verifier = new Verifier(1);
        byte[] sig = alice.sign(MSG);
        assertTrue(verifier.verify(alice.id(), MSG, 0, MSG.length, sig, 0));
        assertFalse(verifier.verify(bob.id(), MSG, 0, MSG.length, sig, 0));
        byte[] other = MSG.clone();
        other[0] ^= 1;
        assertFalse(verifier.verify(alice.id(), other, 0, other.length, sig, 0));
        for (int i = 0; i < 64; i++) {
            byte[] bad = sig.clone();
            bad[i] ^= 0x10;
            assertFalse(verifier.verify(alice.id(), MSG, 0, MSG.length, bad, 0), "byte " + i);
        }
        // After the one-key cache has moved on to bob, alice still verifies.
        assertTrue(verifier.verify(alice.id(), MSG, 0, MSG.length, sig, 0));
    }

    @Test
    void aKeyThatIsNoCurvePointFailsVerificationWithoutThrowing() {
        byte[] notAPoint = new byte[32];
        Arrays.fill(notAPoint, (byte) 0xff);
        notAPoint[31] = 0x7f; // y = 2^255 - 1, above the field prime
        Verifier verifier = new Verifier();
        assertFalse(verifier.verify(new AuthorId(notAPoint), MSG, 0, MSG.length, new byte[64], 0));
    }

    @Test
    void signingIntoABufferMatchesTheSimpleForm() {
        Identity alice = Identity.generate(new SecureRandom());
        byte[] framed = new byte[MSG.length + 10];
        System.arraycopy(MSG, 0, framed, 3, MSG.length);
        byte[] sig = new byte[70];
        alice.sign(framed, 3, MSG.length, sig, 6);
        assertArrayEquals(alice.sign(MSG), Arrays.copyOfRange(sig, 6, 70));
    }

    @Test
    void theSeedNeverAppearsInToString() {
        Identity alice = Identity.generate(new SecureRandom());
        String s = alice.toString();
        assertFalse(s.contains(HexFormat.of().formatHex(alice.seed())));
        assertTrue(s.contains(alice.id().toString()));
        byte[] seed = alice.seed();
        seed[0] ^= 1;
        assertNotEquals(seed[0], alice.seed()[0]);
    }
}
