package org.grapevine.identity.channel;

import java.util.Arrays;
import java.util.HexFormat;
import org.grapevine.identity.content.Content;

/**
 * A channel entry's body as everyone sees it (content type 7): the id of the epoch whose content
 * key sealed it, the nonce, and the AES-256-GCM ciphertext with its tag. Only members can open it
 * ({@link Sealing}); to everyone else it is an entry like any other, signed and droppable.
 */
public record Sealed(byte[] epochId, byte[] nonce, byte[] ciphertext) implements Content {
    public static final int EPOCH_ID_BYTES = 32;
    public static final int NONCE_BYTES = 12;
    public static final int TAG_BYTES = 16;

    public Sealed {
        if (epochId.length != EPOCH_ID_BYTES) throw new IllegalArgumentException("an epoch id is 32 bytes");
        if (nonce.length != NONCE_BYTES) throw new IllegalArgumentException("a nonce is 12 bytes");
        if (ciphertext.length < TAG_BYTES) throw new IllegalArgumentException("a ciphertext holds at least its 16-byte tag");
        epochId = epochId.clone();
        nonce = nonce.clone();
        ciphertext = ciphertext.clone();
    }

    @Override
    public int type() {
        return Content.SEALED;
    }

    @Override
    public byte[] epochId() {
        return epochId.clone();
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public byte[] ciphertext() {
        return ciphertext.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sealed s && Arrays.equals(epochId, s.epochId) && Arrays.equals(nonce, s.nonce) && Arrays.equals(ciphertext, s.ciphertext);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ciphertext);
    }

    @Override
    public String toString() {
        return "Sealed[epoch " + HexFormat.of().formatHex(epochId, 0, 4) + "…, " + ciphertext.length + " bytes]";
    }
}
