package org.grapevine.identity;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A strict cursor over untrusted bytes: every length is checked against its limit and against
 * what is left before anything is allocated, and varints must be minimal.
 */
public final class ByteReader {
    private final byte[] buf;
    private int pos;
    private final int end;

    public ByteReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public ByteReader(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
    }

    public int position() {
        return pos;
    }

    public int remaining() {
        return end - pos;
    }

    private void need(int n, String what) throws Malformed {
        if (n > end - pos) throw new Malformed(what + ": needs " + n + " bytes, " + (end - pos) + " left");
    }

    public int u8(String what) throws Malformed {
        need(1, what);
        return buf[pos++] & 0xff;
    }

    public int u16(String what) throws Malformed {
        need(2, what);
        int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    public long u32(String what) throws Malformed {
        need(4, what);
        long v = ((long) (buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16)
                | ((buf[pos + 2] & 0xff) << 8) | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    public long i64(String what) throws Malformed {
        need(8, what);
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (buf[pos + i] & 0xff);
        pos += 8;
        return v;
    }

    /** A flag byte that must be exactly 0 or 1. */
    public boolean bool(String what) throws Malformed {
        int v = u8(what);
        if (v > 1) throw new Malformed(what + ": flag must be 0 or 1, not " + v);
        return v == 1;
    }

    /** Unsigned LEB128, at most {@code max}, in its one minimal encoding. */
    public long varint(long max, String what) throws Malformed {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = u8(what);
            if (shift == 63 && (b & 0x7e) != 0) throw new Malformed(what + ": varint overflows 64 bits");
            v |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                if (b == 0 && shift > 0) throw new Malformed(what + ": overlong varint");
                if (Long.compareUnsigned(v, max) > 0) throw new Malformed(what + ": " + Long.toUnsignedString(v) + " exceeds limit " + max);
                return v;
            }
        }
        throw new Malformed(what + ": varint longer than 10 bytes");
    }

    /** A count or length, at most {@code max}. */
    public int length(int max, String what) throws Malformed {
        return (int) varint(max, what);
    }

    public byte[] bytes(int n, String what) throws Malformed {
        need(n, what);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    /** Moves past {@code n} bytes without copying them. */
    public void skip(int n, String what) throws Malformed {
        need(n, what);
        pos += n;
    }

    /** Length-prefixed bytes of at most {@code max}. */
    public byte[] blob(int max, String what) throws Malformed {
        int n = length(max, what + " length");
        return bytes(n, what);
    }

    /** Length-prefixed UTF-8 of at most {@code maxBytes}; malformed UTF-8 is rejected, not replaced. */
    public String string(int maxBytes, String what) throws Malformed {
        int n = length(maxBytes, what + " length");
        need(n, what);
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, pos, n))
                    .toString();
            pos += n;
            return s;
        } catch (CharacterCodingException e) {
            throw new Malformed(what + ": not valid UTF-8");
        }
    }

    public AuthorId author(String what) throws Malformed {
        return new AuthorId(bytes(32, what));
    }

    public EntryId entryId(String what) throws Malformed {
        return new EntryId(bytes(32, what));
    }

    public BlobId blobId(String what) throws Malformed {
        return new BlobId(bytes(32, what));
    }

    /** Fails unless every byte has been read: canonical forms have no trailing bytes. */
    public void end(String what) throws Malformed {
        if (pos != end) throw new Malformed(what + ": " + (end - pos) + " trailing bytes");
    }
}
