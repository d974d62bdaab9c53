package org.grapevine.gossip.handshake;

import java.util.Arrays;
import javax.crypto.SecretKey;

/**
 * A symmetric key for the JDK's ciphers and MACs that, unlike {@code SecretKeySpec} on JDK 17,
 * can be wiped when its owner is done with it.
 */
final class RawKey implements SecretKey {
    private final String algorithm;
    private final byte[] bytes;
    private boolean destroyed;

    RawKey(String algorithm, byte[] bytes) {
        this.algorithm = algorithm;
        this.bytes = bytes.clone();
    }

    @Override
    public String getAlgorithm() {
        return algorithm;
    }

    @Override
    public String getFormat() {
        return "RAW";
    }

    @Override
    public byte[] getEncoded() {
        if (destroyed) {
            throw new IllegalStateException("key destroyed");
        }
        return bytes.clone();
    }

    @Override
    public void destroy() {
        Arrays.fill(bytes, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "RawKey[" + algorithm + ", secret]";
    }
}
