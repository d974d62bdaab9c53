package org.grapevine.gossip.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.grapevine.identity.keys.X25519KeyPair;

/** The handshake's behaviour beyond the vectors: hostile input, misuse, limits and secrecy. */
class NoiseHandshakeTest {
    private static final NoiseProtocol XX = NoiseProtocol.XX_25519_AESGCM_SHA256;
    private static final byte[] PROLOGUE = "grapevine/1".getBytes(StandardCharsets.UTF_8);

    private final X25519KeyPair alice = X25519KeyPair.generate();
    private final X25519KeyPair bob = X25519KeyPair.generate();

    @Test
    void xxAuthenticatesBothStaticKeysAndAgreesOnTheHash() throws NoiseException {
        NoiseHandshake initiator = NoiseHandshake.initiator(XX, PROLOGUE, alice);
        NoiseHandshake responder = NoiseHandshake.responder(XX, PROLOGUE, bob);
        assertTrue(initiator.isWriteTurn());
        assertFalse(responder.isWriteTurn());

        assertArrayEquals(bytes("hello"), responder.readMessage(initiator.writeMessage(bytes("hello"))));
        assertFalse(initiator.remoteStatic().isPresent());
        assertArrayEquals(bytes("bob"), initiator.readMessage(responder.writeMessage(bytes("bob"))));
        assertArrayEquals(bob.publicKey(), initiator.remoteStatic().orElseThrow());
        assertFalse(responder.remoteStatic().isPresent());
        assertArrayEquals(bytes("alice"), responder.readMessage(initiator.writeMessage(bytes("alice"))));
        assertArrayEquals(alice.publicKey(), responder.remoteStatic().orElseThrow());

        assertTrue(initiator.isComplete() && responder.isComplete());
        assertFalse(initiator.isWriteTurn() || responder.isWriteTurn());
        assertArrayEquals(initiator.handshakeHash(), responder.handshakeHash());
        // The caller's key pairs are copied, not consumed.
        initiator.split();
        assertFalse(alice.isDestroyed());
    }

    @Test
    void handshakeMessagesAreFreshEachTime() throws NoiseException {
        byte[] first = NoiseHandshake.initiator(XX, PROLOGUE, alice).writeMessage(new byte[0]);
        byte[] second = NoiseHandshake.initiator(XX, PROLOGUE, alice).writeMessage(new byte[0]);
        assertFalse(java.util.Arrays.equals(first, second), "ephemeral keys must differ");
    }

    @Test
    void everyFlippedBitOfMessageTwoIsRejected() throws NoiseException {
        for (int i = 0; i < 32 + 48 + 3 + 16; i++) {
            NoiseHandshake initiator = NoiseHandshake.initiator(XX, PROLOGUE, alice);
            NoiseHandshake responder = NoiseHandshake.responder(XX, PROLOGUE, bob);
            responder.readMessage(initiator.writeMessage(new byte[0]));
            byte[] m2 = responder.writeMessage(bytes("abc"));
            m2[i] ^= 0x10;
            assertThrows(NoiseException.class, () -> initiator.readMessage(m2), "byte " + i);
            // A failed handshake is dead: no retry with the same state.
            assertThrows(IllegalStateException.class, () -> initiator.readMessage(m2));
            assertThrows(IllegalStateException.class, initiator::split);
        }
    }

    @Test
    void truncatedAndRandomMessagesOnlyEverRaiseNoiseException() throws NoiseException {
        Random random = new Random(7);
        NoiseHandshake i0 = NoiseHandshake.initiator(XX, PROLOGUE, alice);
        NoiseHandshake r0 = NoiseHandshake.responder(XX, PROLOGUE, bob);
        r0.readMessage(i0.writeMessage(new byte[0]));
        byte[] m2 = r0.writeMessage(new byte[0]);
        for (int len = 0; len < m2.length; len++) {
            NoiseHandshake initiator = NoiseHandshake.initiator(XX, PROLOGUE, alice);
            NoiseHandshake responder = NoiseHandshake.responder(XX, PROLOGUE, bob);
            responder.readMessage(initiator.writeMessage(new byte[0]));
            responder.writeMessage(new byte[0]);
            byte[] truncated = java.util.Arrays.copyOf(m2, len);
            assertThrows(NoiseException.class, () -> initiator.readMessage(truncated), "length " + len);
        }
        for (int n = 0; n < 300; n++) {
            NoiseHandshake initiator = NoiseHandshake.initiator(XX, PROLOGUE, alice);
            initiator.writeMessage(new byte[0]);
            byte[] garbage = new byte[random.nextInt(200)];
            random.nextBytes(garbage);
            assertThrows(NoiseException.class, () -> initiator.readMessage(garbage));
        }
    }

    @Test
    void aFirstMessageShorterThanAnEphemeralKeyIsRejected() {
        NoiseHandshake responder = NoiseHandshake.responder(XX, PROLOGUE, bob);
        assertThrows(NoiseException.class, () -> responder.readMessage(new byte[31]));
    }

    @Test
    void oversizeMessagesAreRejectedBeforeParsing() throws NoiseException {
        NoiseHandshake responder = NoiseHandshake.responder(XX, PROLOGUE, bob);
        assertThrows(NoiseException.class, () -> responder.readMessage(new byte[65536]));

        NoiseHandshake initiator = NoiseHandshake.initiator(XX, PROLOGUE, alice);
        assertThrows(IllegalArgumentException.class, () -> initiator.writeMessage(new byte[65535 - 32 + 1]));
        // The limit is exact: 32 bytes of ephemeral key plus the clear payload.
        byte[] largest = initiator.writeMessage(new byte[65535 - 32]);
        assertEquals(65535, largest.length);
        NoiseHandshake receiver = NoiseHandshake.responder(XX, PROLOGUE, bob);
        assertEquals(65535 - 32, receiver.readMessage(largest).length);
    }

    @Test
    void aLowOrderEphemeralKeyFailsTheHandshake() throws NoiseException {
        NoiseHandshake initiator = NoiseHandshake.initiator(XX, PROLOGUE, alice);
        NoiseHandshake responder = NoiseHandshake.responder(XX, PROLOGUE, bob);
        byte[] m1 = initiator.writeMessage(new byte[0]);
        java.util.Arrays.fill(m1, 0, 32, (byte) 0);
        responder.readMessage(m1);
        // The all-zero DH result surfaces at the first DH, in the responder's reply.
        assertThrows(NoiseException.class, () -> responder.writeMessage(new byte[0]));
    }

    @Test
    void differentProloguesFailAtTheFirstEncryptedMessage() throws NoiseException {
        NoiseHandshake initiator = NoiseHandshake.initiator(XX, bytes("network A"), alice);
        NoiseHandshake responder = NoiseHandshake.responder(XX, bytes("network B"), bob);
        responder.readMessage(initiator.writeMessage(new byte[0]));
        byte[] m2 = responder.writeMessage(new byte[0]);
        assertThrows(NoiseException.class, () -> initiator.readMessage(m2));
    }

    @Test
    void ikWithTheWrongResponderKeyFails() throws NoiseException {
        NoiseProtocol ik = NoiseProtocol.parse("Noise_IK_25519_AESGCM_SHA256");
        NoiseHandshake initiator = NoiseHandshake.builder(ik, NoiseHandshake.Role.INITIATOR)
                .localStatic(alice).remoteStatic(X25519KeyPair.generate().publicKey()).build();
        NoiseHandshake responder = NoiseHandshake.builder(ik, NoiseHandshake.Role.RESPONDER).localStatic(bob).build();
        byte[] m1 = initiator.writeMessage(new byte[0]);
        assertThrows(NoiseException.class, () -> responder.readMessage(m1));
    }

    @Test
    void pskMismatchFails() throws NoiseException {
        NoiseProtocol nn = NoiseProtocol.parse("Noise_NNpsk0_25519_AESGCM_SHA256");
        byte[] psk = new byte[32];
        byte[] otherPsk = new byte[32];
        otherPsk[0] = 1;
        NoiseHandshake initiator = NoiseHandshake.builder(nn, NoiseHandshake.Role.INITIATOR).psk(psk).build();
        NoiseHandshake responder = NoiseHandshake.builder(nn, NoiseHandshake.Role.RESPONDER).psk(otherPsk).build();
        byte[] m1 = initiator.writeMessage(new byte[0]);
        assertThrows(NoiseException.class, () -> responder.readMessage(m1));
    }

    @Test
    void misuseIsAnIllegalStateNotANoiseException() throws NoiseException {
        NoiseHandshake initiator = NoiseHandshake.initiator(XX, PROLOGUE, alice);
        assertThrows(IllegalStateException.class, () -> initiator.readMessage(new byte[32]));
        assertThrows(IllegalStateException.class, initiator::split);
        initiator.writeMessage(new byte[0]);
        assertThrows(IllegalStateException.class, () -> initiator.writeMessage(new byte[0]));
    }

    @Test
    void builderRejectsMissingOrSuperfluousKeys() {
        NoiseProtocol ik = NoiseProtocol.parse("Noise_IK_25519_AESGCM_SHA256");
        assertThrows(IllegalArgumentException.class, () -> NoiseHandshake.initiator(XX, PROLOGUE, null));
        assertThrows(IllegalArgumentException.class, () -> NoiseHandshake.initiator(ik, PROLOGUE, alice));
        assertThrows(IllegalArgumentException.class, () -> NoiseHandshake.builder(XX, NoiseHandshake.Role.INITIATOR)
                .localStatic(alice).remoteStatic(bob.publicKey()).build());
        assertThrows(IllegalArgumentException.class, () -> NoiseHandshake.builder(XX, NoiseHandshake.Role.INITIATOR)
                .localStatic(alice).psk(new byte[32]).build());
        assertThrows(IllegalArgumentException.class, () -> NoiseProtocol.parse("Noise_XX_448_AESGCM_SHA256"));
        assertThrows(IllegalArgumentException.class, () -> NoiseProtocol.parse("Noise_XX_25519_AESGCM_BLAKE2s"));
        assertThrows(IllegalArgumentException.class, () -> NoiseProtocol.parse("Noise_XXpsk9_25519_AESGCM_SHA256"));
        assertThrows(IllegalArgumentException.class, () -> NoiseProtocol.parse("Noise_ZZ_25519_AESGCM_SHA256"));
    }

    @Test
    void protocolNamesRoundTrip() {
        for (String name : new String[] {"Noise_XX_25519_AESGCM_SHA256", "Noise_NNpsk0+psk2_25519_ChaChaPoly_SHA256",
                "Noise_I1K1_25519_AESGCM_SHA256", "Noise_X_25519_ChaChaPoly_SHA256"}) {
            assertEquals(name, NoiseProtocol.parse(name).name());
        }
        assertEquals(2, NoiseProtocol.parse("Noise_NNpsk0+psk2_25519_ChaChaPoly_SHA256").pattern().pskCount());
    }

    @Test
    void secretsStayOutOfToString() throws NoiseException {
        String secret = HexFormat.of().formatHex(alice.privateKey());
        NoiseHandshake initiator = NoiseHandshake.initiator(XX, PROLOGUE, alice);
        NoiseHandshake responder = NoiseHandshake.responder(XX, PROLOGUE, bob);
        responder.readMessage(initiator.writeMessage(new byte[0]));
        initiator.readMessage(responder.writeMessage(new byte[0]));
        responder.readMessage(initiator.writeMessage(new byte[0]));
        TransportCiphers ciphers = initiator.split();
        for (Object o : new Object[] {alice, initiator, ciphers, new RawKey("AES", alice.privateKey())}) {
            assertFalse(o.toString().contains(secret), o.getClass().getSimpleName());
            assertFalse(o.toString().contains(secret.substring(0, 16)), o.getClass().getSimpleName());
        }
        assertTrue(alice.toString().contains(HexFormat.of().formatHex(alice.publicKey())));
    }

    @Test
    void destroyedKeyPairsRefuseToWork() {
        X25519KeyPair pair = X25519KeyPair.generate();
        pair.destroy();
        assertTrue(pair.isDestroyed());
        assertThrows(IllegalStateException.class, pair::privateKey);
        assertThrows(IllegalStateException.class, () -> NoiseHandshake.initiator(XX, PROLOGUE, pair));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
