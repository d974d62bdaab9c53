package org.grapevine.identity.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.Verifier;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.identity.log.EntryHeader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/PROTOCOL.md and the code in agreement: every test vector in the document is
 * regenerated from the code, and the listed bytes are checked against the layout the document
 * describes with the JDK's own SHA-256 and Ed25519, apart from the code under test.
 */
public class ProtocolVectorsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
    /** DER prefix of an X.509 SubjectPublicKeyInfo for a raw Ed25519 key (RFC 8410). */
    private static final byte[] ED25519_SPKI_PREFIX = HEX.parseHex("302a300506032b6570032100");

    private static List<Map<String, String>> documented;

    @BeforeAll
    static void readDocument() throws IOException {
        documented = parse(vectorBlock(Files.readString(protocolDoc(), StandardCharsets.UTF_8)));
    }

    @Test
    void documentListsExactlyWhatTheCodeGenerates() {
        List<Map<String, String>> generated = VectorsPrinter.groups();
        assertEquals(generated.size(), documented.size(), "number of groups in the vector block");
        for (int i = 0; i < generated.size(); i++) {
            Map<String, String> want = generated.get(i);
            Map<String, String> got = documented.get(i);
            String where = i == 0 ? "keys" : "entry " + i;
            assertEquals(List.copyOf(want.keySet()), List.copyOf(got.keySet()), where + ": keys");
            for (String key : want.keySet()) {
                assertEquals(want.get(key), got.get(key), where + ": " + key
                        + " (regenerate the block with VectorsPrinter, see docs/PROTOCOL.md)");
            }
        }
    }

    @Test
    void keysMatchTheirSeedsAndTextForms() {
        Map<String, String> keys = documented.get(0);
        assertEquals(keys.get("alice_hex"), Identity.fromSeed(HEX.parseHex(keys.get("alice_seed"))).id().hex());
        assertEquals(keys.get("bob_hex"), Identity.fromSeed(HEX.parseHex(keys.get("bob_seed"))).id().hex());
        assertEquals(keys.get("alice_hex"), AuthorId.parse(keys.get("alice_id")).hex());
        assertEquals(keys.get("bob_hex"), AuthorId.parse(keys.get("bob_id")).hex());
        assertEquals(keys.get("blob_hex"), BlobId.parse(keys.get("blob_id")).hex());

        // The text form as the document spells it: sigil, then base32 of bytes || checksum.
        byte[] alice = HEX.parseHex(keys.get("alice_hex"));
        byte[] checksum = sha256(("grapevine-id:author").getBytes(StandardCharsets.US_ASCII), alice);
        assertEquals(keys.get("alice_checksum"), HEX.formatHex(checksum, 0, 3));
        assertEquals(keys.get("alice_id"), "@" + base32(concat(alice, Arrays.copyOf(checksum, 3))));
        assertEquals(keys.get("alice_id"), AuthorId.parse(keys.get("alice_id").toUpperCase()).toString(),
                "upper case parses to the same id");
    }

    @Test
    void envelopesDecodeVerifyAndChain() throws Malformed {
        Verifier verifier = new Verifier();
        AuthorId alice = new AuthorId(HEX.parseHex(documented.get(0).get("alice_hex")));
        EntryId previous = null;
        for (Map<String, String> v : entries()) {
            long seq = Long.parseLong(v.get("seq"));
            Entry e = Entry.decode(HEX.parseHex(v.get("envelope")));
            EntryHeader h = e.header();
            assertTrue(h.verifySignature(verifier), "signature of seq " + seq);
            assertEquals(alice, h.author());
            assertEquals(seq, h.seq());
            assertEquals(previous, h.previous(), "previous of seq " + seq);
            assertEquals(Long.parseLong(v.get("timestamp")), h.timestamp());
            assertEquals(Integer.parseInt(v.get("type")), h.contentType());
            assertEquals(v.get("id_hex"), h.id().hex());
            assertEquals(v.get("id"), h.id().toString());
            assertEquals(h.id(), EntryId.parse(v.get("id")));
            assertEquals(v.get("body"), HEX.formatHex(e.content()));
            assertFalse(e.decodeContent() instanceof Content.Opaque, "seq " + seq + " has a known type");
            previous = h.id();
        }
    }

    /** Checks the bytes against the documented offsets, with the JDK rather than the code under test. */
    @Test
    void envelopesFollowTheDocumentedLayout() throws GeneralSecurityException {
        byte[] alice = HEX.parseHex(documented.get(0).get("alice_hex"));
        Signature ed25519 = Signature.getInstance("Ed25519");
        PublicKey key = KeyFactory.getInstance("Ed25519")
                .generatePublic(new X509EncodedKeySpec(concat(ED25519_SPKI_PREFIX, alice)));
        byte[] previousId = null;
        for (Map<String, String> v : entries()) {
            long seq = Long.parseLong(v.get("seq"));
            byte[] envelope = HEX.parseHex(v.get("envelope"));
            byte[] body = HEX.parseHex(v.get("body"));
            int headerSize = seq == 1 ? 151 : 183;
            int after = seq == 1 ? 41 : 73; // offset of timestamp: previous sits between seq and it
            String where = "seq " + seq;

            assertEquals(headerSize + 1 + body.length, envelope.length, where + ": envelope length");
            assertEquals(1, envelope[0], where + ": version");
            assertArrayEquals(alice, Arrays.copyOfRange(envelope, 1, 33), where + ": author");
            assertEquals(seq, be(envelope, 33, 8), where + ": seq");
            if (seq > 1) assertArrayEquals(previousId, Arrays.copyOfRange(envelope, 41, 73), where + ": previous");
            assertEquals(Long.parseLong(v.get("timestamp")), be(envelope, after, 8), where + ": timestamp");
            assertEquals(Long.parseLong(v.get("type")), be(envelope, after + 8, 2), where + ": type");
            assertEquals(body.length, be(envelope, after + 10, 4), where + ": content length");
            assertArrayEquals(sha256(body), Arrays.copyOfRange(envelope, after + 14, after + 46), where + ": content hash");
            assertEquals(v.get("body_sha256"), HEX.formatHex(sha256(body)));
            assertEquals(headerSize, after + 46 + 64);

            ed25519.initVerify(key);
            ed25519.update(envelope, 0, headerSize - 64);
            assertTrue(ed25519.verify(Arrays.copyOfRange(envelope, headerSize - 64, headerSize)), where + ": signature");

            byte[] id = sha256(Arrays.copyOf(envelope, headerSize));
            assertEquals(v.get("id_hex"), HEX.formatHex(id), where + ": id = SHA-256(header)");
            assertEquals(1, envelope[headerSize], where + ": present");
            assertArrayEquals(body, Arrays.copyOfRange(envelope, headerSize + 1, envelope.length), where + ": body");
            previousId = id;
        }
    }

    @Test
    void deletionNamesThePostAndTheDroppedEnvelopeKeepsItsId() throws Malformed {
        Map<String, String> post = entries().get(1);
        Map<String, String> deletion = entries().get(4);
        Content c = Entry.decode(HEX.parseHex(deletion.get("envelope"))).decodeContent();
        assertTrue(c instanceof Content.Deletion, "seq 5 is a deletion");
        assertEquals(post.get("id_hex"), ((Content.Deletion) c).target().hex());

        byte[] full = HEX.parseHex(post.get("envelope"));
        byte[] dropped = HEX.parseHex(post.get("envelope_dropped"));
        assertNotNull(dropped);
        Entry e = Entry.decode(dropped);
        assertFalse(e.hasContent());
        assertNull(e.content());
        assertEquals(post.get("id_hex"), e.id().hex());
        assertTrue(e.header().verifySignature(new Verifier()));
        assertArrayEquals(Arrays.copyOf(full, 183), Arrays.copyOf(dropped, 183), "same header");
        assertEquals(184, dropped.length);
        assertEquals(0, dropped[183], "present = 0");
    }

    private static List<Map<String, String>> entries() {
        return documented.subList(1, documented.size());
    }

    /** Walks up from the working directory (Surefire's is the module) to the one holding docs/PROTOCOL.md. */
    public static Path protocolDoc() {
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path doc = dir.resolve("docs").resolve("PROTOCOL.md");
            if (Files.isRegularFile(doc)) return doc;
        }
        return fail("no docs/PROTOCOL.md above " + System.getProperty("user.dir"));
    }

    /** The lines of the first ```text fence after the "## Test vectors" heading. */
    static List<String> vectorBlock(String markdown) {
        return block(markdown, "## Test vectors");
    }

    /** The lines of the first ```text fence after the line {@code heading} of the document. */
    public static List<String> block(String markdown, String heading) {
        List<String> lines = markdown.lines().toList();
        int i = lines.indexOf(heading);
        if (i < 0) fail("PROTOCOL.md has no \"" + heading + "\" heading");
        while (i < lines.size() && !lines.get(i).equals("```text")) i++;
        int start = i + 1;
        int end = start;
        while (end < lines.size() && !lines.get(end).equals("```")) end++;
        if (start >= lines.size() || end >= lines.size()) fail("no closed ```text block under \"" + heading + "\"");
        return lines.subList(start, end);
    }

    /** Vector groups as the document holds them: fenced, {@code key: value} lines, a blank line between groups. */
    public static String fenced(List<Map<String, String>> groups) {
        StringBuilder out = new StringBuilder("```text\n");
        for (int g = 0; g < groups.size(); g++) {
            if (g > 0) out.append('\n');
            groups.get(g).forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
        }
        return out.append("```").toString();
    }

    /** Groups of {@code key: value} lines, separated by blank lines. */
    public static List<Map<String, String>> parse(List<String> block) {
        List<Map<String, String>> groups = new ArrayList<>();
        Map<String, String> group = null;
        for (String line : block) {
            if (line.isBlank()) {
                group = null;
                continue;
            }
            int colon = line.indexOf(": ");
            if (colon < 0) fail("vector line is not \"key: value\": " + line);
            if (group == null) groups.add(group = new LinkedHashMap<>());
            String key = line.substring(0, colon);
            if (group.put(key, line.substring(colon + 2)) != null) fail("key " + key + " twice in one group");
        }
        return groups;
    }

    private static long be(byte[] b, int off, int len) {
        long v = 0;
        for (int i = 0; i < len; i++) v = (v << 8) | (b[off + i] & 0xff);
        return v;
    }

    /** Base32 as the document spells it: most significant bit first, 5 bits per character. */
    private static String base32(byte[] bytes) {
        StringBuilder bits = new StringBuilder();
        for (byte b : bytes) bits.append(String.format("%8s", Integer.toBinaryString(b & 0xff)).replace(' ', '0'));
        assertEquals(0, bits.length() % 5, "35 bytes are a whole number of characters");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < bits.length(); i += 5) out.append(ALPHABET.charAt(Integer.parseInt(bits.substring(i, i + 5), 2)));
        return out.toString();
    }

    private static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) md.update(p);
            return md.digest();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
