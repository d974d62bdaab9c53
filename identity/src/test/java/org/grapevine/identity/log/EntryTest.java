package org.grapevine.identity.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.Verifier;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.ContentCodec;
import org.junit.jupiter.api.Test;

class EntryTest {
    private static final long T0 = 1_700_000_000_000L;
    private final Identity alice = identity(1);
    private final Identity bob = identity(2);
    private final Verifier verifier = new Verifier();

    static Identity identity(int n) {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) n);
        return Identity.fromSeed(seed);
    }

    private Entry first() {
        return Entry.create(alice, 1, null, T0, Content.Post.text("hello, grapevine"));
    }

    private Entry second() {
        Entry first = first();
        return Entry.create(alice, 2, first.id(), T0 + 1000, Content.Post.reply("a reply", first.id(), first.id()));
    }

    @Test
    void createdEntriesVerifyAndCarryTheirFields() throws Malformed {
        Entry e1 = first();
        Entry e2 = second();
        for (Entry e : List.of(e1, e2)) {
            assertTrue(e.header().verifySignature(verifier));
            assertEquals(alice.id(), e.header().author());
            assertEquals(Content.POST, e.header().contentType());
            assertEquals(e.content().length, e.header().contentLength());
            assertArrayEquals(Hashing.sha256(e.content()), e.header().contentHash());
            assertEquals(new EntryId(Hashing.sha256(e.header().encoded())), e.id());
            assertEquals(EntryHeader.VERSION, e.encode()[0]);
        }
        assertEquals(1, e1.header().seq());
        assertNull(e1.header().previous());
        assertEquals(EntryHeader.FIRST_SIZE, e1.header().size());
        assertEquals(2, e2.header().seq());
        assertEquals(e1.id(), e2.header().previous());
        assertEquals(EntryHeader.MAX_SIZE, e2.header().size());
        assertEquals(T0 + 1000, e2.header().timestamp());
        assertEquals(Content.Post.text("hello, grapevine"), e1.decodeContent());
    }

    @Test
    void signingIsDeterministic() {
        assertEquals(first(), first());
        assertArrayEquals(first().encode(), first().encode());
    }

    @Test
    void anotherAuthorsKeyDoesNotVerify() throws Malformed {
        byte[] enc = first().encode();
        bob.id().copyTo(enc, 1);
        assertFalse(Entry.decode(enc).header().verifySignature(verifier));
    }

    @Test
    void decodeOfEncodeIsTheSameEntry() throws Malformed {
        for (Entry e : List.of(first(), second(), first().withoutContent(), second().withoutContent())) {
            Entry back = Entry.decode(e.encode());
            assertEquals(e, back);
            assertEquals(e.id(), back.id());
            assertArrayEquals(e.encode(), back.encode());
            assertEquals(e.header(), EntryHeader.decode(e.header().encoded()));
        }
    }

    @Test
    void decodesFromAWindowOfALargerBuffer() throws Malformed {
        byte[] enc = second().encode();
        byte[] padded = new byte[enc.length + 10];
        System.arraycopy(enc, 0, padded, 5, enc.length);
        assertEquals(second(), Entry.decode(padded, 5, enc.length));
    }

    @Test
    void everyBitFlipIsCaughtByDecodingOrBySignature() {
        for (Entry e : List.of(first(), second(), second().withoutContent())) {
            byte[] enc = e.encode();
            for (int i = 0; i < enc.length; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] flipped = enc.clone();
                    flipped[i] ^= (byte) (1 << bit);
                    Entry decoded;
                    try {
                        decoded = Entry.decode(flipped);
                    } catch (Malformed expected) {
                        continue;
                    }
                    if (decoded.header().verifySignature(verifier)) {
                        fail("flipping bit " + bit + " of byte " + i + " of " + e + " still verifies");
                    }
                }
            }
        }
    }

    @Test
    void tamperedContentIsDetected() throws Malformed {
        Entry e = first();
        byte[] enc = e.encode();
        enc[enc.length - 1] ^= 1;
        Malformed m = assertThrows(Malformed.class, () -> Entry.decode(enc));
        assertTrue(m.getMessage().contains("hash"), m.getMessage());

        byte[] other = ContentCodec.encode(Content.Post.text("hello, grapevinE"));
        assertEquals(e.content().length, other.length);
        assertThrows(Malformed.class, () -> Entry.of(e.header(), other));
        assertThrows(Malformed.class, () -> Entry.of(e.header(), Arrays.copyOf(e.content(), e.content().length + 1)));
        assertEquals(e, Entry.of(e.header(), e.content()));
    }

    @Test
    void droppedContentStillVerifiesAndKeepsItsId() throws Malformed {
        Entry full = second();
        Entry dropped = full.withoutContent();
        assertFalse(dropped.hasContent());
        assertNull(dropped.content());
        assertEquals(full.id(), dropped.id());
        assertNotEquals(full, dropped);
        assertEquals(full.header().encoded().length + 1, dropped.encode().length);

        Entry back = Entry.decode(dropped.encode());
        assertEquals(dropped, back);
        assertTrue(back.header().verifySignature(verifier));
        assertEquals(new Content.Dropped(Content.POST), back.decodeContent());
        assertEquals(dropped, Entry.of(full.header(), null));
        assertTrue(dropped.withoutContent() == dropped);
    }

    @Test
    void firstEntryWithPreviousAndLaterEntryWithoutAreRejected() {
        EntryId someId = first().id();
        assertThrows(IllegalArgumentException.class, () -> Entry.create(alice, 1, someId, T0, Content.Post.text("x")));
        assertThrows(IllegalArgumentException.class, () -> Entry.create(alice, 2, null, T0, Content.Post.text("x")));
        assertThrows(IllegalArgumentException.class, () -> Entry.create(alice, 0, null, T0, Content.Post.text("x")));

        byte[] firstWithPrevious = rawHeader(1, someId);
        Malformed m = assertThrows(Malformed.class, () -> EntryHeader.decode(firstWithPrevious));
        assertTrue(m.getMessage().contains("previous"), m.getMessage());
        assertThrows(Malformed.class, () -> Entry.decode(envelope(firstWithPrevious)));

        byte[] laterWithout = rawHeader(2, null);
        m = assertThrows(Malformed.class, () -> EntryHeader.decode(laterWithout));
        assertTrue(m.getMessage().contains("previous"), m.getMessage());
        assertThrows(Malformed.class, () -> Entry.decode(envelope(laterWithout)));
    }

    @Test
    void outOfRangeHeaderFieldsAreRejected() throws Malformed {
        EntryHeader.decode(rawHeader(1, null)); // the raw builder makes valid headers when asked
        assertThrows(Malformed.class, () -> EntryHeader.decode(rawHeader(0, null)));
        assertThrows(Malformed.class, () -> EntryHeader.decode(rawHeader(-1, first().id())));
        assertThrows(Malformed.class, () -> EntryHeader.decode(rawHeader(1, null, 1, -1, EntryHeader.MAX_CONTENT)));
        assertThrows(Malformed.class, () -> EntryHeader.decode(rawHeader(1, null, 1, T0, EntryHeader.MAX_CONTENT + 1)));
        assertThrows(Malformed.class, () -> EntryHeader.decode(rawHeader(1, null, 1, T0, 0xffffffffL)));
        EntryHeader.decode(rawHeader(1, null, 1, T0, EntryHeader.MAX_CONTENT));
    }

    @Test
    void unknownVersionsAreRejected() {
        for (int version : new int[] {0, 2, 0xff}) {
            byte[] enc = first().encode();
            enc[0] = (byte) version;
            Malformed m = assertThrows(Malformed.class, () -> Entry.decode(enc));
            assertTrue(m.getMessage().contains("version"), m.getMessage());
            assertThrows(Malformed.class, () -> EntryHeader.decode(rawHeader(1, null, version, T0, 0)));
        }
    }

    @Test
    void everyTruncationAndTrailingByteIsRejected() {
        for (Entry e : List.of(first(), second(), second().withoutContent())) {
            byte[] enc = e.encode();
            for (int n = 0; n < enc.length; n++) {
                int len = n;
                assertThrows(Malformed.class, () -> Entry.decode(Arrays.copyOf(enc, len)), "length " + n);
            }
            for (int extra : new int[] {0, 1, 0xff}) {
                byte[] longer = Arrays.copyOf(enc, enc.length + 1);
                longer[enc.length] = (byte) extra;
                assertThrows(Malformed.class, () -> Entry.decode(longer), "trailing " + extra);
            }
            byte[] header = e.header().encoded();
            assertThrows(Malformed.class, () -> EntryHeader.decode(Arrays.copyOf(header, header.length + 1)));
            assertThrows(Malformed.class, () -> EntryHeader.decode(Arrays.copyOf(header, header.length - 1)));
        }
    }

    @Test
    void presentFlagMustBeZeroOrOne() {
        byte[] enc = first().withoutContent().encode();
        enc[enc.length - 1] = 2;
        assertThrows(Malformed.class, () -> Entry.decode(enc));
    }

    @Test
    void oversizeContentCannotBeSigned() {
        byte[] body = new byte[EntryHeader.MAX_CONTENT + 1];
        assertThrows(IllegalArgumentException.class, () -> Entry.create(alice, 1, null, T0, 999, body));
        Entry atLimit = Entry.create(alice, 1, null, T0, 999, new byte[EntryHeader.MAX_CONTENT]);
        assertEquals(EntryHeader.MAX_CONTENT, atLimit.header().contentLength());
    }

    @Test
    void unknownContentTypesAreSignedAndCarriedAsOpaque() throws Malformed {
        byte[] body = {9, 8, 7};
        Entry e = Entry.create(alice, 1, null, T0, 999, body);
        Entry back = Entry.decode(e.encode());
        assertTrue(back.header().verifySignature(verifier));
        assertEquals(new Content.Opaque(999, body), back.decodeContent());
        assertArrayEquals(body, back.content());
    }

    @Test
    void returnedArraysAreCopies() {
        Entry e = first();
        e.content()[0] ^= 1;
        e.header().encoded()[0] ^= 1;
        e.header().contentHash()[0] ^= 1;
        assertEquals(first(), e);
        assertTrue(e.header().verifySignature(verifier));
    }

    @Test
    void toStringNamesTheEntryNotItsSecret() {
        String s = first().toString();
        assertTrue(s.contains(alice.id().toString()), s);
        assertTrue(s.contains("#1"), s);
    }

    /** A header laid out by hand, signature zero, so decoding can be tested on what create refuses to make. */
    private static byte[] rawHeader(long seq, EntryId previous) {
        return rawHeader(seq, previous, EntryHeader.VERSION, T0, 0);
    }

    private static byte[] rawHeader(long seq, EntryId previous, int version, long timestamp, long contentLength) {
        ByteWriter w = new ByteWriter(EntryHeader.MAX_SIZE).u8(version).id(new AuthorId(new byte[32])).i64(seq);
        if (previous != null) w.id(previous);
        return w.i64(timestamp).u16(Content.POST).u32(contentLength).bytes(new byte[32])
                .bytes(new byte[EntryHeader.SIGNATURE_BYTES]).toByteArray();
    }

    /** The header followed by a "content absent" flag. */
    private static byte[] envelope(byte[] header) {
        return new ByteWriter(header.length + 1).bytes(header).bool(false).toByteArray();
    }
}
