package org.grapevine.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ByteReaderTest {
    private static ByteReader reader(String hex) {
        return new ByteReader(HexFormat.of().parseHex(hex));
    }

    private static ByteReader reader(ByteWriter w) {
        return new ByteReader(w.toByteArray());
    }

    @Test
    void varintsRoundTripInTheirMinimalForm() throws Malformed {
        long[] values = {0, 1, 127, 128, 300, 16_383, 16_384, 1L << 32, Long.MAX_VALUE, Long.MIN_VALUE, -1L};
        int[] sizes = {1, 1, 1, 2, 2, 2, 3, 5, 9, 10, 10};
        for (int i = 0; i < values.length; i++) {
            byte[] enc = new ByteWriter(0).varint(values[i]).toByteArray();
            assertEquals(sizes[i], enc.length, Long.toUnsignedString(values[i]));
            ByteReader r = new ByteReader(enc);
            assertEquals(values[i], r.varint(-1L, "v"));
            r.end("v");
        }
    }

    @Test
    void overlongVarintsAreRejected() {
        for (String hex : new String[] {"8000", "ff00", "818000", "80808080808080808000", "ff80808080808080808000"}) {
            Malformed e = assertThrows(Malformed.class, () -> reader(hex).varint(-1L, "v"), hex);
            assertTrue(e.getMessage().startsWith("v:"), e.getMessage());
        }
    }

    @Test
    void varintsBeyondSixtyFourBitsAreRejected() {
        // Ten bytes whose last carries more than the one remaining bit, and an eleventh byte.
        assertThrows(Malformed.class, () -> reader("ffffffffffffffffff02").varint(-1L, "v"));
        assertThrows(Malformed.class, () -> reader("ffffffffffffffffff7f").varint(-1L, "v"));
        assertThrows(Malformed.class, () -> reader("ffffffffffffffffff8101").varint(-1L, "v"));
    }

    @Test
    void truncatedVarintsAreRejected() {
        for (String hex : new String[] {"", "80", "ffff", "ffffffffffffffffff"}) {
            assertThrows(Malformed.class, () -> reader(hex).varint(-1L, "v"), hex);
        }
    }

    @Test
    void varintsAboveTheirLimitAreRejected() throws Malformed {
        assertEquals(5, reader(new ByteWriter(0).varint(5)).varint(5, "v"));
        Malformed e = assertThrows(Malformed.class, () -> reader(new ByteWriter(0).varint(6)).varint(5, "v"));
        assertTrue(e.getMessage().contains("exceeds limit 5"), e.getMessage());
        // Compared unsigned: a value with the top bit set is huge, not negative.
        assertThrows(Malformed.class, () -> reader(new ByteWriter(0).varint(-1L)).varint(Long.MAX_VALUE, "v"));
        assertThrows(Malformed.class, () -> reader(new ByteWriter(0).varint(1L << 31)).length(Integer.MAX_VALUE, "n"));
    }

    @Test
    void hugeLengthsFailBeforeAnythingIsAllocated() {
        // If any of these allocated first, the JVM would throw OutOfMemoryError instead of Malformed.
        ByteWriter claim2g = new ByteWriter(0).varint(1L << 31).bytes(new byte[] {1, 2, 3});
        assertThrows(Malformed.class, () -> reader(claim2g).blob(Integer.MAX_VALUE, "b"));
        assertThrows(Malformed.class, () -> reader(claim2g).string(Integer.MAX_VALUE, "s"));
        ByteWriter claimMax = new ByteWriter(0).varint(Integer.MAX_VALUE).bytes(new byte[] {1, 2, 3});
        Malformed e = assertThrows(Malformed.class, () -> reader(claimMax).blob(Integer.MAX_VALUE, "b"));
        assertTrue(e.getMessage().contains("3 left"), e.getMessage());
        assertThrows(Malformed.class, () -> reader(claimMax).string(Integer.MAX_VALUE, "s"));
        assertThrows(Malformed.class, () -> reader("010203").bytes(Integer.MAX_VALUE, "b"));
    }

    @Test
    void lengthsOverTheirLimitAreRejectedEvenWhenTheBytesAreThere() {
        ByteWriter w = new ByteWriter(0).blob(new byte[11]);
        assertThrows(Malformed.class, () -> reader(w).blob(10, "b"));
        ByteWriter s = new ByteWriter(0).string("eleven char");
        assertThrows(Malformed.class, () -> reader(s).string(10, "s"));
    }

    @Test
    void validUtf8RoundTrips() throws Malformed {
        for (String s : new String[] {"", "hello", "héllo wörld", "日本語", "grapes 🍇", "\u0000"}) {
            ByteReader r = reader(new ByteWriter(0).string(s));
            assertEquals(s, r.string(1000, "s"));
            r.end("s");
        }
    }

    @Test
    void invalidUtf8IsRejectedNotReplaced() {
        String[] bad = {
            "80",          // lone continuation byte
            "c0af",        // overlong '/'
            "e080af",      // overlong, three bytes
            "eda080",      // UTF-16 surrogate encoded as UTF-8
            "e282",        // truncated sequence
            "ff",          // never valid
            "f4908080",    // above U+10FFFF
            "61c3",        // good byte then a truncated sequence
        };
        for (String hex : bad) {
            byte[] body = HexFormat.of().parseHex(hex);
            ByteReader r = new ByteReader(new ByteWriter(0).blob(body).toByteArray());
            Malformed e = assertThrows(Malformed.class, () -> r.string(100, "s"), hex);
            assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
        }
    }

    @Test
    void trailingBytesAreRejected() throws Malformed {
        ByteReader r = reader("0102");
        r.u8("a");
        Malformed e = assertThrows(Malformed.class, () -> r.end("thing"));
        assertTrue(e.getMessage().contains("1 trailing"), e.getMessage());
        r.u8("b");
        r.end("thing");
    }

    @Test
    void flagsMustBeZeroOrOne() throws Malformed {
        assertFalse(reader("00").bool("f"));
        assertTrue(reader("01").bool("f"));
        for (String hex : new String[] {"02", "7f", "80", "ff"}) {
            assertThrows(Malformed.class, () -> reader(hex).bool("f"), hex);
        }
        assertThrows(Malformed.class, () -> reader("").bool("f"));
    }

    @Test
    void fixedWidthIntegersRoundTripAndFailWhenShort() throws Malformed {
        AuthorId author = new AuthorId(filled(1));
        EntryId entry = new EntryId(filled(2));
        BlobId blob = new BlobId(filled(3));
        byte[] enc = new ByteWriter(0).u8(0xfe).u16(0xbeef).u32(0xdeadbeefL).i64(-2).bool(true)
                .id(author).id(entry).id(blob).toByteArray();
        ByteReader r = new ByteReader(enc);
        assertEquals(0xfe, r.u8("a"));
        assertEquals(0xbeef, r.u16("b"));
        assertEquals(0xdeadbeefL, r.u32("c"));
        assertEquals(-2, r.i64("d"));
        assertTrue(r.bool("e"));
        assertEquals(author, r.author("f"));
        assertEquals(entry, r.entryId("g"));
        assertEquals(blob, r.blobId("h"));
        r.end("all");

        assertThrows(Malformed.class, () -> reader("").u8("x"));
        assertThrows(Malformed.class, () -> reader("01").u16("x"));
        assertThrows(Malformed.class, () -> reader("010203").u32("x"));
        assertThrows(Malformed.class, () -> reader("01020304050607").i64("x"));
        assertThrows(Malformed.class, () -> new ByteReader(new byte[31]).author("x"));
        assertThrows(Malformed.class, () -> new ByteReader(new byte[31]).entryId("x"));
        assertThrows(Malformed.class, () -> new ByteReader(new byte[31]).blobId("x"));
    }

    @Test
    void aWindowIsNeverReadPastItsEnd() throws Malformed {
        byte[] buf = HexFormat.of().parseHex("aa0102bb");
        ByteReader r = new ByteReader(buf, 1, 2);
        assertEquals(2, r.remaining());
        assertArrayEquals(new byte[] {1, 2}, r.bytes(2, "x"));
        assertThrows(Malformed.class, () -> r.u8("x"));
        r.end("window");
        assertEquals(3, r.position());
    }

    @Test
    void writerGrowsPastItsInitialCapacity() throws Malformed {
        ByteWriter w = new ByteWriter(0);
        for (int i = 0; i < 1000; i++) w.varint(i * 1000L);
        ByteReader r = new ByteReader(w.toByteArray());
        for (int i = 0; i < 1000; i++) assertEquals(i * 1000L, r.varint(-1L, "v"));
        r.end("all");
        assertEquals(w.size(), w.toByteArray().length);
    }

    private static byte[] filled(int v) {
        byte[] b = new byte[32];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }
}
