package org.grapevine.identity.vectors;

import java.math.BigInteger;

/**
 * The Ed25519 curve written out from RFC 8032 with plain integers, slow and apart from the code
 * under test: to craft signature vectors (points of small and mixed order) and to judge them by
 * the document's rule alone.
 */
final class Edwards {
    static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    static final BigInteger L = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
    static final BigInteger D = BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
    private static final BigInteger SQRT_M1 = BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);

    /** An affine point; the identity is (0, 1). */
    record Point(BigInteger x, BigInteger y) {
        static final Point IDENTITY = new Point(BigInteger.ZERO, BigInteger.ONE);

        Point plus(Point o) {
            BigInteger xy = x.multiply(o.x).multiply(y).multiply(o.y).mod(P);
            BigInteger x3 = x.multiply(o.y).add(y.multiply(o.x)).multiply(BigInteger.ONE.add(D.multiply(xy)).modInverse(P)).mod(P);
            BigInteger y3 = y.multiply(o.y).add(x.multiply(o.x)).multiply(BigInteger.ONE.subtract(D.multiply(xy)).mod(P).modInverse(P)).mod(P);
            return new Point(x3, y3);
        }

        Point negate() {
            return new Point(P.subtract(x).mod(P), y);
        }

        Point times(BigInteger k) {
            Point result = IDENTITY;
            Point add = this;
            for (int i = 0; i < k.bitLength(); i++) {
                if (k.testBit(i)) result = result.plus(add);
                add = add.plus(add);
            }
            return result;
        }

        boolean isIdentity() {
            return x.signum() == 0 && y.equals(BigInteger.ONE);
        }

        /** RFC 8032 §5.1.2: y little-endian, the sign of x in the top bit. */
        byte[] encode() {
            byte[] out = littleEndian(y);
            if (x.testBit(0)) out[31] |= (byte) 0x80;
            return out;
        }
    }

    static final Point BASE = decode(hex("5866666666666666666666666666666666666666666666666666666666666666"), false);

    private Edwards() {}

    /**
     * RFC 8032 §5.1.3. With {@code lenient} false a y of p or more, and x = 0 with the sign bit
     * set, are not points (null); with it true y is taken mod p, as a lenient reader would.
     */
    static Point decode(byte[] b, boolean lenient) {
        byte[] yBytes = b.clone();
        boolean sign = (yBytes[31] & 0x80) != 0;
        yBytes[31] &= 0x7f;
        BigInteger y = fromLittleEndian(yBytes);
        if (y.compareTo(P) >= 0) {
            if (!lenient) return null;
            y = y.mod(P);
        }
        BigInteger u = y.multiply(y).subtract(BigInteger.ONE).mod(P);
        BigInteger v = D.multiply(y).multiply(y).add(BigInteger.ONE).mod(P);
        BigInteger x2 = u.multiply(v.modInverse(P)).mod(P);
        BigInteger x = x2.modPow(P.add(BigInteger.valueOf(3)).shiftRight(3), P);
        if (!x.multiply(x).mod(P).equals(x2)) x = x.multiply(SQRT_M1).mod(P);
        if (!x.multiply(x).mod(P).equals(x2)) return null;
        if (x.signum() == 0 && sign && !lenient) return null;
        if (x.testBit(0) != sign) x = P.subtract(x).mod(P);
        return new Point(x, y);
    }

    /** Whether [8]P is the identity. */
    static boolean smallOrder(Point p) {
        return p.times(BigInteger.valueOf(8)).isIdentity();
    }

    /** Whether P is in the subgroup of order L and not the identity. */
    static boolean primeOrder(Point p) {
        return !p.isIdentity() && p.times(L).isIdentity();
    }

    static BigInteger fromLittleEndian(byte[] b) {
        byte[] be = new byte[b.length];
        for (int i = 0; i < b.length; i++) be[i] = b[b.length - 1 - i];
        return new BigInteger(1, be);
    }

    static byte[] littleEndian(BigInteger v) {
        byte[] be = v.toByteArray();
        byte[] out = new byte[32];
        for (int i = 0; i < 32 && i < be.length; i++) out[i] = be[be.length - 1 - i];
        return out;
    }

    static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }
}
