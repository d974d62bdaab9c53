package org.grapevine.gossip.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.grapevine.gossip.wire.WireMessage.BlobCancel;
import org.grapevine.gossip.wire.WireMessage.Locate;
import org.grapevine.gossip.wire.WireMessage.Route;
import org.grapevine.gossip.wire.WireMessage.Routes;
import org.grapevine.gossip.wire.WireMessage.BlobChunk;
import org.grapevine.gossip.wire.WireMessage.BlobGet;
import org.grapevine.gossip.wire.WireMessage.BlobHave;
import org.grapevine.gossip.wire.WireMessage.BlobWant;
import org.grapevine.gossip.wire.WireMessage.CaughtUp;
import org.grapevine.gossip.wire.WireMessage.Clock;
import org.grapevine.gossip.wire.WireMessage.Entries;
import org.grapevine.gossip.wire.WireMessage.FeedState;
import org.grapevine.gossip.wire.WireMessage.Goodbye;
import org.grapevine.gossip.wire.WireMessage.Mode;
import org.grapevine.gossip.wire.WireMessage.PeerAddress;
import org.grapevine.gossip.wire.WireMessage.Peers;
import org.grapevine.gossip.wire.WireMessage.Ping;
import org.grapevine.gossip.wire.WireMessage.Pong;
import org.grapevine.gossip.wire.WireMessage.Reason;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.blob.BlobHasher;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.identity.log.EntryHeader;
import org.junit.jupiter.api.Test;

/** Every message type survives a round trip; anything that is not exactly a message is {@link Malformed}. */
class WireCodecTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final Identity ALICE = identity(1);
    private static final Identity BOB = identity(2);
    private static final List<Entry> ALICE_LOG = log(ALICE, 3);
    private static final List<Entry> BOB_LOG = log(BOB, 2);
    private static final int CHUNK = BlobHasher.CHUNK_SIZE;
    private static final long MAX_SIZE = WireMessage.MAX_BLOB_SIZE;
    private static final BlobId PHOTO = BlobHasher.of("a photo".getBytes(StandardCharsets.UTF_8));
    private static final BlobId VIDEO = new BlobId(filled(32, 9));
    /** Three chunks and one byte: four chunks, the last of one byte, and a bitmap of one byte. */
    private static final long FOUR_CHUNKS = 3L * CHUNK + 1;

    static Identity identity(int n) {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) n);
        return Identity.fromSeed(seed);
    }

    static List<Entry> log(Identity author, int n) {
        List<Entry> log = new ArrayList<>();
        for (int seq = 1; seq <= n; seq++) {
            Entry previous = seq == 1 ? null : log.get(seq - 2);
            log.add(Entry.create(author, seq, previous == null ? null : previous.id(), T0 + seq,
                    Content.Post.text(author + " says " + seq)));
        }
        return log;
    }

    private static AuthorId author(int n) {
        return new AuthorId(filled(32, n));
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    /** One or more of every message type, covering every mode, reason and optional field. */
    static List<WireMessage> samples() {
        return List.of(
                new Clock(List.of()),
                new Clock(List.of(
                        new FeedState(ALICE.id(), 0, Mode.NONE),
                        new FeedState(BOB.id(), 127, Mode.EAGER, 0),
                        new FeedState(author(3), 128, Mode.LAZY, WireMessage.MAX_ROUTE),
                        new FeedState(author(4), Long.MAX_VALUE, Mode.EAGER, 3))),
                new Entries(List.of()),
                new Entries(List.of(ALICE_LOG.get(0))),
                new Entries(List.of(
                        ALICE_LOG.get(0), ALICE_LOG.get(1).withoutContent(), ALICE_LOG.get(2),
                        BOB_LOG.get(0).withoutContent(), BOB_LOG.get(1))),
                new CaughtUp(ALICE.id(), 0),
                new CaughtUp(BOB.id(), 1L << 40),
                new Peers(List.of()),
                new Peers(List.of(
                        new PeerAddress("127.0.0.1", 7070, ALICE.id()),
                        new PeerAddress("fe80::1", 1, null),
                        new PeerAddress("grapevine.example.org", 65535, BOB.id()),
                        new PeerAddress("hôte.local", 4242, null))),
                new Ping(0),
                new Ping(-1),
                new Pong(Long.MIN_VALUE),
                new Pong(0x0123456789abcdefL),
                new Goodbye(Reason.SHUTDOWN, ""),
                new Goodbye(Reason.MALFORMED, "clock size: 5000 exceeds limit 4096"),
                new Goodbye(Reason.INVALID_ENTRY, "invalid entry"),
                new Goodbye(Reason.TOO_MANY_PEERS, "full"),
                new Goodbye(Reason.DUPLICATE_CONNECTION, "already connected"),
                new Goodbye(Reason.TIMEOUT, "no pong"),
                new Goodbye(Reason.PROTOCOL, "ünïcödé ✓"),
                new BlobWant(PHOTO, 2, BlobWant.UNKNOWN_SIZE),
                new BlobWant(PHOTO, 1, 0),
                new BlobWant(VIDEO, WireMessage.MAX_HOPS, MAX_SIZE),
                new BlobHave(VIDEO, FOUR_CHUNKS, false, new byte[] {0b1010}),
                new BlobHave(VIDEO, FOUR_CHUNKS, false, new byte[] {0}),
                new BlobHave(VIDEO, 8L * CHUNK + 1, false, new byte[] {(byte) 0xfe, 0x01}),
                new BlobHave(PHOTO, 7, true, new byte[0]),
                new BlobHave(PHOTO, 0, true, new byte[0]),
                new BlobHave(PHOTO, 0, false, new byte[] {0}),
                new BlobHave(VIDEO, MAX_SIZE, true, new byte[0]),
                new BlobGet(VIDEO, List.of(0)),
                new BlobGet(VIDEO, List.of(3, 1, 127, 128, WireMessage.MAX_CHUNKS - 1)),
                new BlobGet(PHOTO, IntStream.range(0, WireMessage.MAX_GET).boxed().toList()),
                new BlobChunk(PHOTO, 0, 0, List.of(), new byte[0]),
                new BlobChunk(VIDEO, FOUR_CHUNKS, 3, List.of(filled(32, 1), filled(32, 2)), new byte[] {42}),
                new BlobChunk(VIDEO, FOUR_CHUNKS, 1, List.of(filled(32, 3), filled(32, 4)), filled(300, 0x77)),
                new BlobCancel(PHOTO),
                new Locate(ALICE.id()),
                new Routes(List.of()),
                new Routes(List.of(new Route(ALICE.id(), 0), new Route(BOB.id(), WireMessage.MAX_ROUTE),
                        new Route(author(3), WireMessage.NO_ROUTE))),
                new WireMessage.ForkProof(ALICE_LOG.get(0).header(), forkOf(ALICE_LOG, 1).header()),
                new WireMessage.ForkProof(ALICE_LOG.get(1).header(), forkOf(ALICE_LOG, 2).header()),
                new WireMessage.ForkProof(ALICE_LOG.get(2).header(), forkAfter(ALICE_LOG, 2).header()));
    }

    /** Another entry by {@code log}'s author at sequence {@code seq} (1-based), after the same entry. */
    static Entry forkOf(List<Entry> log, int seq) {
        Entry e = log.get(seq - 1);
        return Entry.create(ALICE, seq, e.header().previous(), T0 + 1_000 + seq, Content.Post.text("the other history"));
    }

    /** An entry by {@code log}'s author at {@code seq + 1} whose previous is not entry {@code seq}. */
    static Entry forkAfter(List<Entry> log, int seq) {
        return Entry.create(ALICE, seq + 1, forkOf(log, seq).id(), T0 + 2_000, Content.Post.text("built on the other history"));
    }

    @Test
    void aForkProofMustShowAFork() {
        Entry one = ALICE_LOG.get(0);
        Entry two = ALICE_LOG.get(1);
        for (byte[] bad : List.of(
                proofBytes(one.header(), one.header()),                       // the same header twice
                proofBytes(one.header(), two.header()),                       // a genuine chain link
                proofBytes(two.header(), forkOf(ALICE_LOG, 1).header()),      // not consecutive in that order
                proofBytes(one.header(), BOB_LOG.get(0).header()))) {         // two authors
            malformed(bad);
        }
        byte[] truncated = WireCodec.encode(new WireMessage.ForkProof(one.header(), forkOf(ALICE_LOG, 1).header()));
        malformed(Arrays.copyOf(truncated, truncated.length - 1));
    }

    private static byte[] proofBytes(org.grapevine.identity.log.EntryHeader a, org.grapevine.identity.log.EntryHeader b) {
        return new org.grapevine.identity.ByteWriter(400).u8(15).blob(a.encoded()).blob(b.encoded()).toByteArray();
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static Malformed malformed(byte[] bytes) {
        return assertThrows(Malformed.class, () -> WireCodec.decode(bytes), () -> HexFormat.of().formatHex(bytes));
    }

    // ---- round trips

    @Test
    void everySampleRoundTripsToAnEqualMessageAndTheSameBytes() throws Malformed {
        for (WireMessage m : samples()) {
            byte[] bytes = WireCodec.encode(m);
            WireMessage back = WireCodec.decode(bytes);
            assertEquals(m, back, () -> "round trip of " + m);
            assertArrayEquals(bytes, WireCodec.encode(back), () -> "re-encoding of " + m);
        }
    }

    @Test
    void thePartsOfAnEncodingAreItsHeadAndAChunksOwnDataUntouched() throws Malformed {
        for (WireMessage m : samples()) {
            WireCodec.Parts parts = WireCodec.encodeParts(m);
            byte[] joined = Arrays.copyOf(parts.head(), parts.length());
            System.arraycopy(parts.body(), 0, joined, parts.head().length, parts.body().length);
            assertArrayEquals(WireCodec.encode(m), joined, m::toString);
            if (m instanceof BlobChunk c) {
                assertSame(c.dataUnsafe(), parts.body(), "a chunk's data is sent from its own array");
            } else {
                assertEquals(0, parts.body().length, m::toString);
            }
            assertEquals(m, WireCodec.decode(joined));
        }
    }

    @Test
    void samplesCoverEveryTypeModeAndReason() {
        List<WireMessage> samples = samples();
        for (Mode mode : Mode.values()) {
            assertTrue(samples.stream().anyMatch(m -> m instanceof Clock c
                    && c.feeds().stream().anyMatch(f -> f.mode() == mode)), mode::toString);
        }
        for (Reason reason : Reason.values()) {
            if (reason == Reason.OTHER) continue; // received, never sent
            assertTrue(samples.stream().anyMatch(m -> m instanceof Goodbye g && g.reason() == reason), reason::toString);
        }
        for (int type = 1; type <= 12; type++) {
            int t = type;
            assertTrue(samples.stream().anyMatch(m -> WireCodec.encode(m)[0] == t), () -> "type " + t);
        }
    }

    @Test
    void entriesKeepOrderHeadersAndWhetherContentIsPresent() throws Malformed {
        List<Entry> sent = List.of(ALICE_LOG.get(0), ALICE_LOG.get(1).withoutContent(), BOB_LOG.get(0));
        Entries back = (Entries) WireCodec.decode(WireCodec.encode(new Entries(sent)));
        assertEquals(sent, back.entries());
        assertTrue(back.entries().get(0).hasContent());
        assertFalse(back.entries().get(1).hasContent());
        assertNull(back.entries().get(1).content());
        assertEquals(ALICE_LOG.get(1).id(), back.entries().get(1).id(), "a dropped body keeps the entry's id");
    }

    @Test
    void entryCostIsWhatAnEntryAddsToAnEntriesMessageAtMost() {
        for (Entry e : List.of(ALICE_LOG.get(0), ALICE_LOG.get(1), ALICE_LOG.get(1).withoutContent())) {
            int empty = WireCodec.encode(new Entries(List.of())).length;
            int one = WireCodec.encode(new Entries(List.of(e))).length;
            assertTrue(one - empty <= WireCodec.entryCost(e), e::toString);
        }
    }

    @Test
    void decodesAMessageInsideALargerBuffer() throws Malformed {
        WireMessage m = new CaughtUp(ALICE.id(), 99);
        byte[] bytes = WireCodec.encode(m);
        byte[] framed = new byte[bytes.length + 10];
        Arrays.fill(framed, (byte) 0x5a);
        System.arraycopy(bytes, 0, framed, 3, bytes.length);
        assertEquals(m, WireCodec.decode(framed, 3, bytes.length));
    }

    @Test
    void layoutOfSmallMessagesIsFixed() throws Malformed {
        // Type byte, then fields; varints are unsigned LEB128 (docs/PROTOCOL.md).
        assertArrayEquals(hex("05 0123456789abcdef"), WireCodec.encode(new Ping(0x0123456789abcdefL)));
        assertArrayEquals(hex("06 ffffffffffffffff"), WireCodec.encode(new Pong(-1)));
        assertArrayEquals(hex("07 00 02 6869"), WireCodec.encode(new Goodbye(Reason.SHUTDOWN, "hi")));
        assertArrayEquals(hex("01 00"), WireCodec.encode(new Clock(List.of())));
        assertArrayEquals(hex("0d" + ALICE.id().hex()), WireCodec.encode(new Locate(ALICE.id())));
        assertArrayEquals(hex("0e 02" + ALICE.id().hex() + "03" + BOB.id().hex() + "ff"),
                WireCodec.encode(new Routes(List.of(new Route(ALICE.id(), 3), new Route(BOB.id(), WireMessage.NO_ROUTE)))));
        byte[] clock = WireCodec.encode(new Clock(List.of(new FeedState(author(7), 300, Mode.LAZY, 2))));
        assertEquals(1 + 1 + 32 + 2 + 1 + 1, clock.length);
        assertArrayEquals(hex("ac02 02 02"), Arrays.copyOfRange(clock, 34, 38));
    }

    // ---- strictness

    @Test
    void emptyInputAndTypeZeroAreMalformedAndOtherTypeBytesAreExtensions() throws Malformed {
        malformed(new byte[0]);
        malformed(new byte[] {0, 1, 2});
        for (int type : new int[] {16, 17, 0x7f, 0x80, 0xff}) {
            byte[] bytes = {(byte) type, 1, 2, 3};
            WireMessage.Extension x = (WireMessage.Extension) WireCodec.decode(bytes);
            assertEquals(type, x.code());
            assertArrayEquals(new byte[] {1, 2, 3}, x.body(), "everything after the type byte is the body");
            assertArrayEquals(bytes, WireCodec.encode(x), "and encodes back as it came");
        }
        assertThrows(IllegalArgumentException.class, () -> new WireMessage.Extension(MessageType.CLOCK.code(), new byte[0]),
                "a type this codec parses is no extension's");
    }

    @Test
    void aClockEntryOfAnUnknownModeIsIgnoredAndTheRestKept() throws Malformed {
        for (int mode = Mode.values().length; mode < 256; mode += 37) {
            byte[] bytes = WireCodec.encode(new Clock(List.of(new FeedState(ALICE.id(), 5, Mode.EAGER), new FeedState(BOB.id(), 7, Mode.LAZY))));
            bytes[2 + 32 + 1] = (byte) mode; // alice's entry: feed, seq 5 (one byte), then the mode
            assertEquals(new Clock(List.of(new FeedState(BOB.id(), 7, Mode.LAZY))), WireCodec.decode(bytes), "mode " + mode);
        }
        byte[] lazy = WireCodec.encode(new Clock(List.of(new FeedState(ALICE.id(), 5, Mode.EAGER))));
        lazy[lazy.length - 2] = (byte) Mode.LAZY.ordinal();
        assertEquals(Mode.LAZY, ((Clock) WireCodec.decode(lazy)).feeds().get(0).mode(), "the mode byte is the one before the route");
    }

    @Test
    void aRouteLongerThanTheLimitIsMalformed() throws Malformed {
        for (int hops : new int[] {WireMessage.MAX_ROUTE + 1, 0x80, 0xfe}) {
            byte[] bytes = WireCodec.encode(new Routes(List.of(new Route(ALICE.id(), 1))));
            bytes[bytes.length - 1] = (byte) hops;
            malformed(bytes);
        }
        byte[] bytes = WireCodec.encode(new Routes(List.of(new Route(ALICE.id(), 1))));
        bytes[bytes.length - 1] = (byte) WireMessage.MAX_ROUTE;
        assertEquals(new Routes(List.of(new Route(ALICE.id(), WireMessage.MAX_ROUTE))), WireCodec.decode(bytes));
        byte[] clock = WireCodec.encode(new Clock(List.of(new FeedState(ALICE.id(), 5, Mode.EAGER))));
        clock[clock.length - 1] = (byte) (WireMessage.MAX_ROUTE + 1);
        malformed(clock);
    }

    @Test
    void anUnknownReasonIsReadAsOtherWithItsDetail() throws Malformed {
        for (int reason : new int[] {7, 0x80, 0xff}) {
            byte[] bytes = WireCodec.encode(new Goodbye(Reason.TIMEOUT, "x"));
            bytes[1] = (byte) reason;
            assertEquals(new Goodbye(Reason.OTHER, "x"), WireCodec.decode(bytes));
        }
        assertThrows(IllegalArgumentException.class, () -> WireCodec.encode(new Goodbye(Reason.OTHER, "x")), "OTHER is never sent");
    }

    @Test
    void trailingBytesAreMalformed() {
        for (WireMessage m : samples()) {
            byte[] bytes = WireCodec.encode(m);
            for (int extra = 1; extra <= 3; extra++) {
                malformed(Arrays.copyOf(bytes, bytes.length + extra));
            }
        }
    }

    @Test
    void everyTruncationOfEverySampleIsMalformed() {
        for (WireMessage m : samples()) {
            byte[] bytes = WireCodec.encode(m);
            for (int len = 0; len < bytes.length; len++) {
                int n = len;
                assertThrows(Malformed.class, () -> WireCodec.decode(bytes, 0, n), () -> m + " cut to " + n + " bytes");
            }
        }
    }

    @Test
    void countsOverTheirLimitsAreMalformed() {
        Malformed clock = malformed(new ByteWriter(8).u8(1).varint(WireMessage.MAX_CLOCK_FEEDS + 1).toByteArray());
        assertTrue(clock.getMessage().contains("exceeds limit"), clock.getMessage());
        Malformed batch = malformed(new ByteWriter(8).u8(2).varint(WireMessage.MAX_BATCH + 1).toByteArray());
        assertTrue(batch.getMessage().contains("exceeds limit"), batch.getMessage());
        Malformed peers = malformed(new ByteWriter(8).u8(4).varint(WireMessage.MAX_PEERS + 1).toByteArray());
        assertTrue(peers.getMessage().contains("exceeds limit"), peers.getMessage());
        // 2^64 - 1 as a count overflows nothing: it is refused as over the limit.
        malformed(hex("01 ffffffffffffffffff01"));
        // A varint longer than 10 bytes, and an overlong one.
        malformed(hex("01 ffffffffffffffffffff01"));
        malformed(hex("01 8000"));
    }

    @Test
    void lengthsOverTheirLimitsAreMalformed() {
        // Goodbye detail and peer host have byte limits of their own.
        malformed(new ByteWriter(300).u8(7).u8(0).blob(new byte[WireMessage.MAX_DETAIL_BYTES + 1]).toByteArray());
        byte[] host = "h".repeat(WireMessage.MAX_HOST_BYTES + 1).getBytes(StandardCharsets.UTF_8);
        malformed(new ByteWriter(300).u8(4).varint(1).blob(host).u16(80).bool(false).toByteArray());
        // An entry envelope longer than any entry can be.
        malformed(new ByteWriter(16).u8(2).varint(1).varint(EntryHeader.MAX_SIZE + 1 + EntryHeader.MAX_CONTENT + 1).toByteArray());
        // A whole message over the limit is refused before its first byte is read.
        Malformed big = assertThrows(Malformed.class, () -> WireCodec.decode(new byte[WireCodec.MAX_MESSAGE + 1]));
        assertTrue(big.getMessage().contains("exceeds"), big.getMessage());
    }

    @Test
    void countsClaimingMoreItemsThanBytesLeftFailFast() {
        // Each claim is within its limit, so only the bytes-left check can refuse it before reading items.
        Malformed clock = malformed(new ByteWriter(8).u8(1).varint(WireMessage.MAX_CLOCK_FEEDS).toByteArray());
        assertTrue(clock.getMessage().contains("clock of 4096 feeds in 0 bytes"), clock.getMessage());
        // 3 feeds claimed, 2 present: refused on the count, not after decoding two.
        byte[] two = WireCodec.encode(new Clock(List.of(
                new FeedState(ALICE.id(), 1, Mode.EAGER), new FeedState(BOB.id(), 1, Mode.LAZY))));
        two[1] = 3;
        assertTrue(malformed(two).getMessage().startsWith("clock of 3 feeds"));

        Malformed batch = malformed(new ByteWriter(8).u8(2).varint(WireMessage.MAX_BATCH).toByteArray());
        assertTrue(batch.getMessage().contains("batch of 1024 entries"), batch.getMessage());
        byte[] entries = WireCodec.encode(new Entries(List.of(ALICE_LOG.get(0))));
        entries[1] = 2;
        assertTrue(malformed(entries).getMessage().startsWith("batch of 2 entries"));

        Malformed peers = malformed(new ByteWriter(8).u8(4).varint(WireMessage.MAX_PEERS).toByteArray());
        assertTrue(peers.getMessage().contains("peer list of 64"), peers.getMessage());
    }

    @Test
    void anEntryWithABadContentHashMakesTheMessageMalformed() {
        Entry e = ALICE_LOG.get(1);
        byte[] bytes = WireCodec.encode(new Entries(List.of(ALICE_LOG.get(0), e)));
        bytes[bytes.length - 1] ^= 0x01; // last byte of the second entry's body
        Malformed m = malformed(bytes);
        assertTrue(m.getMessage().contains("content does not match"), m.getMessage());
    }

    @Test
    void anEntryWithABadSignatureStillDecodesBecauseTheStoreJudgesSignatures() throws Malformed {
        Entry e = ALICE_LOG.get(0);
        byte[] bytes = WireCodec.encode(new Entries(List.of(e)));
        int signatureEnd = 1 + 1 + 2 + e.header().size();
        bytes[signatureEnd - 1] ^= 0x01;
        Entry back = ((Entries) WireCodec.decode(bytes)).entries().get(0);
        assertFalse(back.header().verifySignature(new org.grapevine.identity.Verifier()));
    }

    @Test
    void aPeerWithPortZeroIsNoAddressAndIsLeftOut() throws Malformed {
        byte[] bytes = new ByteWriter(32).u8(4).varint(2).string("h").u16(0).bool(false).string("g").u16(80).bool(false).toByteArray();
        assertEquals(new Peers(List.of(new PeerAddress("g", 80, null))), WireCodec.decode(bytes));
    }

    @Test
    void badFieldValuesAreMalformedNotIllegalArgument() {
        // An empty host passes the byte-level checks but not the record's.
        malformed(new ByteWriter(16).u8(4).varint(1).string("").u16(80).bool(false).toByteArray());
        // A has-id flag that is neither 0 nor 1.
        malformed(new ByteWriter(16).u8(4).varint(1).string("h").u16(80).u8(2).toByteArray());
        // Text that is not UTF-8.
        malformed(new ByteWriter(16).u8(7).u8(0).blob(new byte[] {(byte) 0xc3, 0x28}).toByteArray());
    }

    @Test
    void encodingRefusesAMessageOverTheLimit() {
        Entry big = Entry.create(ALICE, 1, null, T0, Content.Post.text("x".repeat(EntryHeader.MAX_CONTENT - 64)));
        List<Entry> many = new ArrayList<>();
        for (int i = 0; i < 70; i++) many.add(big);
        assertThrows(IllegalArgumentException.class, () -> WireCodec.encode(new Entries(many)));
    }

    // ---- blobs

    private static ByteWriter blobMessage(int type, BlobId blob) {
        return new ByteWriter(64).u8(type).id(blob);
    }

    @Test
    void layoutOfBlobMessagesIsFixed() {
        String video = VIDEO.hex();
        assertArrayEquals(hex("0c" + video), WireCodec.encode(new BlobCancel(VIDEO)));
        assertArrayEquals(hex("08" + video + "02 00"), WireCodec.encode(new BlobWant(VIDEO, 2, BlobWant.UNKNOWN_SIZE)));
        assertArrayEquals(hex("08" + video + "01 01 ac02"), WireCodec.encode(new BlobWant(VIDEO, 1, 300)));
        // 786,433 bytes = 3 chunks and 1 byte; bits 1 and 3 set: chunks 1 and 3 held.
        assertArrayEquals(hex("09" + video + "818030 00 01 0a"),
                WireCodec.encode(new BlobHave(VIDEO, FOUR_CHUNKS, false, new byte[] {0x0a})));
        assertArrayEquals(hex("09" + video + "07 01"), WireCodec.encode(new BlobHave(VIDEO, 7, true, new byte[0])));
        assertArrayEquals(hex("0a" + video + "02 03 8001"), WireCodec.encode(new BlobGet(VIDEO, List.of(3, 128))));
        assertArrayEquals(hex("0b" + video + "818030 03 01" + "11".repeat(32) + "01 2a"),
                WireCodec.encode(new BlobChunk(VIDEO, FOUR_CHUNKS, 3, List.of(filled(32, 0x11)), new byte[] {42})));
    }

    @Test
    void aFullChunkWithTheLongestProofFitsInAMessage() throws Malformed {
        List<byte[]> proof = IntStream.range(0, WireMessage.MAX_PROOF).mapToObj(i -> filled(32, i)).toList();
        BlobChunk chunk = new BlobChunk(VIDEO, MAX_SIZE, WireMessage.MAX_CHUNKS - 1, proof, filled(CHUNK, 0x5a));
        byte[] bytes = WireCodec.encode(chunk);
        assertTrue(bytes.length <= WireCodec.MAX_MESSAGE, bytes.length + " bytes");
        assertEquals(chunk, WireCodec.decode(bytes));
    }

    @Test
    void haveBitmapsCountChunksFromTheLeastSignificantBit() {
        BlobHave have = new BlobHave(VIDEO, FOUR_CHUNKS, false, new byte[] {0b1010});
        assertFalse(have.has(0));
        assertTrue(have.has(1));
        assertFalse(have.has(2));
        assertTrue(have.has(3));
        assertFalse(have.has(4), "past the last chunk");
        assertFalse(have.has(-1));
        assertEquals(BitSet.valueOf(new byte[] {0b1010}), have.held());
        // Nine chunks: chunk 8 is the lowest bit of the second byte.
        BlobHave nine = new BlobHave(VIDEO, 8L * CHUNK + 1, false, new byte[] {0, 1});
        assertTrue(nine.has(8));
        assertEquals(1, nine.held().cardinality());
        BlobHave complete = new BlobHave(VIDEO, FOUR_CHUNKS, true, new byte[0]);
        assertTrue(complete.has(0) && complete.has(3));
        assertFalse(complete.has(4));
        assertEquals(4, complete.held().cardinality());
    }

    @Test
    void haveOfIsCompleteExactlyWhenEveryChunkIsHeld() {
        BitSet held = new BitSet();
        held.set(1);
        held.set(3);
        BlobHave partial = BlobHave.of(VIDEO, FOUR_CHUNKS, held);
        assertFalse(partial.complete());
        assertArrayEquals(new byte[] {0b1010}, partial.bitmap());
        assertEquals(held, partial.held());

        held.set(0, 4);
        BlobHave all = BlobHave.of(VIDEO, FOUR_CHUNKS, held);
        assertEquals(new BlobHave(VIDEO, FOUR_CHUNKS, true, new byte[0]), all);
        assertEquals(held, all.held());

        assertArrayEquals(new byte[1], BlobHave.of(VIDEO, FOUR_CHUNKS, new BitSet()).bitmap(), "nothing held");
        // The empty blob is one empty chunk.
        assertTrue(BlobHave.of(PHOTO, 0, BitSet.valueOf(new byte[] {1})).complete());
        assertFalse(BlobHave.of(PHOTO, 0, new BitSet()).complete());
        assertThrows(IllegalArgumentException.class, () -> BlobHave.of(VIDEO, FOUR_CHUNKS, BitSet.valueOf(new byte[] {0x10})));
    }

    @Test
    void blobRecordsGuardTheirArraysAndCompareThemByContent() {
        byte[] data = {1, 2, 3};
        byte[] hash = filled(32, 5);
        BlobChunk chunk = new BlobChunk(PHOTO, 3, 0, List.of(hash), data);
        // A chunk owns the data array it is given (no 256 KiB copy), but gives out only copies of it.
        assertSame(data, chunk.dataUnsafe());
        hash[0] = 9;
        chunk.data()[1] = 9;
        chunk.proof().get(0)[1] = 9;
        BlobChunk same = new BlobChunk(PHOTO, 3, 0, List.of(filled(32, 5)), new byte[] {1, 2, 3});
        assertEquals(same, chunk);
        assertEquals(same.hashCode(), chunk.hashCode());
        assertArrayEquals(new byte[] {1, 2, 3}, chunk.dataUnsafe());
        assertNotEquals(new BlobChunk(PHOTO, 3, 0, List.of(filled(32, 6)), new byte[] {1, 2, 3}), chunk);
        assertNotEquals(new BlobChunk(PHOTO, 3, 0, List.of(filled(32, 5)), new byte[] {1, 2, 4}), chunk);
        assertNotEquals(new BlobChunk(PHOTO, 3, 0, List.of(), new byte[] {1, 2, 3}), chunk);

        byte[] bitmap = {0b0110};
        BlobHave have = new BlobHave(VIDEO, FOUR_CHUNKS, false, bitmap);
        bitmap[0] = 0;
        have.bitmap()[0] = 0;
        BlobHave sameHave = new BlobHave(VIDEO, FOUR_CHUNKS, false, new byte[] {0b0110});
        assertEquals(sameHave, have);
        assertEquals(sameHave.hashCode(), have.hashCode());
        assertNotEquals(new BlobHave(VIDEO, FOUR_CHUNKS, false, new byte[] {0b0111}), have);

        // A chunk's bytes stay out of its text form.
        String text = new BlobChunk(VIDEO, CHUNK, 0, List.of(), new byte[CHUNK]).toString();
        assertTrue(text.length() < 200 && text.contains(CHUNK + " bytes"), text);
    }

    @Test
    void wantHopsAndSizesOutOfRangeAreRefused() {
        for (int hops : new int[] {0, WireMessage.MAX_HOPS + 1, 0xff}) {
            assertThrows(IllegalArgumentException.class, () -> new BlobWant(PHOTO, hops, 1));
            malformed(blobMessage(8, PHOTO).u8(hops).bool(false).toByteArray());
        }
        for (long size : new long[] {-2, MAX_SIZE + 1, Long.MIN_VALUE}) {
            assertThrows(IllegalArgumentException.class, () -> new BlobWant(PHOTO, 2, size));
        }
        Malformed big = malformed(blobMessage(8, PHOTO).u8(2).bool(true).varint(MAX_SIZE + 1).toByteArray());
        assertTrue(big.getMessage().contains("exceeds limit"), big.getMessage());
        // An unknown size is the absence of the field, never a value.
        malformed(blobMessage(8, PHOTO).u8(2).u8(2).toByteArray());
        malformed(blobMessage(8, PHOTO).u8(2).bool(false).varint(0).toByteArray());
    }

    @Test
    void haveBitmapsOfTheWrongLengthAreRefused() {
        for (int length : new int[] {0, 2, 32}) {
            assertThrows(IllegalArgumentException.class, () -> new BlobHave(VIDEO, FOUR_CHUNKS, false, new byte[length]));
            malformed(blobMessage(9, VIDEO).varint(FOUR_CHUNKS).bool(false).blob(new byte[length]).toByteArray());
        }
        // Nine chunks need two bytes.
        malformed(blobMessage(9, VIDEO).varint(8L * CHUNK + 1).bool(false).blob(new byte[1]).toByteArray());
        // A length over the one the size fixes is refused before the bitmap is read.
        Malformed huge = malformed(blobMessage(9, VIDEO).varint(FOUR_CHUNKS).bool(false).varint(1 << 20).toByteArray());
        assertTrue(huge.getMessage().contains("exceeds limit"), huge.getMessage());
    }

    @Test
    void haveBitsPastTheLastChunkAreRefused() throws Malformed {
        for (int stray : new int[] {0x10, 0x20, 0x40, 0x80, 0xff}) {
            assertThrows(IllegalArgumentException.class, () -> new BlobHave(VIDEO, FOUR_CHUNKS, false, new byte[] {(byte) stray}));
            malformed(blobMessage(9, VIDEO).varint(FOUR_CHUNKS).bool(false).blob(new byte[] {(byte) stray}).toByteArray());
        }
        malformed(blobMessage(9, VIDEO).varint(8L * CHUNK + 1).bool(false).blob(new byte[] {0, 2}).toByteArray());
        malformed(blobMessage(9, VIDEO).varint(0).bool(false).blob(new byte[] {2}).toByteArray());
        // Eight chunks use every bit of their one byte.
        byte[] eight = blobMessage(9, VIDEO).varint(8L * CHUNK).bool(false).blob(new byte[] {(byte) 0xff}).toByteArray();
        assertTrue(((BlobHave) WireCodec.decode(eight)).has(7));
    }

    @Test
    void aCompleteHaveCarriesNoBitmap() {
        assertThrows(IllegalArgumentException.class, () -> new BlobHave(VIDEO, FOUR_CHUNKS, true, new byte[] {0x0f}));
        assertThrows(IllegalArgumentException.class, () -> new BlobHave(VIDEO, FOUR_CHUNKS, true, new byte[1]));
        Malformed m = malformed(blobMessage(9, VIDEO).varint(FOUR_CHUNKS).bool(true).blob(new byte[] {0x0f}).toByteArray());
        assertTrue(m.getMessage().contains("trailing"), m.getMessage());
    }

    @Test
    void haveSizesOutOfRangeAreRefused() {
        for (long size : new long[] {-1, MAX_SIZE + 1}) {
            assertThrows(IllegalArgumentException.class, () -> new BlobHave(VIDEO, size, true, new byte[0]));
            assertThrows(IllegalArgumentException.class, () -> BlobHave.of(VIDEO, size, new BitSet()));
        }
        malformed(blobMessage(9, VIDEO).varint(MAX_SIZE + 1).bool(true).toByteArray());
    }

    @Test
    void getsOfNoChunksOrTooManyOrPastTheLargestBlobAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BlobGet(VIDEO, List.of()));
        malformed(blobMessage(10, VIDEO).varint(0).toByteArray());

        List<Integer> tooMany = IntStream.range(0, WireMessage.MAX_GET + 1).boxed().toList();
        assertThrows(IllegalArgumentException.class, () -> new BlobGet(VIDEO, tooMany));
        ByteWriter w = blobMessage(10, VIDEO).varint(tooMany.size());
        for (int i : tooMany) w.varint(i);
        Malformed m = malformed(w.toByteArray());
        assertTrue(m.getMessage().contains("exceeds limit"), m.getMessage());

        for (int index : new int[] {-1, WireMessage.MAX_CHUNKS}) {
            assertThrows(IllegalArgumentException.class, () -> new BlobGet(VIDEO, List.of(index)));
        }
        malformed(blobMessage(10, VIDEO).varint(1).varint(WireMessage.MAX_CHUNKS).toByteArray());
        Malformed claim = malformed(blobMessage(10, VIDEO).varint(WireMessage.MAX_GET).varint(0).toByteArray());
        assertTrue(claim.getMessage().contains("get of 64 chunks in 1 bytes"), claim.getMessage());
    }

    @Test
    void chunksOverTheChunkSizeAreRefused() throws Malformed {
        assertThrows(IllegalArgumentException.class, () -> new BlobChunk(VIDEO, MAX_SIZE, 0, List.of(), new byte[CHUNK + 1]));
        // Refused on the length, before the bytes are read.
        Malformed m = malformed(blobMessage(11, VIDEO).varint(MAX_SIZE).varint(0).u8(0).varint(CHUNK + 1).toByteArray());
        assertTrue(m.getMessage().contains("exceeds limit"), m.getMessage());
        byte[] full = blobMessage(11, VIDEO).varint(MAX_SIZE).varint(0).u8(0).blob(new byte[CHUNK]).toByteArray();
        assertEquals(CHUNK, ((BlobChunk) WireCodec.decode(full)).dataUnsafe().length);
    }

    @Test
    void chunkIndexesPastTheBlobAreRefused() {
        for (int index : new int[] {-1, 4, 5, Integer.MAX_VALUE}) {
            assertThrows(IllegalArgumentException.class, () -> new BlobChunk(VIDEO, FOUR_CHUNKS, index, List.of(), new byte[1]));
        }
        assertThrows(IllegalArgumentException.class, () -> new BlobChunk(PHOTO, 0, 1, List.of(), new byte[0]));
        malformed(blobMessage(11, VIDEO).varint(FOUR_CHUNKS).varint(4).u8(0).blob(new byte[1]).toByteArray());
        malformed(blobMessage(11, PHOTO).varint(0).varint(1).u8(0).blob(new byte[0]).toByteArray());
    }

    @Test
    void chunkProofsOfMoreThanFortyHashesOrOfShortHashesAreRefused() throws Malformed {
        List<byte[]> longest = IntStream.range(0, WireMessage.MAX_PROOF + 1).mapToObj(i -> filled(32, i)).toList();
        assertThrows(IllegalArgumentException.class, () -> new BlobChunk(VIDEO, FOUR_CHUNKS, 0, longest, new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> new BlobChunk(VIDEO, FOUR_CHUNKS, 0, List.of(new byte[31]), new byte[1]));
        for (int count : new int[] {WireMessage.MAX_PROOF, WireMessage.MAX_PROOF + 1, 0xff}) {
            ByteWriter w = blobMessage(11, VIDEO).varint(FOUR_CHUNKS).varint(0).u8(count);
            for (int i = 0; i < count; i++) w.bytes(filled(32, i));
            byte[] bytes = w.blob(new byte[1]).toByteArray();
            if (count <= WireMessage.MAX_PROOF) {
                assertEquals(count, ((BlobChunk) WireCodec.decode(bytes)).proof().size());
            } else {
                assertTrue(malformed(bytes).getMessage().contains("proof count"));
            }
        }
        Malformed claim = malformed(blobMessage(11, VIDEO).varint(FOUR_CHUNKS).varint(0).u8(2).bytes(new byte[33]).toByteArray());
        assertTrue(claim.getMessage().contains("proof of 2 hashes in 33 bytes"), claim.getMessage());
    }

    @Test
    void chunkSizesOutOfRangeAreRefused() {
        for (long size : new long[] {-1, MAX_SIZE + 1}) {
            assertThrows(IllegalArgumentException.class, () -> new BlobChunk(VIDEO, size, 0, List.of(), new byte[1]));
        }
        malformed(blobMessage(11, VIDEO).varint(MAX_SIZE + 1).varint(0).u8(0).blob(new byte[1]).toByteArray());
    }

    // ---- fuzz

    private static final int FUZZ_ROUNDS = 20_000;

    @Test
    void randomAndBitFlippedInputsDecodeCanonicallyOrFailAsMalformed() {
        Random random = new Random(0x6772617065L);
        List<byte[]> seeds = samples().stream().map(WireCodec::encode).toList();
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < FUZZ_ROUNDS; i++) {
            byte[] input = switch (i % 4) {
                case 0 -> randomBytes(random);
                case 1 -> typedRandomBytes(random);
                default -> mutate(random, seeds.get(random.nextInt(seeds.size())));
            };
            if (decodesCanonicallyOrIsMalformed(input)) accepted++;
            else rejected++;
        }
        // Both outcomes must be common, or the fuzzing is not reaching the codec's decisions.
        assertTrue(accepted > FUZZ_ROUNDS / 100, "accepted " + accepted);
        assertTrue(rejected > FUZZ_ROUNDS / 2, "rejected " + rejected);
    }

    /** True when accepted; fails the test on any other exception or a non-canonical acceptance. */
    private static boolean decodesCanonicallyOrIsMalformed(byte[] input) {
        WireMessage m;
        try {
            m = WireCodec.decode(input);
        } catch (Malformed expected) {
            return false;
        } catch (Throwable t) {
            throw new AssertionError(HexFormat.of().formatHex(input) + " threw " + t, t);
        }
        if (ignoresAPart(m)) {
            // A clock entry of an unknown mode, a peer on port 0, an unknown reason: left out or
            // read as OTHER, so the message re-encodes without them, canonically.
            if (!(m instanceof Goodbye g && g.reason() == Reason.OTHER)) {
                byte[] again = WireCodec.encode(m);
                try {
                    assertEquals(m, WireCodec.decode(again));
                } catch (Malformed e) {
                    throw new AssertionError(e);
                }
            }
            return true;
        }
        assertArrayEquals(input, WireCodec.encode(m), () -> "not canonical: " + HexFormat.of().formatHex(input));
        return true;
    }

    /** Whether a decoded message may have left out a part a node ignores (so its encoding is shorter than what came). */
    private static boolean ignoresAPart(WireMessage m) {
        return m instanceof Clock || m instanceof Peers || (m instanceof Goodbye g && g.reason() == Reason.OTHER);
    }

    private static byte[] randomBytes(Random random) {
        byte[] b = new byte[random.nextInt(random.nextBoolean() ? 12 : 400)];
        random.nextBytes(b);
        return b;
    }

    /** A valid type byte and small field values, where counts and flags become plausible. */
    private static byte[] typedRandomBytes(Random random) {
        byte[] b = randomBytes(random);
        if (b.length == 0) return b;
        b[0] = (byte) (1 + random.nextInt(12));
        for (int i = 1; i < b.length; i++) if (random.nextInt(3) == 0) b[i] &= 0x03;
        return b;
    }

    private static byte[] mutate(Random random, byte[] seed) {
        byte[] b = seed.clone();
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            switch (random.nextInt(6)) {
                case 0, 1, 2 -> {
                    if (b.length > 0) {
                        int i = random.nextInt(b.length);
                        b[i] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 3 -> {
                    if (b.length > 0) b = Arrays.copyOf(b, random.nextInt(b.length));
                }
                case 4 -> {
                    b = Arrays.copyOf(b, b.length + 1 + random.nextInt(4));
                    b[b.length - 1] = (byte) random.nextInt(256);
                }
                default -> {
                    if (b.length > 1) b[1 + random.nextInt(b.length - 1)] = (byte) random.nextInt(256);
                }
            }
        }
        return b;
    }
}
