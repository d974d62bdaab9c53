package org.grapevine.gossip.transport;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.grapevine.identity.log.Hashing;

/**
 * The 32-byte key that separates networks: it goes into every handshake's prologue, so nodes of
 * different networks cannot complete a handshake. The default network has a fixed key; a named
 * network derives its own, so test networks never mix with the real one.
 */
public final class NetworkKey {
    public static final String DEFAULT_NAME = "main";

    private final String name;
    private final byte[] key;

    private NetworkKey(String name, byte[] key) {
        this.name = name;
        this.key = key;
    }

    /** A network name: 1 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit. */
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    public static NetworkKey named(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a network name is 1 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit, not '" + name + "'");
        }
        return new NetworkKey(name, Hashing.sha256(("grapevine network " + name).getBytes(StandardCharsets.UTF_8)));
    }

    public static NetworkKey defaultNetwork() {
        return named(DEFAULT_NAME);
    }

    public String name() {
        return name;
    }

    public byte[] key() {
        return key.clone();
    }

    /** A short public tag of the network (for announcements): 8 hex digits of a hash of the key. */
    public String shortId() {
        return HexFormat.of().formatHex(Hashing.sha256(key), 0, 4);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkKey other && Arrays.equals(key, other.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "network " + name + " (" + shortId() + ")";
    }
}
