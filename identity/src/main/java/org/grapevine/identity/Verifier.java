package org.grapevine.identity;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Verifies Ed25519 signatures by Grapevine's one rule (docs/PROTOCOL.md, "Keys and signatures"):
 * the key must be the canonical encoding of a point of prime order L, R the canonical encoding
 * of any point, S below L, and the cofactored equation must hold. Every node must judge every
 * signature alike, or a crafted entry would split the network.
 *
 * <p>Keeps the checked keys of recent authors: checking a key's order costs about as much as a
 * verification, and entries arrive author by author. Not thread-safe; give each thread its own.
 */
public final class Verifier {
    /** What a key that is not a point of prime order is kept as, so that it is not checked again. */
    private static final Object INVALID = new Object();

    private final Map<AuthorId, Object> keys;

    public Verifier() {
        this(1024);
    }

    public Verifier(int cachedKeys) {
        this.keys = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<AuthorId, Object> eldest) {
                return size() > cachedKeys;
            }
        };
    }

    /** True when {@code sig} (64 bytes at {@code sigOff}) is {@code author}'s signature over the message. */
    public boolean verify(AuthorId author, byte[] msg, int off, int len, byte[] sig, int sigOff) {
        Object key = keys.get(author);
        if (key == null) {
            key = validKey(author);
            keys.put(author, key);
        }
        if (key == INVALID) return false;
        if (!canonicalR(sig, sigOff)) return false;
        return Ed25519.verify(sig, sigOff, (Ed25519.PublicPoint) key, msg, off, len);
    }

    /** Whether {@code author} may sign at all: the canonical encoding of a point of prime order L (neither small nor mixed order). */
    public static boolean isValidKey(AuthorId author) {
        return validKey(author) != INVALID;
    }

    private static Object validKey(AuthorId author) {
        Ed25519.PublicPoint point = Ed25519.validatePublicKeyFullExport(author.bytes(), 0);
        return point == null ? INVALID : point;
    }

    /**
     * The part of the rule about R that is a matter of bytes, stated here rather than left to the
     * library: its y (the low 255 bits) is below p, and a point whose x is 0 (y = 1 or y = p − 1)
     * has its sign bit clear. Whether R is on the curve at all the verification finds out.
     */
    static boolean canonicalR(byte[] b, int off) {
        // y < p = 2^255 - 19: y is at least p only when bytes 1..30 are all ff, byte 31 (sign bit
        // cleared) is 7f, and byte 0 is ed or more.
        boolean top = (b[off + 31] & 0x7f) == 0x7f;
        boolean middle = true;
        for (int i = 1; i < 31 && middle; i++) middle = b[off + i] == (byte) 0xff;
        if (top && middle && (b[off] & 0xff) >= 0xed) return false;
        boolean signSet = (b[off + 31] & 0x80) != 0;
        if (!signSet) return true;
        // x = 0 exactly when y = 1 or y = p - 1 (ec ff .. ff 7f); its sign bit must be 0.
        boolean isOne = (b[off] & 0xff) == 1 && (b[off + 31] & 0x7f) == 0;
        for (int i = 1; i < 31 && isOne; i++) isOne = b[off + i] == 0;
        boolean isMinusOne = (b[off] & 0xff) == 0xec && top && middle;
        return !isOne && !isMinusOne;
    }
}
