package org.grapevine.identity.vectors;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the signature test vectors of docs/PROTOCOL.md ("Signature test vectors"): signatures
 * every node must accept and signatures every node must reject, crafted with {@link Edwards}
 * where they need points of small or mixed order. {@link #main} prints the block, fenced, ready
 * to paste; {@link SignatureVectorsTest} checks the document against {@link #groups()}.
 */
public final class SignatureVectorsPrinter {
    private static final HexFormat HEX = HexFormat.of();
    /** The seed of the key that signs the crafted vectors: alice's of the entry vectors. */
    static final byte[] SEED = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    static final byte[] MESSAGE = "grapevine signature vector".getBytes(StandardCharsets.US_ASCII);

    /** Canonical encodings of the eight points of small order, by the order. */
    static final Map<String, String> SMALL_ORDER = new LinkedHashMap<>();

    static {
        SMALL_ORDER.put("the identity (order 1)", "0100000000000000000000000000000000000000000000000000000000000000");
        SMALL_ORDER.put("order 2", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        SMALL_ORDER.put("order 4, x even", "0000000000000000000000000000000000000000000000000000000000000000");
        SMALL_ORDER.put("order 4, x odd", "0000000000000000000000000000000000000000000000000000000000000080");
        SMALL_ORDER.put("order 8, x even", "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05");
        SMALL_ORDER.put("order 8, x odd", "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85");
        SMALL_ORDER.put("order 8, other y, x even", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a");
        SMALL_ORDER.put("order 8, other y, x odd", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa");
    }

    private SignatureVectorsPrinter() {}

    public static void main(String[] args) {
        System.out.println(ProtocolVectorsTest.fenced(groups()));
    }

    /** The signing key of the crafted vectors: its scalar, its nonce prefix and its encoded point. */
    record Key(BigInteger scalar, byte[] prefix, byte[] encoded) {
        static Key fromSeed(byte[] seed) {
            byte[] h = sha512(seed);
            byte[] s = java.util.Arrays.copyOf(h, 32);
            s[0] &= (byte) 248;
            s[31] &= 127;
            s[31] |= 64;
            BigInteger a = Edwards.fromLittleEndian(s);
            return new Key(a, java.util.Arrays.copyOfRange(h, 32, 64), Edwards.BASE.times(a).encode());
        }

        /** The honest nonce for {@code m} (RFC 8032 §5.1.6) and its point. */
        BigInteger nonce(byte[] m) {
            return Edwards.fromLittleEndian(sha512(prefix, m)).mod(Edwards.L);
        }

        /** S = r + k·a for the R bytes given (as they are, canonical or not) and the key bytes given. */
        byte[] sign(byte[] r, BigInteger nonce, byte[] key, byte[] m) {
            BigInteger k = Edwards.fromLittleEndian(sha512(r, key, m)).mod(Edwards.L);
            BigInteger s = nonce.add(k.multiply(scalar)).mod(Edwards.L);
            return concat(r, Edwards.littleEndian(s));
        }
    }

    static List<Map<String, String>> groups() {
        List<Map<String, String>> out = new ArrayList<>();
        // RFC 8032, section 7.1, tests 2 and 3 (test 1 signs the empty message, which a vector line cannot show).
        out.add(vector("RFC 8032 7.1 test 2", true, "",
                "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
                "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"));
        out.add(vector("RFC 8032 7.1 test 3", true, "",
                "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
                "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"));

        Key key = Key.fromSeed(SEED);
        BigInteger r = key.nonce(MESSAGE);
        Edwards.Point honestR = Edwards.BASE.times(r);
        byte[] honest = key.sign(honestR.encode(), r, key.encoded(), MESSAGE);
        out.add(vector("an honest signature", true, "", hex(key.encoded()), hex(MESSAGE), hex(honest)));

        // R of small order: [8]R vanishes, so S = k·a satisfies the cofactored equation (and no other).
        for (Map.Entry<String, String> small : SMALL_ORDER.entrySet()) {
            byte[] rBytes = HEX.parseHex(small.getValue());
            boolean identity = small.getKey().startsWith("the identity");
            out.add(vector("R of small order: " + small.getKey(), true,
                    identity ? "both the cofactored and a cofactorless equation hold" : "the cofactored equation holds; a cofactorless check would fail",
                    hex(key.encoded()), hex(MESSAGE), hex(key.sign(rBytes, BigInteger.ZERO, key.encoded(), MESSAGE))));
        }
        Edwards.Point order8 = Edwards.decode(HEX.parseHex(SMALL_ORDER.get("order 8, x even")), false);
        Edwards.Point mixedR = honestR.plus(order8);
        out.add(vector("R of mixed order (the honest R plus a point of order 8)", true,
                "the cofactored equation holds; a cofactorless check would fail",
                hex(key.encoded()), hex(MESSAGE), hex(key.sign(mixedR.encode(), r, key.encoded(), MESSAGE))));

        // Keys that are not points of prime order.
        for (Map.Entry<String, String> small : SMALL_ORDER.entrySet()) {
            // S = 0 and R the identity: [8](0·B − R − k·A) vanishes for any A of small order.
            out.add(vector("key of small order: " + small.getKey(), false, "the key is not of prime order",
                    small.getValue(), hex(MESSAGE), SMALL_ORDER.get("the identity (order 1)") + "00".repeat(32)));
        }
        Edwards.Point keyPoint = Edwards.decode(key.encoded(), false);
        byte[] mixedKey = keyPoint.plus(order8).encode();
        out.add(vector("key of mixed order (a key plus a point of order 8)", false,
                "the key is not of prime order, although the cofactored equation holds",
                hex(mixedKey), hex(MESSAGE), hex(key.sign(honestR.encode(), r, mixedKey, MESSAGE))));
        byte[] identityTooLarge = HEX.parseHex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        out.add(vector("key encoded with y = p + 1 (the identity, not canonical)", false, "the key's y is not below p",
                hex(identityTooLarge), hex(MESSAGE), SMALL_ORDER.get("the identity (order 1)") + "00".repeat(32)));
        byte[] offCurve = firstNonPoint();
        out.add(vector("key not on the curve", false, "the key is not a point",
                hex(offCurve), hex(MESSAGE), hex(honest)));

        // R that is not a canonical encoding of a point.
        for (String[] bad : new String[][] {
                {"R with y = p + 1 (the identity, not canonical)", "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "R's y is not below p"},
                {"R with y = p (order 4, not canonical)", "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "R's y is not below p"},
                {"R = the identity with the sign bit set", "0100000000000000000000000000000000000000000000000000000000000080", "x = 0 with the sign bit set"},
                {"R = the point of order 2 with the sign bit set", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "x = 0 with the sign bit set"}}) {
            out.add(vector(bad[0], false, bad[2] + ", although the cofactored equation holds with y taken mod p",
                    hex(key.encoded()), hex(MESSAGE), hex(key.sign(HEX.parseHex(bad[1]), BigInteger.ZERO, key.encoded(), MESSAGE))));
        }
        out.add(vector("R not on the curve", false, "R is not a point",
                hex(key.encoded()), hex(MESSAGE), hex(concat(offCurve, java.util.Arrays.copyOfRange(honest, 32, 64)))));

        // S out of range.
        BigInteger s = Edwards.fromLittleEndian(java.util.Arrays.copyOfRange(honest, 32, 64));
        out.add(vector("S + L in place of S", false, "S is not below L, although S mod L is right",
                hex(key.encoded()), hex(MESSAGE), hex(concat(honestR.encode(), Edwards.littleEndian(s.add(Edwards.L))))));
        out.add(vector("S = L, R the identity, key of prime order", false, "S is not below L",
                hex(key.encoded()), hex(MESSAGE), SMALL_ORDER.get("the identity (order 1)") + hex(Edwards.littleEndian(Edwards.L))));

        // An honest signature over another message.
        out.add(vector("an honest signature, one message byte changed", false, "the equation does not hold",
                hex(key.encoded()), hex(MESSAGE).substring(0, hex(MESSAGE).length() - 2) + "00", hex(honest)));
        return out;
    }

    /** The smallest y whose encoding is not a point, encoded. */
    static byte[] firstNonPoint() {
        for (int y = 2; ; y++) {
            byte[] b = Edwards.littleEndian(BigInteger.valueOf(y));
            if (Edwards.decode(b, false) == null) return b;
        }
    }

    private static Map<String, String> vector(String what, boolean accept, String why, String key, String message, String signature) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("what", what);
        v.put("verdict", accept ? "accept" : "reject");
        if (!why.isEmpty()) v.put("why", why);
        v.put("key", key);
        v.put("message", message);
        v.put("signature", signature);
        return v;
    }

    static byte[] sha512(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-512");
            for (byte[] p : parts) md.update(p);
            return md.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String hex(byte[] b) {
        return HEX.formatHex(b);
    }
}
