package org.grapevine.identity.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.ChannelId;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.keys.X25519KeyPair;
import org.junit.jupiter.api.Test;

class RekeyTest {
    private final Random random = new Random(17);
    private final ChannelId channel = ChannelKeys.id(bytes(), new AuthorId(bytes()));

    private byte[] bytes() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return b;
    }

    private final Map<AuthorId, X25519KeyPair> keys = new LinkedHashMap<>();

    private Map<AuthorId, byte[]> personas(int n) {
        Map<AuthorId, byte[]> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            AuthorId p = new AuthorId(bytes());
            X25519KeyPair k = X25519KeyPair.generate();
            keys.put(p, k);
            out.put(p, k.publicKey());
        }
        return out;
    }

    @Test
    void everyPersonaAdmittedOpensTheNewSecretAndNoOneElseDoes() throws Malformed {
        byte[] secret = bytes();
        Map<AuthorId, byte[]> admitted = personas(3);
        List<Rekey> parts = Rekey.seal(channel, secret, admitted);
        assertEquals(1, parts.size());
        Rekey r = parts.get(0);
        assertArrayEquals(ChannelKeys.epoch(secret, channel).id(), r.epoch(), "the re-key names the epoch of its secret");
        for (AuthorId p : admitted.keySet()) assertArrayEquals(secret, r.open(channel, p, keys.get(p)));

        AuthorId outsider = personas(1).keySet().iterator().next();
        assertNull(r.open(channel, outsider, keys.get(outsider)), "a persona not listed is given nothing");
        AuthorId first = admitted.keySet().iterator().next();
        assertThrows(Malformed.class, () -> r.open(channel, first, keys.get(outsider)), "another key does not open a persona's box");
        ChannelId other = ChannelKeys.id(bytes(), new AuthorId(bytes()));
        assertThrows(Malformed.class, () -> r.open(other, first, keys.get(first)), "a box opens in its own channel only");
    }

    @Test
    void aBoxHoldingAnotherEpochsSecretIsRefused() {
        Map<AuthorId, byte[]> admitted = personas(2);
        Rekey honest = Rekey.seal(channel, bytes(), admitted).get(0);
        // The same boxes under the name of another epoch: what one admitted member would get if an admin sealed them different secrets.
        Rekey lying = new Rekey(ChannelKeys.epoch(bytes(), channel).id(), 0, 1, honest.recipients());
        AuthorId p = admitted.keySet().iterator().next();
        assertThrows(Malformed.class, () -> lying.open(channel, p, keys.get(p)));
    }

    @Test
    void aReKeyForMoreThan128PersonasIsSplitAndEveryPartFitsTheLargestSealedBody() throws Malformed {
        byte[] secret = bytes();
        assertEquals(1, Rekey.seal(channel, secret, personas(Rekey.MAX_RECIPIENTS)).size());
        keys.clear();
        Map<AuthorId, byte[]> admitted = personas(Rekey.MAX_RECIPIENTS * 2 + 1);
        List<Rekey> parts = Rekey.seal(channel, secret, admitted);
        assertEquals(3, parts.size());
        int listed = 0;
        for (int i = 0; i < parts.size(); i++) {
            Rekey r = parts.get(i);
            assertEquals(i, r.part());
            assertEquals(3, r.parts());
            assertArrayEquals(parts.get(0).epoch(), r.epoch());
            listed += r.recipients().size();
            Sealed sealed = Sealing.seal(r, List.of(), ChannelKeys.epoch(bytes(), channel), new Sealing.Place(channel, new AuthorId(bytes()), 2));
            assertTrue(Sealed.EPOCH_ID_BYTES + Sealed.NONCE_BYTES + sealed.ciphertext().length <= 16_384, "part " + i + " fits one entry");
        }
        assertEquals(admitted.size(), listed, "every persona in exactly one part");
        AuthorId last = (AuthorId) admitted.keySet().toArray()[admitted.size() - 1];
        assertArrayEquals(secret, parts.get(2).open(channel, last, keys.get(last)));
    }

    @Test
    void partsAndRecipientsOutOfBoundsAreRefused() {
        Rekey r = Rekey.seal(channel, bytes(), personas(1)).get(0);
        byte[] epoch = r.epoch();
        assertThrows(IllegalArgumentException.class, () -> new Rekey(epoch, 0, 1, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Rekey(epoch, 1, 1, r.recipients()));
        assertThrows(IllegalArgumentException.class, () -> new Rekey(epoch, 0, 0, r.recipients()));
        assertThrows(IllegalArgumentException.class, () -> new Rekey(new byte[31], 0, 1, r.recipients()));
        assertThrows(IllegalArgumentException.class, () -> Rekey.seal(channel, bytes(), Map.of()));
    }
}
