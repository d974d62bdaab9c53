package org.grapevine.identity.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.junit.jupiter.api.Test;

class DirectKeysTest {
    private static final HexFormat HEX = HexFormat.of();
    private final SecureRandom random = new SecureRandom();

    /** libsodium's own test of crypto_sign_ed25519_pk_to_curve25519 and _sk_to_curve25519 (test/default/ed25519_convert). */
    @Test
    void theMapAgreesWithLibsodiumsVector() throws Malformed {
        Identity id = Identity.fromSeed(HEX.parseHex("421151a459faeade3d247115f94aedae42318124095afabe4d1451a559faedee"));
        assertEquals("f1814f0e8ff1043d8a44d25babff3cedcae6c22c3edaa48f857ae70de2baae50", HEX.formatHex(DirectKeys.x25519Public(id.id())));
        byte[] scalar = DirectKeys.x25519(id).privateKey();
        scalar[0] &= (byte) 248;
        scalar[31] &= 127;
        scalar[31] |= 64;
        assertEquals("8052030376d47112be7f73ed7a019293dd12ad910b654455798b4667d73de166", HEX.formatHex(scalar));
    }

    @Test
    void theMappedPrivateKeyGivesTheMappedPublicKey() throws Malformed {
        for (int i = 0; i < 50; i++) {
            Identity id = Identity.generate(random);
            assertArrayEquals(DirectKeys.x25519(id).publicKey(), DirectKeys.x25519Public(id.id()));
        }
    }

    @Test
    void bothSidesComputeOneSecretThatNoThirdShares() throws Malformed {
        Identity alice = Identity.generate(random);
        Identity bob = Identity.generate(random);
        Identity carol = Identity.generate(random);
        byte[] ab = DirectKeys.secret(alice, bob.id());
        assertArrayEquals(ab, DirectKeys.secret(bob, alice.id()));
        assertFalse(Arrays.equals(ab, DirectKeys.secret(alice, carol.id())));
        assertFalse(Arrays.equals(ab, DirectKeys.secret(carol, bob.id())));
    }

    @Test
    void keysThatAreNoPointOfFullOrderAndOneselfAreRefused() {
        Identity alice = Identity.generate(random);
        // The neutral point (y = 1) and a point of order 2 (y = -1), both small order.
        byte[] neutral = new byte[32];
        neutral[0] = 1;
        byte[] orderTwo = HEX.parseHex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        for (byte[] bad : new byte[][] {neutral, orderTwo, new byte[32]}) {
            assertThrows(Malformed.class, () -> DirectKeys.secret(alice, new AuthorId(bad)), HEX.formatHex(bad));
        }
        // y = 2 is not on the curve.
        byte[] offCurve = new byte[32];
        offCurve[0] = 2;
        assertThrows(Malformed.class, () -> DirectKeys.x25519Public(new AuthorId(offCurve)));
        assertThrows(IllegalArgumentException.class, () -> DirectKeys.secret(alice, alice.id()));
    }
}
