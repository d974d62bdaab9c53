package org.grapevine.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The typable text form shared by every 32-byte id: a one-character sigil, then lower-case
 * Crockford base32 of the 32 bytes followed by a 3-byte checksum. The checksum is keyed by the
 * kind of id, so a mistyped id, or an entry id pasted where an author id belongs, is rejected.
 */
public final class IdText {
    /** Crockford's alphabet: no i, l, o or u, so nothing reads as something else. */
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final byte[] DECODE = new byte[128];
    private static final int CHECKSUM_BYTES = 3;
    /** 35 bytes = 280 bits = exactly 56 base32 characters, no padding. */
    public static final int BODY_CHARS = (32 + CHECKSUM_BYTES) * 8 / 5;

    static {
        Arrays.fill(DECODE, (byte) -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            DECODE[ALPHABET[i]] = (byte) i;
            DECODE[Character.toUpperCase(ALPHABET[i])] = (byte) i;
        }
        // Crockford's reading of look-alikes: people copy ids by eye.
        for (char c : new char[] {'o', 'O'}) DECODE[c] = 0;
        for (char c : new char[] {'i', 'I', 'l', 'L'}) DECODE[c] = 1;
    }

    private IdText() {}

    /** Formats {@code bytes} (32 of them) as text of the given kind. */
    public static String format(Kind kind, byte[] bytes) {
        if (bytes.length != 32) throw new IllegalArgumentException("an id has 32 bytes, not " + bytes.length);
        byte[] all = Arrays.copyOf(bytes, 32 + CHECKSUM_BYTES);
        System.arraycopy(checksum(kind, bytes), 0, all, 32, CHECKSUM_BYTES);
        StringBuilder out = new StringBuilder(1 + BODY_CHARS).append(kind.sigil);
        int buffer = 0;
        int bits = 0;
        for (byte b : all) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        return out.toString();
    }

    /**
     * {@code text} without the ASCII whitespace around it: space, tab, line feed, vertical tab,
     * form feed and carriage return (U+0020, U+0009 to U+000D), and nothing else, so that every
     * implementation trims alike (Unicode spaces such as U+00A0, U+0085 or U+2003 stay, and are
     * then rejected as characters no id has).
     */
    public static String trim(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && asciiSpace(text.charAt(start))) start++;
        while (end > start && asciiSpace(text.charAt(end - 1))) end--;
        return text.substring(start, end);
    }

    private static boolean asciiSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /**
     * Parses text of the given kind back to its 32 bytes.
     *
     * @throws InvalidIdException naming what is wrong: sigil, length, character or checksum
     */
    public static byte[] parse(Kind kind, String text) {
        if (text == null) throw new InvalidIdException("no " + kind.noun + " given");
        String s = trim(text);
        if (s.isEmpty() || s.charAt(0) != kind.sigil) {
            throw new InvalidIdException(kind.noun + " must start with '" + kind.sigil + "': " + abbreviate(s));
        }
        if (s.length() != 1 + BODY_CHARS) {
            throw new InvalidIdException(kind.noun + " must have " + BODY_CHARS + " characters after '"
                    + kind.sigil + "', not " + (s.length() - 1) + ": " + abbreviate(s));
        }
        byte[] all = new byte[32 + CHECKSUM_BYTES];
        int buffer = 0;
        int bits = 0;
        int at = 0;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            int v = c < 128 ? DECODE[c] : -1;
            if (v < 0) throw new InvalidIdException(kind.noun + " has an invalid character '" + c + "': " + abbreviate(s));
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                all[at++] = (byte) (buffer >>> (bits - 8));
                bits -= 8;
            }
        }
        byte[] bytes = Arrays.copyOf(all, 32);
        byte[] expected = checksum(kind, bytes);
        if (!MessageDigest.isEqual(Arrays.copyOfRange(all, 32, all.length), Arrays.copyOf(expected, CHECKSUM_BYTES))) {
            throw new InvalidIdException(kind.noun + " has a bad checksum (mistyped?): " + abbreviate(s));
        }
        return bytes;
    }

    /**
     * Parses the start of an id's text (sigil, then at least one character) into the range of
     * 32-byte ids it could stand for, so a user may type a unique prefix instead of a whole id.
     */
    public static Prefix parsePrefix(Kind kind, String text) {
        String s = text == null ? "" : trim(text);
        if (s.isEmpty() || s.charAt(0) != kind.sigil) {
            throw new InvalidIdException(kind.noun + " must start with '" + kind.sigil + "': " + abbreviate(s));
        }
        if (s.length() < 2) throw new InvalidIdException(kind.noun + " prefix is empty");
        if (s.length() > 1 + BODY_CHARS) throw new InvalidIdException(kind.noun + " is too long: " + abbreviate(s));
        if (s.length() == 1 + BODY_CHARS) {
            byte[] exact = parse(kind, s);
            return new Prefix(exact, exact.clone(), 256);
        }
        byte[] lo = new byte[32];
        byte[] hi = new byte[32];
        java.util.Arrays.fill(hi, (byte) 0xff);
        int bit = 0;
        for (int i = 1; i < s.length() && bit < 256; i++) {
            char c = s.charAt(i);
            int v = c < 128 ? DECODE[c] : -1;
            if (v < 0) throw new InvalidIdException(kind.noun + " has an invalid character '" + c + "': " + abbreviate(s));
            for (int k = 4; k >= 0 && bit < 256; k--, bit++) {
                int mask = 0x80 >>> (bit & 7);
                if (((v >>> k) & 1) == 1) lo[bit >>> 3] |= (byte) mask;
                else hi[bit >>> 3] &= (byte) ~mask;
            }
        }
        return new Prefix(lo, hi, bit);
    }

    /** The ids from {@code lo} to {@code hi} inclusive: those whose first {@code bits} bits match. */
    public record Prefix(byte[] lo, byte[] hi, int bits) {
        public boolean matches(byte[] id) {
            return Arrays.compareUnsigned(id, lo) >= 0 && Arrays.compareUnsigned(id, hi) <= 0;
        }
    }

    private static byte[] checksum(Kind kind, byte[] bytes) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(("grapevine-id:" + kind.name().toLowerCase()).getBytes(StandardCharsets.US_ASCII));
            sha.update(bytes);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 24 ? s : s.substring(0, 20) + "...";
    }

    /** The kinds of id, each with its sigil. */
    public enum Kind {
        AUTHOR('@', "an author id"),
        ENTRY('%', "an entry id"),
        BLOB('^', "a blob id"),
        CHANNEL('#', "a channel id");

        final char sigil;
        final String noun;

        Kind(char sigil, String noun) {
            this.sigil = sigil;
            this.noun = noun;
        }

        public char sigil() {
            return sigil;
        }
    }
}
