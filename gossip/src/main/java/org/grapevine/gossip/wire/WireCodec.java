package org.grapevine.gossip.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
import org.grapevine.gossip.wire.WireMessage.Mode;
import org.grapevine.gossip.wire.WireMessage.PeerAddress;
import org.grapevine.gossip.wire.WireMessage.Locate;
import org.grapevine.gossip.wire.WireMessage.Peers;
import org.grapevine.gossip.wire.WireMessage.Route;
import org.grapevine.gossip.wire.WireMessage.Routes;
import org.grapevine.gossip.wire.WireMessage.Ping;
import org.grapevine.gossip.wire.WireMessage.Pong;
import org.grapevine.gossip.wire.WireMessage.Reason;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.blob.BlobHasher;
import org.grapevine.identity.log.Entry;
import org.grapevine.identity.log.EntryHeader;

/**
 * The one codec for {@link WireMessage}s: a type byte, then the record's fields. Every count and
 * length is checked against its limit and against the bytes left before anything is allocated;
 * a message that does not decode exactly is {@link Malformed} and costs the sender its connection.
 */
public final class WireCodec {
    /**
     * The largest encoded message: a full batch of entries fits well within it, and so does a full
     * chunk (256 KiB and about 1.3 KiB of fields and proof).
     */
    public static final int MAX_MESSAGE = 1 << 20;
    static final int MAX_ENVELOPE = EntryHeader.MAX_SIZE + 1 + EntryHeader.MAX_CONTENT;

    private static final byte[] NO_BODY = new byte[0];

    private WireCodec() {}

    /**
     * A message encoded in two parts, {@code head} then {@code body}. The body is a chunk's data,
     * the chunk's own array and not a copy (empty for every other message), so that a transport
     * can send the bytes of a blob without copying them into the message. Neither part may be
     * modified.
     */
    public record Parts(byte[] head, byte[] body) {
        public int length() {
            return head.length + body.length;
        }
    }

    public static byte[] encode(WireMessage message) {
        Parts parts = encodeParts(message);
        if (parts.body().length == 0) return parts.head();
        byte[] whole = Arrays.copyOf(parts.head(), parts.length());
        System.arraycopy(parts.body(), 0, whole, parts.head().length, parts.body().length);
        return whole;
    }

    /** The encoding of {@code message} as {@link #encode} gives it, in two parts. */
    public static Parts encodeParts(WireMessage message) {
        ByteWriter w = new ByteWriter(message instanceof BlobChunk ? 64 + 32 * WireMessage.MAX_PROOF : 64);
        byte[] body = NO_BODY;
        if (message instanceof WireMessage.Extension x) {
            w.u8(x.code());
            body = x.body();
        } else {
            w.u8(message.type().code());
        }
        if (message instanceof WireMessage.Extension) {
            // Its body is all of it.
        } else if (message instanceof Clock c) {
            w.varint(c.feeds().size());
            for (FeedState f : c.feeds()) w.id(f.feed()).varint(f.seq()).u8(f.mode().ordinal()).u8(f.route());
        } else if (message instanceof Entries e) {
            w.varint(e.entries().size());
            for (Entry entry : e.entries()) w.blob(entry.encode());
        } else if (message instanceof CaughtUp c) {
            w.id(c.feed()).varint(c.seq());
        } else if (message instanceof Peers p) {
            w.varint(p.peers().size());
            for (PeerAddress a : p.peers()) {
                w.string(a.host()).u16(a.port()).bool(a.id() != null);
                if (a.id() != null) w.id(a.id());
            }
        } else if (message instanceof Ping p) {
            w.i64(p.nonce());
        } else if (message instanceof Pong p) {
            w.i64(p.nonce());
        } else if (message instanceof Goodbye g) {
            w.u8(g.reason().code()).string(g.detail());
        } else if (message instanceof BlobWant b) {
            w.id(b.blob()).u8(b.hops()).bool(b.sizeKnown());
            if (b.sizeKnown()) w.varint(b.size());
        } else if (message instanceof BlobHave h) {
            w.id(h.blob()).varint(h.size()).bool(h.complete());
            if (!h.complete()) w.blob(h.bitmap());
        } else if (message instanceof BlobGet g) {
            w.id(g.blob()).varint(g.chunks().size());
            for (int index : g.chunks()) w.varint(index);
        } else if (message instanceof BlobChunk c) {
            List<byte[]> proof = c.proof();
            w.id(c.blob()).varint(c.size()).varint(c.index()).u8(proof.size());
            for (byte[] hash : proof) w.bytes(hash);
            // The data's length ends the head; the data itself is the body.
            body = c.dataUnsafe();
            w.varint(body.length);
        } else if (message instanceof BlobCancel c) {
            w.id(c.blob());
        } else if (message instanceof Locate l) {
            w.id(l.author());
        } else if (message instanceof WireMessage.ForkProof f) {
            w.blob(f.first().encoded()).blob(f.second().encoded());
        } else if (message instanceof Routes rs) {
            w.varint(rs.routes().size());
            for (Route r : rs.routes()) w.id(r.feed()).u8(r.hops());
        } else {
            throw new IllegalArgumentException("unknown message " + message);
        }
        long length = (long) w.size() + body.length;
        if (length > MAX_MESSAGE) throw new IllegalArgumentException("message of " + length + " bytes exceeds " + MAX_MESSAGE);
        return new Parts(w.toByteArray(), body);
    }

    /**
     * About how many bytes {@code message} takes encoded, without encoding it: exact for the large
     * ones (entries, chunks, clocks), a little over for the small.
     */
    public static int estimatedSize(WireMessage message) {
        if (message instanceof Entries e) {
            int sum = 8;
            for (Entry entry : e.entries()) sum += entryCost(entry);
            return sum;
        }
        if (message instanceof BlobChunk c) return 64 + 32 * c.proofLength() + c.dataUnsafe().length;
        if (message instanceof Clock c) return 8 + 44 * c.feeds().size();
        if (message instanceof Routes r) return 8 + 33 * r.routes().size();
        if (message instanceof Peers p) return 8 + 300 * p.peers().size();
        if (message instanceof BlobHave h) return 64 + h.bitmapLength();
        if (message instanceof WireMessage.Extension x) return 64 + x.body().length;
        return 64;
    }

    /** Encoded size of an entries message holding these envelopes, for filling batches up to a budget. */
    public static int entryCost(Entry entry) {
        return entry.header().size() + 1 + (entry.hasContent() ? entry.header().contentLength() : 0) + 3;
    }

    public static WireMessage decode(byte[] bytes) throws Malformed {
        return decode(bytes, 0, bytes.length);
    }

    public static WireMessage decode(byte[] bytes, int offset, int length) throws Malformed {
        if (length > MAX_MESSAGE) throw new Malformed("message of " + length + " bytes exceeds " + MAX_MESSAGE);
        ByteReader r = new ByteReader(bytes, offset, length);
        int type = r.u8("message type");
        MessageType known = MessageType.forByte(type);
        if (type == 0) throw new Malformed("message type 0 is no message");
        if (known == null) return new WireMessage.Extension(type, r.bytes(r.remaining(), "extension body"));
        WireMessage m;
        try {
            m = switch (known) {
                case CLOCK -> clock(r);
                case ENTRIES -> entries(r);
                case CAUGHT_UP -> new CaughtUp(r.author("feed"), r.varint(Long.MAX_VALUE, "sequence"));
                case PEERS -> peers(r);
                case PING -> new Ping(r.i64("nonce"));
                case PONG -> new Pong(r.i64("nonce"));
                case GOODBYE -> goodbye(r);
                case BLOB_WANT -> blobWant(r);
                case BLOB_HAVE -> blobHave(r);
                case BLOB_GET -> blobGet(r);
                case BLOB_CHUNK -> blobChunk(r);
                case BLOB_CANCEL -> new BlobCancel(r.blobId("blob"));
                case LOCATE -> new Locate(r.author("author"));
                case ROUTES -> routes(r);
                case FORK_PROOF -> new WireMessage.ForkProof(header(r, "first header"), header(r, "second header"));
                case EXTENSION -> throw new IllegalStateException("no byte stands for EXTENSION");
            };
        } catch (IllegalArgumentException e) {
            throw new Malformed(e.getMessage());
        }
        if (r.remaining() != 0) r.end("message type " + type); // the text only for a message that fails
        return m;
    }

    private static EntryHeader header(ByteReader r, String what) throws Malformed {
        int length = r.length(EntryHeader.MAX_SIZE, what + " length");
        return EntryHeader.decode(r.bytes(length, what));
    }

    private static Routes routes(ByteReader r) throws Malformed {
        int n = r.length(WireMessage.MAX_CLOCK_FEEDS, "routes");
        if ((long) n * 33 > r.remaining()) throw new Malformed(n + " routes in " + r.remaining() + " bytes");
        List<Route> routes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            routes.add(new Route(r.author("feed"), hops(r)));
        }
        return new Routes(routes);
    }

    private static int hops(ByteReader r) throws Malformed {
        int hops = r.u8("hops");
        if (hops > WireMessage.MAX_ROUTE && hops != WireMessage.NO_ROUTE) throw new Malformed("route of " + hops + " hops");
        return hops;
    }

    private static Clock clock(ByteReader r) throws Malformed {
        int n = r.length(WireMessage.MAX_CLOCK_FEEDS, "clock size");
        // Each feed state takes at least 35 bytes: refuse a count the message cannot hold before allocating.
        if ((long) n * 35 > r.remaining()) throw new Malformed("clock of " + n + " feeds in " + r.remaining() + " bytes");
        List<FeedState> feeds = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            var feed = r.author("feed");
            long seq = r.varint(Long.MAX_VALUE, "sequence");
            Mode mode = Mode.forByte(r.u8("mode"));
            int hops = hops(r);
            if (mode != null) feeds.add(new FeedState(feed, seq, mode, hops)); // an unknown mode: the entry is ignored

        }
        return new Clock(feeds);
    }

    private static Entries entries(ByteReader r) throws Malformed {
        int n = r.length(WireMessage.MAX_BATCH, "batch size");
        if ((long) n * (EntryHeader.FIRST_SIZE + 2) > r.remaining()) throw new Malformed("batch of " + n + " entries in " + r.remaining() + " bytes");
        List<Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int len = r.length(MAX_ENVELOPE, "entry length");
            entries.add(Entry.decode(r.bytes(len, "entry")));
        }
        return new Entries(entries);
    }

    private static Peers peers(ByteReader r) throws Malformed {
        int n = r.length(WireMessage.MAX_PEERS, "peer count");
        if ((long) n * 4 > r.remaining()) throw new Malformed("peer list of " + n + " in " + r.remaining() + " bytes");
        List<PeerAddress> peers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String host = r.string(WireMessage.MAX_HOST_BYTES, "host");
            int port = r.u16("port");
            var id = r.bool("has id") ? r.author("peer id") : null;
            if (port != 0) peers.add(new PeerAddress(host, port, id)); // port 0: not an address (the node does not listen)
        }
        return new Peers(peers);
    }

    private static Goodbye goodbye(ByteReader r) throws Malformed {
        Reason reason = Reason.forByte(r.u8("reason")); // OTHER for one this node does not know
        return new Goodbye(reason, r.string(WireMessage.MAX_DETAIL_BYTES, "detail"));
    }

    private static BlobWant blobWant(ByteReader r) throws Malformed {
        BlobId blob = r.blobId("blob");
        int hops = r.u8("hops");
        long size = r.bool("has size") ? r.varint(WireMessage.MAX_BLOB_SIZE, "blob size") : BlobWant.UNKNOWN_SIZE;
        return new BlobWant(blob, hops, size);
    }

    private static BlobHave blobHave(ByteReader r) throws Malformed {
        BlobId blob = r.blobId("blob");
        long size = r.varint(WireMessage.MAX_BLOB_SIZE, "blob size");
        if (r.bool("complete")) return new BlobHave(blob, size, true, new byte[0]);
        // The size fixes the bitmap's length, which is thereby its limit too.
        return new BlobHave(blob, size, false, r.blob(BlobHave.bitmapLength(size), "bitmap"));
    }

    private static BlobGet blobGet(ByteReader r) throws Malformed {
        BlobId blob = r.blobId("blob");
        int n = r.length(WireMessage.MAX_GET, "chunk count");
        if (n > r.remaining()) throw new Malformed("get of " + n + " chunks in " + r.remaining() + " bytes");
        List<Integer> chunks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) chunks.add(r.length(WireMessage.MAX_CHUNKS - 1, "chunk index"));
        return new BlobGet(blob, chunks);
    }

    private static BlobChunk blobChunk(ByteReader r) throws Malformed {
        BlobId blob = r.blobId("blob");
        long size = r.varint(WireMessage.MAX_BLOB_SIZE, "blob size");
        int index = r.length((int) BlobHasher.chunkCount(size) - 1, "chunk index");
        int n = r.u8("proof count");
        if (n > WireMessage.MAX_PROOF) throw new Malformed("proof count: " + n + " exceeds limit " + WireMessage.MAX_PROOF);
        if (n * 32 > r.remaining()) throw new Malformed("proof of " + n + " hashes in " + r.remaining() + " bytes");
        List<byte[]> proof = new ArrayList<>(n);
        for (int i = 0; i < n; i++) proof.add(r.bytes(32, "proof hash"));
        return new BlobChunk(blob, size, index, proof, r.blob(BlobHasher.CHUNK_SIZE, "chunk data"));
    }
}
