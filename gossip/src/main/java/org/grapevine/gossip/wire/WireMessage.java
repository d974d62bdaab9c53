package org.grapevine.gossip.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.blob.BlobHasher;
import org.grapevine.identity.log.Entry;
import org.grapevine.identity.log.EntryHeader;

/**
 * Everything two nodes say to each other once the handshake is done. Each record has a type
 * byte; {@link WireCodec} holds the layouts and limits (docs/PROTOCOL.md, "Wire messages").
 */
public sealed interface WireMessage {
    /** The type byte this message is sent with. */
    MessageType type();

    int MAX_CLOCK_FEEDS = 4096;
    int MAX_BATCH = 1024;
    int MAX_PEERS = 64;
    int MAX_DETAIL_BYTES = 200;
    int MAX_HOST_BYTES = 253;
    /** The largest blob the protocol can name, 64 GiB; each node sets its own, smaller limit. */
    long MAX_BLOB_SIZE = 1L << 36;
    /** Chunks of the largest blob (262,144): every chunk index is below this. */
    int MAX_CHUNKS = (int) BlobHasher.chunkCount(MAX_BLOB_SIZE);
    int MAX_GET = 64;
    /** Far more proof hashes than the 18 levels of the largest blob's tree need. */
    int MAX_PROOF = 40;
    int MAX_HOPS = 4;
    /** The longest route to a feed's author a node tells; a longer one counts as none. */
    int MAX_ROUTE = 16;
    /** The hops of a route that does not exist. */
    int NO_ROUTE = 255;

    /** How a node wants a feed from the peer it sends its clock to. */
    enum Mode {
        /** Not interested (any more): send nothing of this feed. */
        NONE,
        /** Stream the entries I lack as they come (this peer is my source for the feed). */
        EAGER,
        /** Send only notes of your latest sequence; I get the entries elsewhere. */
        LAZY;

        /** The mode of a byte; null for one a later version may define (such a clock entry is ignored). */
        static Mode forByte(int b) {
            return b >= 0 && b < values().length ? values()[b] : null;
        }
    }

    /**
     * One feed in a clock: the sender holds it up to {@code seq} (0 = nothing), wants it as
     * {@code mode}, and is {@code route} hops from the feed's author (see {@link Route}).
     */
    record FeedState(AuthorId feed, long seq, Mode mode, int route) {
        public FeedState {
            Objects.requireNonNull(feed, "feed");
            Objects.requireNonNull(mode, "mode");
            if (seq < 0) throw new IllegalArgumentException("negative sequence");
            Route.check(route);
        }

        /** A state that names no route to the author. */
        public FeedState(AuthorId feed, long seq, Mode mode) {
            this(feed, seq, mode, NO_ROUTE);
        }

        public FeedState withRoute(int hops) {
            return new FeedState(feed, seq, mode, hops);
        }
    }

    /** The sender's state of some feeds: all of them on connect, then only what changed. */
    record Clock(List<FeedState> feeds) implements WireMessage {
        @Override
        public MessageType type() {
            return MessageType.CLOCK;
        }

        public Clock {
            feeds = List.copyOf(feeds);
            if (feeds.size() > MAX_CLOCK_FEEDS) throw new IllegalArgumentException("clock of more than " + MAX_CLOCK_FEEDS + " feeds");
        }
    }

    /** Entries of one or more feeds, each feed's in sequence order. */
    record Entries(List<Entry> entries) implements WireMessage {
        @Override
        public MessageType type() {
            return MessageType.ENTRIES;
        }

        public Entries {
            entries = List.copyOf(entries);
            if (entries.size() > MAX_BATCH) throw new IllegalArgumentException("batch of more than " + MAX_BATCH + " entries");
        }
    }

    /**
     * How far the sender is from a feed's author: {@code hops} connections over peers that
     * replicate the feed (0: it is the author), or no way at all ({@link #NO_ROUTE}).
     */
    record Route(AuthorId feed, int hops) {
        public Route {
            Objects.requireNonNull(feed, "feed");
            check(hops);
        }

        static void check(int hops) {
            if (hops != NO_ROUTE && (hops < 0 || hops > MAX_ROUTE)) throw new IllegalArgumentException("route of " + hops + " hops");
        }
    }

    /** Routes of the sender to the authors of feeds it replicates that changed since the last clock or Routes said them. */
    record Routes(List<Route> routes) implements WireMessage {
        @Override
        public MessageType type() {
            return MessageType.ROUTES;
        }

        public Routes {
            routes = List.copyOf(routes);
            if (routes.size() > MAX_CLOCK_FEEDS) throw new IllegalArgumentException("routes of more than " + MAX_CLOCK_FEEDS + " feeds");
        }
    }

    /** The sender has sent everything it holds of {@code feed}, up to {@code seq}. */
    record CaughtUp(AuthorId feed, long seq) implements WireMessage {
        @Override
        public MessageType type() {
            return MessageType.CAUGHT_UP;
        }

        public CaughtUp {
            Objects.requireNonNull(feed, "feed");
        }
    }

    /** A node's address as the sender reached it, with the id it proved there (or null if unknown). */
    record PeerAddress(String host, int port, AuthorId id) {
        public PeerAddress {
            Objects.requireNonNull(host, "host");
            if (host.isEmpty() || host.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_HOST_BYTES) {
                throw new IllegalArgumentException("bad host");
            }
            if (port < 1 || port > 65535) throw new IllegalArgumentException("port out of range");
        }
    }

    /** Addresses of other nodes the sender has reached (peer exchange). */
    record Peers(List<PeerAddress> peers) implements WireMessage {
        @Override
        public MessageType type() {
            return MessageType.PEERS;
        }

        public Peers {
            peers = List.copyOf(peers);
            if (peers.size() > MAX_PEERS) throw new IllegalArgumentException("more than " + MAX_PEERS + " peers");
        }
    }

    /**
     * Where can {@code author} be reached? Answered with {@link Peers} holding the addresses where
     * the receiver reached that node itself, or not at all if it knows none.
     */
    record Locate(AuthorId author) implements WireMessage {
        @Override
        public MessageType type() {
            return MessageType.LOCATE;
        }

        public Locate {
            Objects.requireNonNull(author, "author");
        }
    }

    /**
     * Proof that an author signed two histories: two of its headers at one sequence with different
     * ids, or at consecutive sequences where the later one's previous is not the earlier one's id.
     * The signatures are the receiver's to check.
     */
    record ForkProof(EntryHeader first, EntryHeader second) implements WireMessage {
        @Override
        public MessageType type() {
            return MessageType.FORK_PROOF;
        }

        public ForkProof {
            Objects.requireNonNull(first, "first");
            Objects.requireNonNull(second, "second");
            if (!proves(first, second)) throw new IllegalArgumentException("the headers show no fork");
        }

        /** Whether two headers, signatures aside, show their author forked. */
        public static boolean proves(EntryHeader first, EntryHeader second) {
            if (!first.author().equals(second.author())) return false;
            if (first.seq() == second.seq()) return !first.id().equals(second.id());
            return second.seq() == first.seq() + 1 && !second.previous().equals(first.id());
        }

        public AuthorId author() {
            return first.author();
        }
    }

    /** Are you there? Answered with a {@link Pong} carrying the same nonce. */
    record Ping(long nonce) implements WireMessage {
        @Override
        public MessageType type() {
            return MessageType.PING;
        }
    }

    record Pong(long nonce) implements WireMessage {
        @Override
        public MessageType type() {
            return MessageType.PONG;
        }
    }

    /** Why a node hangs up; sent just before closing. */
    enum Reason {
        SHUTDOWN(0), MALFORMED(1), INVALID_ENTRY(2), TOO_MANY_PEERS(3), DUPLICATE_CONNECTION(4), TIMEOUT(5), PROTOCOL(6),
        /** A reason byte this node does not know (a later version's): received, never sent. */
        OTHER(-1);

        private final int code;

        Reason(int code) {
            this.code = code;
        }

        /** The byte on the wire; OTHER has none. */
        public int code() {
            if (code < 0) throw new IllegalArgumentException("the reason OTHER is not sent");
            return code;
        }

        static Reason forByte(int b) {
            for (Reason r : values()) if (r.code == b) return r;
            return OTHER;
        }
    }

    record Goodbye(Reason reason, String detail) implements WireMessage {
        @Override
        public MessageType type() {
            return MessageType.GOODBYE;
        }

        public Goodbye {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
            if (detail.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_DETAIL_BYTES) {
                detail = detail.substring(0, Math.min(detail.length(), MAX_DETAIL_BYTES / 4));
            }
        }
    }

    /**
     * Send me what you have of {@code blob}. {@code hops} (1 to 4) is how far the want may travel: a
     * receiver holding none of the blob may fetch it itself, wanting it with {@code hops - 1}.
     */
    record BlobWant(BlobId blob, int hops, long size) implements WireMessage {
        @Override
        public MessageType type() {
            return MessageType.BLOB_WANT;
        }

        /** The size of a blob the sender knows only by id. */
        public static final long UNKNOWN_SIZE = -1;

        public BlobWant {
            Objects.requireNonNull(blob, "blob");
            if (hops < 1 || hops > MAX_HOPS) throw new IllegalArgumentException("hops " + hops + " not in 1.." + MAX_HOPS);
            if (size != UNKNOWN_SIZE) checkBlobSize(size);
        }

        public boolean sizeKnown() {
            return size != UNKNOWN_SIZE;
        }
    }

    /**
     * What the sender holds of {@code blob}: all of it ({@code complete}, with an empty bitmap), or the
     * chunks whose bits are set, chunk k at bit {@code k & 7} (least significant first) of byte
     * {@code k >> 3}. An all-zero bitmap says the sender holds nothing of it (any more).
     */
    record BlobHave(BlobId blob, long size, boolean complete, byte[] bitmap) implements WireMessage {
        @Override
        public MessageType type() {
            return MessageType.BLOB_HAVE;
        }

        public BlobHave {
            Objects.requireNonNull(blob, "blob");
            checkBlobSize(size);
            bitmap = Objects.requireNonNull(bitmap, "bitmap").clone();
            long chunks = BlobHasher.chunkCount(size);
            if (complete) {
                if (bitmap.length != 0) throw new IllegalArgumentException("a complete have carries no bitmap");
            } else {
                if (bitmap.length != bitmapLength(size)) {
                    throw new IllegalArgumentException("bitmap of " + bitmap.length + " bytes for " + chunks + " chunks");
                }
                // Bits past the last chunk must be zero, so that each have has one encoding.
                int used = (int) (chunks & 7);
                if (used != 0 && (bitmap[bitmap.length - 1] & 0xff) >>> used != 0) {
                    throw new IllegalArgumentException("bitmap has bits past chunk " + (chunks - 1));
                }
            }
        }

        /**
         * The have that answers a request for a blob this node has never heard of: size 0, not
         * complete, no chunk. It says nothing of the blob, so a node may send it about any.
         */
        public static BlobHave nothing(BlobId blob) {
            return of(blob, 0, new BitSet());
        }

        /** Whether this is the have of {@link #nothing}. */
        public boolean saysNothing() {
            return size == 0 && !complete && bitmap[0] == 0;
        }

        /** A have for holding {@code held} of a blob of {@code size} bytes; complete when every chunk is held. */
        public static BlobHave of(BlobId blob, long size, BitSet held) {
            checkBlobSize(size);
            long chunks = BlobHasher.chunkCount(size);
            if (held.length() > chunks) {
                throw new IllegalArgumentException("chunk " + (held.length() - 1) + " of a blob of " + chunks + " chunks");
            }
            if (held.cardinality() == chunks) return new BlobHave(blob, size, true, new byte[0]);
            return new BlobHave(blob, size, false, Arrays.copyOf(held.toByteArray(), bitmapLength(size)));
        }

        /** Bytes of this have's bitmap. */
        public int bitmapLength() {
            return bitmap.length;
        }

        /** Bytes in the bitmap of a blob of {@code size} bytes: one bit per chunk. */
        static int bitmapLength(long size) {
            return (int) ((BlobHasher.chunkCount(size) + 7) / 8);
        }

        /** Whether the sender holds {@code chunk}; false for an index outside the blob. */
        public boolean has(int chunk) {
            if (chunk < 0 || chunk >= BlobHasher.chunkCount(size)) return false;
            return complete || (bitmap[chunk >> 3] >>> (chunk & 7) & 1) != 0;
        }

        /** The chunks the sender holds, as a new set. */
        public BitSet held() {
            if (!complete) return BitSet.valueOf(bitmap);
            BitSet all = new BitSet();
            all.set(0, (int) BlobHasher.chunkCount(size));
            return all;
        }

        @Override
        public byte[] bitmap() {
            return bitmap.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BlobHave other && blob.equals(other.blob) && size == other.size
                    && complete == other.complete && Arrays.equals(bitmap, other.bitmap);
        }

        @Override
        public int hashCode() {
            return 31 * Objects.hash(blob, size, complete) + Arrays.hashCode(bitmap);
        }

        @Override
        public String toString() {
            String held = complete ? "complete"
                    : bitmap.length <= 16 ? "bitmap=" + HexFormat.of().formatHex(bitmap)
                    : BitSet.valueOf(bitmap).cardinality() + " of " + BlobHasher.chunkCount(size) + " chunks";
            return "BlobHave[blob=" + blob + ", size=" + size + ", " + held + "]";
        }
    }

    /** Send me these chunks of {@code blob}: 1 to 64 indexes. */
    record BlobGet(BlobId blob, List<Integer> chunks) implements WireMessage {
        @Override
        public MessageType type() {
            return MessageType.BLOB_GET;
        }

        public BlobGet {
            Objects.requireNonNull(blob, "blob");
            chunks = List.copyOf(chunks);
            if (chunks.isEmpty() || chunks.size() > MAX_GET) {
                throw new IllegalArgumentException("get of " + chunks.size() + " chunks, not 1.." + MAX_GET);
            }
            for (int c : chunks) {
                if (c < 0 || c >= MAX_CHUNKS) throw new IllegalArgumentException("chunk index " + c + " out of range");
            }
        }
    }

    /**
     * Chunk {@code index} of a blob of {@code size} bytes, with its Merkle proof: the sibling hashes
     * from the leaf's level upward (docs/PROTOCOL.md, "Blob exchange"). A chunk can be 256 KiB and
     * every byte of a blob passes through one, so the record takes ownership of {@code data} rather
     * than copying it: whoever constructs one hands the array over and must not change it afterwards
     * (the codec and the blob store pass arrays of their own making). {@link #data()} gives a copy,
     * {@link #dataUnsafe()} the array itself, for hashing and writing out.
     */
    record BlobChunk(BlobId blob, long size, int index, List<byte[]> proof, byte[] data) implements WireMessage {
        @Override
        public MessageType type() {
            return MessageType.BLOB_CHUNK;
        }

        public BlobChunk {
            Objects.requireNonNull(blob, "blob");
            checkBlobSize(size);
            long chunks = BlobHasher.chunkCount(size);
            if (index < 0 || index >= chunks) {
                throw new IllegalArgumentException("chunk index " + index + " of a blob of " + chunks + " chunks");
            }
            if (proof.size() > MAX_PROOF) throw new IllegalArgumentException("proof of more than " + MAX_PROOF + " hashes");
            List<byte[]> hashes = new ArrayList<>(proof.size());
            for (byte[] h : proof) {
                if (h.length != 32) throw new IllegalArgumentException("proof hash of " + h.length + " bytes");
                hashes.add(h.clone());
            }
            proof = Collections.unmodifiableList(hashes);
            if (data.length > BlobHasher.CHUNK_SIZE) throw new IllegalArgumentException("chunk of " + data.length + " bytes");
        }

        /** How many proof hashes there are. */
        public int proofLength() {
            return proof.size();
        }

        /** The proof hashes, leaf level first, as copies. */
        @Override
        public List<byte[]> proof() {
            List<byte[]> copy = new ArrayList<>(proof.size());
            for (byte[] h : proof) copy.add(h.clone());
            return copy;
        }

        /** A copy of the chunk's bytes. */
        @Override
        public byte[] data() {
            return data.clone();
        }

        /** The chunk's bytes themselves, not a copy, for hashing and writing out: never modify them. */
        public byte[] dataUnsafe() {
            return data;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof BlobChunk other) || !blob.equals(other.blob) || size != other.size || index != other.index
                    || proof.size() != other.proof.size() || !Arrays.equals(data, other.data)) {
                return false;
            }
            for (int i = 0; i < proof.size(); i++) {
                if (!Arrays.equals(proof.get(i), other.proof.get(i))) return false;
            }
            return true;
        }

        @Override
        public int hashCode() {
            int h = Objects.hash(blob, size, index);
            for (byte[] p : proof) h = 31 * h + Arrays.hashCode(p);
            return 31 * h + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "BlobChunk[blob=" + blob + ", size=" + size + ", index=" + index + ", " + proof.size()
                    + " proof hashes, " + data.length + " bytes]";
        }
    }

    /** Drop my queued requests for {@code blob}. */
    record BlobCancel(BlobId blob) implements WireMessage {
        @Override
        public MessageType type() {
            return MessageType.BLOB_CANCEL;
        }

        public BlobCancel {
            Objects.requireNonNull(blob, "blob");
        }
    }

    private static void checkBlobSize(long size) {
        if (size < 0 || size > MAX_BLOB_SIZE) throw new IllegalArgumentException("blob size " + size + " not in 0.." + MAX_BLOB_SIZE);
    }

    /**
     * A message of a type byte this codec does not parse: an extension's ({@code code} from
     * {@link MessageType#FIRST_EXTENSION} up, its body its own) or a later version's. A protocol
     * that claims the code handles it; every other node ignores it.
     */
    record Extension(int code, byte[] body) implements WireMessage {
        public Extension {
            if (code < 1 || code > 255 || MessageType.forByte(code) != null) throw new IllegalArgumentException("not an extension's type byte: " + code);
            Objects.requireNonNull(body, "body");
        }

        @Override
        public MessageType type() {
            return MessageType.EXTENSION;
        }
    }
}
