package org.grapevine.identity.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.blob.BlobHasher;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the blob vectors of docs/PROTOCOL.md ("Blobs") and the code in agreement: every value is
 * regenerated from {@link BlobHasher}, and every id is recomputed by a reference written out here
 * from the document with plain {@link MessageDigest} calls, apart from the code under test.
 */
class BlobVectorsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final int CHUNK = 262_144;

    private static List<Map<String, String>> documented;

    @BeforeAll
    static void readDocument() throws IOException {
        String doc = Files.readString(ProtocolVectorsTest.protocolDoc(), StandardCharsets.UTF_8);
        documented = ProtocolVectorsTest.parse(ProtocolVectorsTest.block(doc, "### Blob test vectors"));
    }

    @Test
    void documentListsExactlyWhatTheCodeGenerates() {
        List<Map<String, String>> generated = BlobVectorsPrinter.groups();
        assertEquals(generated.size(), documented.size(), "number of blobs in the vector block");
        for (int i = 0; i < generated.size(); i++) {
            Map<String, String> want = generated.get(i);
            Map<String, String> got = documented.get(i);
            String where = "blob " + (i + 1) + " (" + want.get("what") + ")";
            assertEquals(List.copyOf(want.keySet()), List.copyOf(got.keySet()), where + ": keys");
            for (String key : want.keySet()) {
                assertEquals(want.get(key), got.get(key), where + ": " + key
                        + " (regenerate the block with BlobVectorsPrinter, see docs/PROTOCOL.md)");
            }
        }
    }

    @Test
    void documentCoversTheChunkBoundaries() {
        List<Long> sizes = new ArrayList<>();
        for (Map<String, String> v : documented) sizes.add(Long.parseLong(v.get("size")));
        for (long size : new long[] {0, 1, CHUNK, CHUNK + 1}) {
            if (!sizes.contains(size)) fail("no blob vector of " + size + " bytes");
        }
        if (sizes.stream().noneMatch(s -> s > 3L * CHUNK)) fail("no blob vector of several chunks");
    }

    /** Each documented value recomputed from the document's rules alone. */
    @Test
    void referenceImplementationAgreesWithTheDocument() {
        for (Map<String, String> v : documented) {
            String where = v.get("what");
            long size = Long.parseLong(v.get("size"));
            byte[] blob = BlobVectorsPrinter.bytes(v.get("pattern"), size);
            assertEquals(size, blob.length, where + ": size");

            List<byte[]> leaves = new ArrayList<>();
            int off = 0;
            do {
                int len = Math.min(CHUNK, blob.length - off);
                leaves.add(sha256(new byte[] {0x00}, slice(blob, off, len)));
                off += len;
            } while (off < blob.length);
            assertEquals(Integer.parseInt(v.get("chunks")), leaves.size(), where + ": chunks");
            List<String> leafHex = new ArrayList<>();
            for (byte[] leaf : leaves) leafHex.add(HEX.formatHex(leaf));
            assertEquals(v.get("leaves"), String.join(" ", leafHex), where + ": leaves");

            List<byte[]> level = leaves;
            while (level.size() > 1) {
                List<byte[]> next = new ArrayList<>();
                for (int i = 0; i < level.size(); i += 2) {
                    if (i + 1 == level.size()) next.add(level.get(i)); // odd node: promoted as is
                    else next.add(sha256(new byte[] {0x01}, level.get(i), level.get(i + 1)));
                }
                level = next;
            }
            byte[] treeRoot = level.get(0);
            assertEquals(v.get("tree_root_hex"), HEX.formatHex(treeRoot), where + ": tree root");

            byte[] sizeBytes = new byte[8];
            for (int i = 0; i < 8; i++) sizeBytes[i] = (byte) (size >>> (56 - 8 * i));
            byte[] id = sha256(new byte[] {0x02}, sizeBytes, treeRoot);
            assertEquals(v.get("id_hex"), HEX.formatHex(id), where + ": id = SHA-256(02 || size || root)");
            assertEquals(v.get("id"), new BlobId(id).toString(), where + ": text form");
            assertEquals(v.get("id_hex"), BlobId.parse(v.get("id")).hex(), where + ": text form parses");
            assertEquals(v.get("id_hex"), BlobHasher.of(blob).hex(), where + ": BlobHasher.of");
        }
    }

    private static byte[] slice(byte[] b, int off, int len) {
        byte[] out = new byte[len];
        System.arraycopy(b, off, out, 0, len);
        return out;
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
}
