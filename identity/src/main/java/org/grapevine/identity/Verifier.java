package org.grapevine.identity;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Verifies Ed25519 signatures, keeping the decoded public keys of recent authors: decoding a key
 * costs a good share of a verification, and entries arrive author by author. Not thread-safe;
 * give each thread its own.
 */
public final class Verifier {
    private final Map<AuthorId, Ed25519PublicKeyParameters> keys;

    public Verifier() {
        this(1024);
    }

    public Verifier(int cachedKeys) {
        this.keys = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<AuthorId, Ed25519PublicKeyParameters> eldest) {
                return size() > cachedKeys;
            }
        };
    }

    /** True when {@code sig} (64 bytes at {@code sigOff}) is {@code author}'s signature over the message. */
    public boolean verify(AuthorId author, byte[] msg, int off, int len, byte[] sig, int sigOff) {
        Ed25519PublicKeyParameters key = keys.get(author);
        if (key == null) {
            try {
                key = new Ed25519PublicKeyParameters(author.bytes(), 0);
            } catch (IllegalArgumentException notAPoint) {
                return false;
            }
            keys.put(author, key);
        }
        return key.verify(Ed25519.Algorithm.Ed25519, null, msg, off, len, sig, sigOff);
    }
}
