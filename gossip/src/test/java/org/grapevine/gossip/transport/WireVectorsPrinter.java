package org.grapevine.gossip.transport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.grapevine.gossip.wire.WireCodec;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.gossip.wire.WireMessage.BlobCancel;
import org.grapevine.gossip.wire.WireMessage.BlobChunk;
import org.grapevine.gossip.wire.WireMessage.BlobGet;
import org.grapevine.gossip.wire.WireMessage.BlobHave;
import org.grapevine.gossip.wire.WireMessage.BlobWant;
import org.grapevine.gossip.wire.WireMessage.CaughtUp;
import org.grapevine.gossip.wire.WireMessage.Clock;
import org.grapevine.gossip.wire.WireMessage.Entries;
import org.grapevine.gossip.wire.WireMessage.FeedState;
import org.grapevine.gossip.wire.WireMessage.Goodbye;
import org.grapevine.gossip.wire.WireMessage.Locate;
import org.grapevine.gossip.wire.WireMessage.Mode;
import org.grapevine.gossip.wire.WireMessage.PeerAddress;
import org.grapevine.gossip.wire.WireMessage.Peers;
import org.grapevine.gossip.wire.WireMessage.Ping;
import org.grapevine.gossip.wire.WireMessage.Pong;
import org.grapevine.gossip.wire.WireMessage.Reason;
import org.grapevine.gossip.wire.WireMessage.Route;
import org.grapevine.gossip.wire.WireMessage.Routes;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Identity;
import org.grapevine.identity.blob.BlobHasher;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.keys.X25519KeyPair;
import org.grapevine.identity.log.Entry;

/**
 * Builds the wire test vectors of docs/PROTOCOL.md ("Wire test vectors") from the code: the
 * handshake's prologue and binding payload, one or more encodings of every message, inputs a
 * node reads but ignores a part of, and inputs it must reject. {@link #main} prints the block;
 * {@link WireVectorsTest} checks the document against {@link #groups()} and the codec.
 */
public final class WireVectorsPrinter {
    private static final HexFormat HEX = HexFormat.of();
    static final Identity ALICE = Identity.fromSeed(seq(0x00));
    static final Identity BOB = Identity.fromSeed(seq(0x20));
    static final byte[] STATIC_PRIVATE = seq(0x60);
    static final long T0 = 1_700_000_000_000L;

    private WireVectorsPrinter() {}

    public static void main(String[] args) {
        System.out.println("```text");
        StringBuilder out = new StringBuilder();
        for (Map<String, String> group : groups()) {
            if (out.length() > 0) out.append('\n');
            group.forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
        }
        System.out.print(out);
        System.out.println("```");
    }

    /** The 32 bytes {@code first, first + 1, ...}. */
    static byte[] seq(int first) {
        byte[] b = new byte[32];
        for (int i = 0; i < 32; i++) b[i] = (byte) (first + i);
        return b;
    }

    /** What one accepted message encodes: a name for people and the message. */
    record Sample(String what, WireMessage message) {}

    static List<Sample> accepted() {
        Entry first = Entry.create(ALICE, 1, null, T0, new Content.About("alice", "", null));
        Entry second = Entry.create(ALICE, 2, first.id(), T0 + 60_000, Content.Post.text("hello, grapevine"));
        Entry forked = Entry.create(ALICE, 2, first.id(), T0 + 61_000, Content.Post.text("hello again"));
        byte[] chunk = "a blob of one chunk".getBytes(StandardCharsets.US_ASCII);
        BlobId blob = BlobHasher.of(chunk);
        BlobId big = new BlobId(seq(0x40));
        long fourChunks = 3L * BlobHasher.CHUNK_SIZE + 10;
        return List.of(
                new Sample("Clock: alice eager at 2 (route 1), bob lazy at 300 (no route), a feed unwanted at 0",
                        new Clock(List.of(new FeedState(ALICE.id(), 2, Mode.EAGER, 1), new FeedState(BOB.id(), 300, Mode.LAZY, WireMessage.NO_ROUTE),
                                new FeedState(Identity.fromSeed(seq(0x80)).id(), 0, Mode.NONE, WireMessage.NO_ROUTE)))),
                new Sample("Clock: empty", new Clock(List.of())),
                new Sample("Entries: alice's entry 1 whole, entry 2 with its body dropped",
                        new Entries(List.of(first, second.withoutContent()))),
                new Sample("CaughtUp: alice at 2", new CaughtUp(ALICE.id(), 2)),
                new Sample("CaughtUp: the largest sequence", new CaughtUp(BOB.id(), Long.MAX_VALUE)),
                new Sample("Peers: an IPv4 address with its id, an IPv6 one without, a host name",
                        new Peers(List.of(new PeerAddress("192.0.2.7", 7733, ALICE.id()), new PeerAddress("2001:db8::1", 7734, null),
                                new PeerAddress("grapevine.example", 65535, BOB.id())))),
                new Sample("Ping", new Ping(0x0123456789abcdefL)),
                new Sample("Pong", new Pong(0x0123456789abcdefL)),
                new Sample("Goodbye: shutdown, no detail", new Goodbye(Reason.SHUTDOWN, "")),
                new Sample("Goodbye: too many peers", new Goodbye(Reason.TOO_MANY_PEERS, "full")),
                new Sample("BlobWant: size unknown, 2 hops", new BlobWant(blob, 2, BlobWant.UNKNOWN_SIZE)),
                new Sample("BlobWant: size known, 1 hop", new BlobWant(blob, 1, chunk.length)),
                new Sample("BlobHave: whole", new BlobHave(blob, chunk.length, true, new byte[0])),
                new Sample("BlobHave: chunks 0 and 2 of 4", new BlobHave(big, fourChunks, false, new byte[] {0b0101})),
                new Sample("BlobGet: chunks 1 and 3", new BlobGet(big, List.of(1, 3))),
                new Sample("BlobChunk: the only chunk of a blob, no proof", new BlobChunk(blob, chunk.length, 0, List.of(), chunk)),
                new Sample("BlobChunk: chunk 3 (the last, 10 bytes) of 4, with two proof hashes",
                        new BlobChunk(big, fourChunks, 3, List.of(seq(0xa0), seq(0xc0)), "ten bytes!".getBytes(StandardCharsets.US_ASCII))),
                new Sample("BlobCancel", new BlobCancel(blob)),
                new Sample("Locate: where is bob?", new Locate(BOB.id())),
                new Sample("Routes: alice's author is 0 hops (alice sends it), bob none",
                        new Routes(List.of(new Route(ALICE.id(), 0), new Route(BOB.id(), WireMessage.NO_ROUTE)))),
                new Sample("ForkProof: two entries 2 of alice", new WireMessage.ForkProof(second.header(), forked.header())),
                new Sample("an extension's message (type 200), which a node that does not speak it ignores",
                        new WireMessage.Extension(200, "hi".getBytes(StandardCharsets.US_ASCII))));
    }

    /** Inputs a node reads, leaving out a part it does not know; {@code keeps} is what it reads them as. */
    record Lenient(String what, byte[] bytes, WireMessage keeps) {}

    static List<Lenient> lenient() {
        byte[] unknownMode = new ByteWriter(80).u8(1).varint(2)
                .id(ALICE.id()).varint(5).u8(3).u8(1)
                .id(BOB.id()).varint(6).u8(2).u8(1).toByteArray();
        byte[] portZero = new ByteWriter(64).u8(4).varint(2)
                .string("192.0.2.8").u16(0).bool(false)
                .string("192.0.2.9").u16(7733).bool(false).toByteArray();
        byte[] otherReason = new ByteWriter(16).u8(7).u8(42).string("later").toByteArray();
        return List.of(
                new Lenient("Clock with an entry of mode 3 (unknown): that entry is ignored", unknownMode,
                        new Clock(List.of(new FeedState(BOB.id(), 6, Mode.LAZY, 1)))),
                new Lenient("Peers with an entry on port 0: that entry is left out", portZero,
                        new Peers(List.of(new PeerAddress("192.0.2.9", 7733, null)))),
                new Lenient("Goodbye with reason 42 (unknown): read as other", otherReason, new Goodbye(Reason.OTHER, "later")));
    }

    /** Inputs every node must reject (the connection is closed), and why. */
    record Rejected(String what, byte[] bytes) {}

    static List<Rejected> rejected() {
        byte[] ping = WireCodec.encode(new Ping(1));
        byte[] trailing = java.util.Arrays.copyOf(ping, ping.length + 1);
        Entry first = Entry.create(ALICE, 1, null, T0, new Content.About("alice", "", null));
        byte[] twice = new ByteWriter(200).u8(15).blob(first.header().encoded()).blob(first.header().encoded()).toByteArray();
        return List.of(
                new Rejected("type 0", new byte[] {0}),
                new Rejected("no bytes at all", new byte[0]),
                new Rejected("a byte after the Ping's nonce", trailing),
                new Rejected("CaughtUp whose sequence is a non-minimal varint (80 00 for 0)",
                        concat(new ByteWriter(40).u8(3).id(ALICE.id()).toByteArray(), new byte[] {(byte) 0x80, 0x00})),
                new Rejected("CaughtUp with sequence 2^63 (above the largest)",
                        new ByteWriter(48).u8(3).id(ALICE.id()).varint(Long.MIN_VALUE).toByteArray()),
                new Rejected("Clock that says it holds 4097 feeds", new ByteWriter(8).u8(1).varint(4097).toByteArray()),
                new Rejected("Clock entry with a route of 17 hops",
                        new ByteWriter(48).u8(1).varint(1).id(ALICE.id()).varint(1).u8(1).u8(17).toByteArray()),
                new Rejected("Peers entry whose has-id flag is 2", new ByteWriter(32).u8(4).varint(1).string("192.0.2.1").u16(1).u8(2).toByteArray()),
                new Rejected("Peers entry with an empty host", new ByteWriter(16).u8(4).varint(1).string("").u16(1).bool(false).toByteArray()),
                new Rejected("Goodbye whose detail is not UTF-8", new ByteWriter(16).u8(7).u8(0).blob(new byte[] {(byte) 0xc3, 0x28}).toByteArray()),
                new Rejected("BlobWant with 0 hops", new ByteWriter(40).u8(8).id(new BlobId(seq(0x40))).u8(0).bool(false).toByteArray()),
                new Rejected("BlobWant with a size over 2^36",
                        new ByteWriter(48).u8(8).id(new BlobId(seq(0x40))).u8(1).bool(true).varint((1L << 36) + 1).toByteArray()),
                new Rejected("BlobHave whose bitmap sets a bit past the last chunk",
                        new ByteWriter(48).u8(9).id(new BlobId(seq(0x40))).varint(3L * BlobHasher.CHUNK_SIZE).bool(false).blob(new byte[] {0b1000}).toByteArray()),
                new Rejected("BlobGet of no chunks", new ByteWriter(40).u8(10).id(new BlobId(seq(0x40))).varint(0).toByteArray()),
                new Rejected("BlobChunk whose index is past the blob's last chunk",
                        new ByteWriter(48).u8(11).id(new BlobId(seq(0x40))).varint(10).varint(1).u8(0).varint(10).toByteArray()),
                new Rejected("ForkProof of one header twice (no fork)", twice));
    }

    static List<Map<String, String>> groups() {
        List<Map<String, String>> out = new ArrayList<>();
        NetworkKey main = NetworkKey.named(NetworkKey.DEFAULT_NAME);
        X25519KeyPair staticKey = X25519KeyPair.fromPrivateKey(STATIC_PRIVATE);
        Map<String, String> handshake = new LinkedHashMap<>();
        handshake.put("what", "the handshake of alice on network main, listening on 7733, speaking channels/1 and test-echo/1");
        handshake.put("network_key", HEX.formatHex(main.key()));
        handshake.put("prologue", HEX.formatHex(concat(HandshakeHandler.PROLOGUE_PREFIX, main.key())));
        handshake.put("static_private", HEX.formatHex(STATIC_PRIVATE));
        handshake.put("static_public", HEX.formatHex(staticKey.publicKey()));
        handshake.put("payload", HEX.formatHex(StaticKeyBinding.sign(ALICE, main, staticKey, 7733, Set.of("test-echo/1", "channels/1"))));
        out.add(handshake);
        for (Sample s : accepted()) out.add(group(s.what(), "accept", WireCodec.encode(s.message()), null));
        for (Lenient l : lenient()) out.add(group(l.what(), "accept, ignoring a part", l.bytes(), readAs(l.keeps())));
        for (Rejected r : rejected()) out.add(group(r.what(), "reject", r.bytes(), null));
        return out;
    }

    /** What a lenient input reads as: the encoding of what is kept, or for a Goodbye of reason other (never sent) its detail. */
    static String readAs(WireMessage kept) {
        if (kept instanceof Goodbye g && g.reason() == Reason.OTHER) return "Goodbye, reason other, detail \"" + g.detail() + "\"";
        return HEX.formatHex(WireCodec.encode(kept));
    }

    private static Map<String, String> group(String what, String verdict, byte[] bytes, String readAs) {
        Map<String, String> g = new LinkedHashMap<>();
        g.put("what", what);
        g.put("verdict", verdict);
        g.put("bytes", bytes.length == 0 ? "(none)" : HEX.formatHex(bytes));
        if (readAs != null) g.put("read_as", readAs);
        return g;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The bytes a vector's {@code bytes} line stands for. */
    static byte[] bytes(String line) {
        return line.equals("(none)") ? new byte[0] : HEX.parseHex(line);
    }
}
