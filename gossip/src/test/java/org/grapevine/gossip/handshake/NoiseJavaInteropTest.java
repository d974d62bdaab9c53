package org.grapevine.gossip.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.southernstorm.noise.protocol.CipherState;
import com.southernstorm.noise.protocol.CipherStatePair;
import com.southernstorm.noise.protocol.HandshakeState;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.BadPaddingException;
import org.junit.jupiter.api.Test;
import org.grapevine.identity.keys.X25519KeyPair;

/**
 * Completes Noise_XX_25519_AESGCM_SHA256 handshakes between our implementation and noise-java,
 * an independent implementation, in both roles, then exchanges transport messages both ways.
 */
class NoiseJavaInteropTest {
    private static final String PROTOCOL = "Noise_XX_25519_AESGCM_SHA256";
    private static final byte[] PROLOGUE = "grapevine/1 test-network".getBytes(StandardCharsets.UTF_8);
    private static final int[] TRANSPORT_SIZES = {0, 1, 17, 1000, 4096, 65535 - 16 - 1, TransportCiphers.MAX_PLAINTEXT_LENGTH};

    private final Random random = new Random(20240601);

    @Test
    void oursInitiatesTheirsResponds() throws Exception {
        X25519KeyPair ourStatic = X25519KeyPair.generate();
        byte[] theirPrivate = X25519KeyPair.generate().privateKey();
        NoiseHandshake ours = NoiseHandshake.initiator(NoiseProtocol.XX_25519_AESGCM_SHA256, PROLOGUE, ourStatic);
        HandshakeState theirs = theirSide(HandshakeState.RESPONDER, theirPrivate);

        // -> e
        byte[] m1 = ours.writeMessage(bytes(12));
        assertArrayEquals(payloadOf(m1, 32), theirRead(theirs, m1));
        // <- e, ee, s, es
        byte[] p2 = bytes(300);
        assertArrayEquals(p2, ours.readMessage(theirWrite(theirs, p2)));
        // -> s, se
        byte[] p3 = bytes(1000);
        assertArrayEquals(p3, theirRead(theirs, ours.writeMessage(p3)));

        finish(ours, theirs, ourStatic, theirPrivate);
    }

    @Test
    void theirsInitiatesOursResponds() throws Exception {
        X25519KeyPair ourStatic = X25519KeyPair.generate();
        byte[] theirPrivate = X25519KeyPair.generate().privateKey();
        NoiseHandshake ours = NoiseHandshake.responder(NoiseProtocol.XX_25519_AESGCM_SHA256, PROLOGUE, ourStatic);
        HandshakeState theirs = theirSide(HandshakeState.INITIATOR, theirPrivate);

        byte[] p1 = bytes(5);
        assertArrayEquals(p1, ours.readMessage(theirWrite(theirs, p1)));
        byte[] p2 = bytes(0);
        assertArrayEquals(p2, theirRead(theirs, ours.writeMessage(p2)));
        byte[] p3 = bytes(65535 - 48 - 16); // the largest message 3 (s, se) can carry
        assertArrayEquals(p3, ours.readMessage(theirWrite(theirs, p3)));

        finish(ours, theirs, ourStatic, theirPrivate);
    }

    @Test
    void differentProloguesDoNotInteroperate() throws Exception {
        NoiseHandshake ours = NoiseHandshake.initiator(NoiseProtocol.XX_25519_AESGCM_SHA256, PROLOGUE, X25519KeyPair.generate());
        HandshakeState theirs = new HandshakeState(PROTOCOL, HandshakeState.RESPONDER);
        theirs.getLocalKeyPair().generateKeyPair();
        byte[] otherPrologue = "grapevine/1 other-network".getBytes(StandardCharsets.UTF_8);
        theirs.setPrologue(otherPrologue, 0, otherPrologue.length);
        theirs.start();
        theirRead(theirs, ours.writeMessage(new byte[0]));
        byte[] m2 = theirWrite(theirs, new byte[0]);
        assertThrows(NoiseException.class, () -> ours.readMessage(m2));
    }

    private void finish(NoiseHandshake ours, HandshakeState theirs, X25519KeyPair ourStatic, byte[] theirPrivate)
            throws Exception {
        assertEquals(HandshakeState.SPLIT, theirs.getAction());
        assertArrayEquals(theirs.getHandshakeHash(), ours.handshakeHash());

        byte[] theirPublic = X25519KeyPair.fromPrivateKey(theirPrivate).publicKey();
        assertArrayEquals(theirPublic, ours.remoteStatic().orElseThrow());
        byte[] learnedByThem = new byte[32];
        theirs.getRemotePublicKey().getPublicKey(learnedByThem, 0);
        assertArrayEquals(ourStatic.publicKey(), learnedByThem);

        TransportCiphers ourCiphers = ours.split();
        CipherStatePair theirCiphers = theirs.split();
        for (int round = 0; round < 3; round++) {
            for (int size : TRANSPORT_SIZES) {
                byte[] toThem = bytes(size);
                byte[] ciphertext = ourCiphers.encrypt(toThem);
                assertEquals(size + 16, ciphertext.length);
                assertArrayEquals(toThem, theirDecrypt(theirCiphers.getReceiver(), ciphertext));

                byte[] toUs = bytes(size);
                assertArrayEquals(toUs, ourCiphers.decrypt(theirEncrypt(theirCiphers.getSender(), toUs)));
            }
        }
        // A tampered message from them fails on our side only with NoiseException.
        byte[] tampered = theirEncrypt(theirCiphers.getSender(), bytes(100));
        tampered[50] ^= 1;
        assertThrows(NoiseException.class, () -> ourCiphers.decrypt(tampered));
        theirs.destroy();
        theirCiphers.destroy();
    }

    private static HandshakeState theirSide(int role, byte[] privateKey) throws Exception {
        HandshakeState theirs = new HandshakeState(PROTOCOL, role);
        theirs.getLocalKeyPair().setPrivateKey(privateKey, 0);
        theirs.setPrologue(PROLOGUE, 0, PROLOGUE.length);
        theirs.start();
        return theirs;
    }

    private static byte[] theirWrite(HandshakeState theirs, byte[] payload) throws Exception {
        assertEquals(HandshakeState.WRITE_MESSAGE, theirs.getAction());
        byte[] buffer = new byte[65535];
        int len = theirs.writeMessage(buffer, 0, payload, 0, payload.length);
        return Arrays.copyOf(buffer, len);
    }

    private static byte[] theirRead(HandshakeState theirs, byte[] message) throws Exception {
        assertEquals(HandshakeState.READ_MESSAGE, theirs.getAction());
        byte[] buffer = new byte[65535];
        int len = theirs.readMessage(message, 0, message.length, buffer, 0);
        return Arrays.copyOf(buffer, len);
    }

    private static byte[] theirEncrypt(CipherState sender, byte[] plaintext) throws Exception {
        byte[] out = new byte[plaintext.length + sender.getMACLength()];
        int len = sender.encryptWithAd(null, plaintext, 0, out, 0, plaintext.length);
        return Arrays.copyOf(out, len);
    }

    private static byte[] theirDecrypt(CipherState receiver, byte[] ciphertext) throws Exception {
        byte[] out = new byte[ciphertext.length];
        try {
            int len = receiver.decryptWithAd(null, ciphertext, 0, out, 0, ciphertext.length);
            return Arrays.copyOf(out, len);
        } catch (BadPaddingException e) {
            throw new AssertionError("noise-java rejected our transport message", e);
        }
    }

    /** The payload of an XX first message, which travels in clear after the 32-byte ephemeral. */
    private static byte[] payloadOf(byte[] message, int offset) {
        return Arrays.copyOfRange(message, offset, message.length);
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
