package org.grapevine.gossip.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.keys.X25519KeyPair;
import org.junit.jupiter.api.Test;

/** The handshake payload: who the node is, where it listens, and what it speaks beyond the base protocol. */
class StaticKeyBindingTest {
    private static final Identity ALICE = Identity.generate(new SecureRandom());
    private static final NetworkKey NETWORK = NetworkKey.named("binding-test");
    private static final X25519KeyPair KEY = X25519KeyPair.generate();

    @Test
    void capabilitiesTravelWithTheBindingSortedAndLaterFieldsAreIgnored() throws Malformed {
        byte[] payload = StaticKeyBinding.sign(ALICE, NETWORK, KEY, 7733, Set.of("channels/1", "a.b-c/2"));
        StaticKeyBinding b = StaticKeyBinding.verify(payload, NETWORK, KEY.publicKey());
        assertEquals(new StaticKeyBinding(ALICE.id(), 7733, Set.of("a.b-c/2", "channels/1")), b);

        byte[] later = Arrays.copyOf(payload, payload.length + 5); // a later version's fields
        assertEquals(b, StaticKeyBinding.verify(later, NETWORK, KEY.publicKey()));

        byte[] none = StaticKeyBinding.sign(ALICE, NETWORK, KEY, 0, Set.of());
        assertEquals(1 + 32 + 2 + 64 + 1, none.length, "no capabilities: one byte of count");
        assertEquals(Set.of(), StaticKeyBinding.verify(none, NETWORK, KEY.publicKey()).capabilities());
    }

    @Test
    void aBadCapabilityListOrAnotherVersionIsMalformed() {
        byte[] good = StaticKeyBinding.sign(ALICE, NETWORK, KEY, 1, Set.of());
        byte[] head = Arrays.copyOf(good, good.length - 1);
        for (byte[] bad : new byte[][] {
                concat(head, new ByteWriter(8).varint(1).string("Upper").toByteArray()),
                concat(head, new ByteWriter(8).varint(1).string("").toByteArray()),
                concat(head, new ByteWriter(8).varint(StaticKeyBinding.MAX_CAPABILITIES + 1).toByteArray()),
                concat(head, new ByteWriter(80).varint(1).string("x".repeat(StaticKeyBinding.MAX_CAPABILITY_BYTES + 1)).toByteArray()),
                head}) {
            assertThrows(Malformed.class, () -> StaticKeyBinding.verify(bad, NETWORK, KEY.publicKey()));
        }
        byte[] version1 = good.clone();
        version1[0] = 1;
        Malformed e = assertThrows(Malformed.class, () -> StaticKeyBinding.verify(version1, NETWORK, KEY.publicKey()));
        assertTrue(e.getMessage().contains("version 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StaticKeyBinding.sign(ALICE, NETWORK, KEY, 1, Set.of("Bad Name")));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
