package org.grapevine.identity.vectors;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.Content.About;
import org.grapevine.identity.content.Content.Attachment;
import org.grapevine.identity.content.Content.Deletion;
import org.grapevine.identity.content.Content.Follow;
import org.grapevine.identity.content.Content.Post;
import org.grapevine.identity.log.Entry;
import org.grapevine.identity.log.Hashing;

/**
 * Builds the test-vector block of docs/PROTOCOL.md from the code. {@link #main} prints it, fenced,
 * ready to paste; {@link ProtocolVectorsTest} checks the document against {@link #groups()}.
 */
public final class VectorsPrinter {
    static final long FIRST_TIMESTAMP = 1_700_000_000_000L;
    static final long MINUTE = 60_000L;
    private static final HexFormat HEX = HexFormat.of();

    private VectorsPrinter() {}

    public static void main(String[] args) {
        System.out.println("```text");
        System.out.print(block());
        System.out.println("```");
    }

    /** The block's lines without the fences: groups of {@code key: value} lines separated by blank lines. */
    static String block() {
        StringBuilder out = new StringBuilder();
        for (Map<String, String> group : groups()) {
            if (out.length() > 0) out.append('\n');
            group.forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
        }
        return out.toString();
    }

    /** Bytes {@code first, first+1, ..., first+31}. */
    static byte[] counting(int first) {
        byte[] b = new byte[32];
        for (int i = 0; i < 32; i++) b[i] = (byte) (first + i);
        return b;
    }

    static Identity alice() {
        return Identity.fromSeed(counting(0x00));
    }

    static Identity bob() {
        return Identity.fromSeed(counting(0x20));
    }

    static BlobId catBlob() {
        return new BlobId(counting(0x40));
    }

    /** One entry of the vector log with a one-line description of its content for readers. */
    record Vector(Entry entry, String what) {}

    /** Alice's log: about, post, follow, reply, deletion of the post. */
    static List<Vector> chain() {
        Identity alice = alice();
        AuthorId bob = bob().id();
        List<Vector> out = new ArrayList<>();
        append(out, alice, new About("alice", "", null),
                "about name=\"alice\" description=\"\" avatar=none");
        Entry post = append(out, alice, Post.text("hello, grapevine"),
                "post text=\"hello, grapevine\"");
        append(out, alice, new Follow(bob, true),
                "follow target=bob following=true");
        append(out, alice, new Post("look at this cat", post.id(), post.id(), List.of(bob),
                        List.of(new Attachment(catBlob(), 48_213, "image/jpeg", "cat.jpg")), ""),
                "post text=\"look at this cat\" root=seq2 parent=seq2 mentions=[bob]"
                        + " attachments=[blob size=48213 type=\"image/jpeg\" name=\"cat.jpg\"] channel=\"\"");
        append(out, alice, new Deletion(post.id(), "changed my mind"),
                "deletion target=seq2 reason=\"changed my mind\"");
        return out;
    }

    private static Entry append(List<Vector> log, Identity author, Content content, String what) {
        long seq = log.size() + 1;
        Entry previous = log.isEmpty() ? null : log.get(log.size() - 1).entry();
        Entry e = Entry.create(author, seq, previous == null ? null : previous.id(),
                FIRST_TIMESTAMP + (seq - 1) * MINUTE, content);
        log.add(new Vector(e, what));
        return e;
    }

    /** Every value in the block, in order: the keys first, then one group per entry. */
    static List<Map<String, String>> groups() {
        List<Map<String, String>> groups = new ArrayList<>();
        Map<String, String> keys = new LinkedHashMap<>();
        AuthorId alice = alice().id();
        AuthorId bob = bob().id();
        keys.put("alice_seed", HEX.formatHex(counting(0x00)));
        keys.put("alice_hex", alice.hex());
        keys.put("alice_checksum", HEX.formatHex(checksum("author", alice.bytes())));
        keys.put("alice_id", alice.toString());
        keys.put("bob_seed", HEX.formatHex(counting(0x20)));
        keys.put("bob_hex", bob.hex());
        keys.put("bob_id", bob.toString());
        keys.put("blob_hex", catBlob().hex());
        keys.put("blob_id", catBlob().toString());
        groups.add(keys);

        List<Vector> chain = chain();
        for (Vector v : chain) {
            Entry e = v.entry();
            Map<String, String> g = new LinkedHashMap<>();
            g.put("seq", Long.toString(e.header().seq()));
            g.put("timestamp", Long.toString(e.header().timestamp()));
            g.put("type", Integer.toString(e.header().contentType()));
            g.put("what", v.what());
            g.put("body", HEX.formatHex(e.content()));
            g.put("body_sha256", HEX.formatHex(e.header().contentHash()));
            g.put("envelope", HEX.formatHex(e.encode()));
            if (e.header().seq() == 2) g.put("envelope_dropped", HEX.formatHex(e.withoutContent().encode()));
            g.put("id_hex", e.id().hex());
            g.put("id", e.id().toString());
            groups.add(g);
        }
        return groups;
    }

    /** The first 3 bytes of SHA-256("grapevine-id:" + kind || bytes), computed apart from IdText. */
    static byte[] checksum(String kind, byte[] bytes) {
        byte[] prefix = ("grapevine-id:" + kind).getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[prefix.length + bytes.length];
        System.arraycopy(prefix, 0, all, 0, prefix.length);
        System.arraycopy(bytes, 0, all, prefix.length, bytes.length);
        return Arrays.copyOf(Hashing.sha256(all), 3);
    }
}
