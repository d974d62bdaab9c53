package org.grapevine.gossip.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.grapevine.identity.keys.X25519KeyPair;

/** Transport encryption after Split: buffers, limits, replay and tampering, nonces, rekeying. */
public class TransportCiphersTest {
    private final Random random = new Random(42);

    /** A completed XX session: [0] the initiator's ciphers, [1] the responder's. */
    public static TransportCiphers[] session(NoiseCipher cipher) throws NoiseException {
        NoiseProtocol protocol = new NoiseProtocol(HandshakePattern.forName("XX"), cipher);
        NoiseHandshake initiator = NoiseHandshake.initiator(protocol, new byte[0], X25519KeyPair.generate());
        NoiseHandshake responder = NoiseHandshake.responder(protocol, new byte[0], X25519KeyPair.generate());
        responder.readMessage(initiator.writeMessage(new byte[0]));
        initiator.readMessage(responder.writeMessage(new byte[0]));
        responder.readMessage(initiator.writeMessage(new byte[0]));
        return new TransportCiphers[] {initiator.split(), responder.split()};
    }

    @ParameterizedTest
    @EnumSource(NoiseCipher.class)
    void arrayAndBufferFormsInterleave(NoiseCipher cipher) throws NoiseException {
        TransportCiphers[] s = session(cipher);
        TransportCiphers a = s[0];
        TransportCiphers b = s[1];
        assertArrayEquals(a.handshakeHash(), b.handshakeHash());

        byte[] m = bytes(1000);
        assertArrayEquals(m, b.decrypt(a.encrypt(m)));

        // Offsets, and in place: ciphertext written over the plaintext it came from.
        byte[] buffer = new byte[10 + 1000 + 16];
        System.arraycopy(m, 0, buffer, 10, 1000);
        assertEquals(1016, a.encrypt(buffer, 10, 1000, buffer, 10));
        assertEquals(1000, b.decrypt(buffer, 10, 1016, buffer, 10));
        assertArrayEquals(m, Arrays.copyOfRange(buffer, 10, 1010));

        // Direct buffers, as a Netty pooled allocator hands out.
        ByteBuffer plain = ByteBuffer.allocateDirect(1000).put(m).flip();
        ByteBuffer sealed = ByteBuffer.allocateDirect(1016);
        assertEquals(1016, b.encrypt(plain, sealed));
        sealed.flip();
        ByteBuffer opened = ByteBuffer.allocateDirect(1000);
        assertEquals(1000, a.decrypt(sealed, opened));
        byte[] back = new byte[1000];
        opened.flip().get(back);
        assertArrayEquals(m, back);
    }

    @ParameterizedTest
    @EnumSource(NoiseCipher.class)
    void largestMessageIs65535Bytes(NoiseCipher cipher) throws NoiseException {
        TransportCiphers[] s = session(cipher);
        byte[] m = bytes(TransportCiphers.MAX_PLAINTEXT_LENGTH);
        byte[] c = s[0].encrypt(m);
        assertEquals(65535, c.length);
        assertArrayEquals(m, s[1].decrypt(c));
        assertThrows(IllegalArgumentException.class, () -> s[0].encrypt(new byte[TransportCiphers.MAX_PLAINTEXT_LENGTH + 1]));
        assertThrows(NoiseException.class, () -> s[1].decrypt(new byte[65536]));
        assertThrows(NoiseException.class, () -> s[1].decrypt(new byte[15]));
        assertThrows(NoiseException.class, () -> s[1].decrypt(ByteBuffer.allocate(65536), ByteBuffer.allocate(70000)));
    }

    @Test
    void tamperedMessagesFailWithoutAdvancingTheNonce() throws NoiseException {
        TransportCiphers[] s = session(NoiseCipher.AESGCM);
        byte[] first = s[0].encrypt(bytes(64));
        byte[] second = s[0].encrypt(bytes(64));
        for (int i = 0; i < first.length; i++) {
            byte[] tampered = first.clone();
            tampered[i] ^= 0x01;
            assertThrows(NoiseException.class, () -> s[1].decrypt(tampered), "byte " + i);
        }
        // Reordered: the second message under the first nonce fails.
        assertThrows(NoiseException.class, () -> s[1].decrypt(second));
        s[1].decrypt(first);
        // Replayed: the first message again fails.
        assertThrows(NoiseException.class, () -> s[1].decrypt(first));
        s[1].decrypt(second);
    }

    @Test
    void randomGarbageOnlyEverRaisesNoiseException() throws NoiseException {
        TransportCiphers[] s = session(NoiseCipher.AESGCM);
        for (int n = 0; n < 500; n++) {
            byte[] garbage = bytes(random.nextInt(300));
            assertThrows(NoiseException.class, () -> s[1].decrypt(garbage));
        }
    }

    @Test
    void theLastNonceIsReservedAndExhaustionIsAnError() throws NoiseException {
        TransportCiphers[] s = session(NoiseCipher.AESGCM);
        s[0].sendState().setNonce(-2L); // 2^64-2, the last usable nonce
        s[1].receiveState().setNonce(-2L);
        byte[] m = bytes(10);
        assertArrayEquals(m, s[1].decrypt(s[0].encrypt(m)));
        assertThrows(IllegalStateException.class, () -> s[0].encrypt(m));
        assertThrows(NoiseException.class, () -> s[1].decrypt(new byte[26]));
    }

    @ParameterizedTest
    @EnumSource(NoiseCipher.class)
    void rekeyingBothEndsKeepsTheSessionAlive(NoiseCipher cipher) throws NoiseException {
        TransportCiphers[] s = session(cipher);
        byte[] m = bytes(100);
        assertArrayEquals(m, s[1].decrypt(s[0].encrypt(m)));
        s[0].rekeySend();
        byte[] afterOneSidedRekey = s[0].encrypt(m);
        assertThrows(NoiseException.class, () -> s[1].decrypt(afterOneSidedRekey));
        s[1].rekeyReceive();
        assertArrayEquals(m, s[1].decrypt(afterOneSidedRekey));
    }

    @Test
    void oneWayPatternsHaveOneDirection() throws NoiseException {
        NoiseProtocol n = NoiseProtocol.parse("Noise_N_25519_AESGCM_SHA256");
        X25519KeyPair responderKey = X25519KeyPair.generate();
        NoiseHandshake initiator = NoiseHandshake.builder(n, NoiseHandshake.Role.INITIATOR)
                .remoteStatic(responderKey.publicKey()).build();
        NoiseHandshake responder = NoiseHandshake.builder(n, NoiseHandshake.Role.RESPONDER).localStatic(responderKey).build();
        responder.readMessage(initiator.writeMessage(new byte[0]));
        TransportCiphers sender = initiator.split();
        TransportCiphers receiver = responder.split();
        assertTrue(sender.canSend());
        assertFalse(sender.canReceive());
        assertFalse(receiver.canSend());
        assertArrayEquals(bytes(0), receiver.decrypt(sender.encrypt(bytes(0))));
        assertThrows(IllegalStateException.class, () -> receiver.encrypt(new byte[1]));
    }

    @Test
    void destroyedCiphersRefuseToWork() throws NoiseException {
        TransportCiphers[] s = session(NoiseCipher.AESGCM);
        s[0].destroy();
        assertThrows(IllegalStateException.class, () -> s[0].encrypt(new byte[1]));
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
