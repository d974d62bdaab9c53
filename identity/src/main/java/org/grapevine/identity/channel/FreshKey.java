package org.grapevine.identity.channel;

import java.util.Arrays;
import org.grapevine.identity.content.Content;

/**
 * In a conversation, a fresh X25519 public key of the side that writes it (content type 14, only
 * inside a sealed body): the epochs after it are made from both sides' fresh keys, so that the
 * identity keys alone, stolen later, do not open them.
 */
public record FreshKey(byte[] key) implements Content {
    public FreshKey {
        if (key.length != 32) throw new IllegalArgumentException("an X25519 key is 32 bytes");
        key = key.clone();
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public int type() {
        return Content.FRESH_KEY;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FreshKey f && Arrays.equals(key, f.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }
}
