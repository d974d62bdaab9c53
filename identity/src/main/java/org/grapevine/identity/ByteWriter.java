package org.grapevine.identity;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Builds canonical encodings; the mirror of {@link ByteReader}. */
public final class ByteWriter {
    private byte[] buf;
    private int pos;

    public ByteWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int n) {
        if (pos + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
    }

    public ByteWriter u8(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
        return this;
    }

    public ByteWriter u16(int v) {
        ensure(2);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    public ByteWriter u32(long v) {
        ensure(4);
        for (int shift = 24; shift >= 0; shift -= 8) buf[pos++] = (byte) (v >>> shift);
        return this;
    }

    public ByteWriter i64(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) buf[pos++] = (byte) (v >>> shift);
        return this;
    }

    public ByteWriter bool(boolean v) {
        return u8(v ? 1 : 0);
    }

    public ByteWriter varint(long v) {
        ensure(10);
        while ((v & ~0x7fL) != 0) {
            buf[pos++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
        return this;
    }

    public ByteWriter bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    public ByteWriter bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
        return this;
    }

    public ByteWriter blob(byte[] b) {
        varint(b.length);
        return bytes(b);
    }

    public ByteWriter string(String s) {
        return blob(s.getBytes(StandardCharsets.UTF_8));
    }

    public ByteWriter id(AuthorId id) {
        ensure(32);
        id.copyTo(buf, pos);
        pos += 32;
        return this;
    }

    public ByteWriter id(EntryId id) {
        ensure(32);
        id.copyTo(buf, pos);
        pos += 32;
        return this;
    }

    public ByteWriter id(BlobId id) {
        ensure(32);
        id.copyTo(buf, pos);
        pos += 32;
        return this;
    }

    public int size() {
        return pos;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }
}
