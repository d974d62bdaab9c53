package org.grapevine.identity.vectors;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.blob.BlobHasher;

/**
 * Builds the blob test-vector block of docs/PROTOCOL.md ("Blobs") from the code. {@link #main}
 * prints it, fenced, ready to paste; {@link BlobVectorsTest} checks the document against
 * {@link #groups()}.
 */
public final class BlobVectorsPrinter {
    static final int CHUNK = BlobHasher.CHUNK_SIZE;
    static final String EMPTY = "empty";
    static final String LITERAL = "literal ";
    static final String MOD_251 = "i mod 251";
    private static final HexFormat HEX = HexFormat.of();

    private BlobVectorsPrinter() {}

    public static void main(String[] args) {
        System.out.println(ProtocolVectorsTest.fenced(groups()));
    }

    /** One documented blob: a name for people, its size and how its bytes are made. */
    record Blob(String name, long size, String pattern) {
        byte[] bytes() {
            return BlobVectorsPrinter.bytes(pattern, size);
        }
    }

    static List<Blob> blobs() {
        return List.of(
                new Blob("empty", 0, EMPTY),
                new Blob("one byte", 1, LITERAL + "61"),
                new Blob("one chunk", CHUNK, MOD_251),
                new Blob("one chunk and one byte", CHUNK + 1L, MOD_251),
                new Blob("three and a half chunks", 3L * CHUNK + CHUNK / 2, MOD_251),
                new Blob("four and a half chunks", 4L * CHUNK + CHUNK / 2, MOD_251));
    }

    /** The bytes a pattern line stands for: {@code empty}, {@code literal HEX}, or {@code i mod 251}. */
    static byte[] bytes(String pattern, long size) {
        byte[] b;
        if (pattern.equals(EMPTY)) {
            b = new byte[0];
        } else if (pattern.startsWith(LITERAL)) {
            b = HEX.parseHex(pattern.substring(LITERAL.length()));
        } else if (pattern.equals(MOD_251)) {
            b = new byte[Math.toIntExact(size)];
            for (int i = 0; i < b.length; i++) b[i] = (byte) (i % 251);
        } else {
            throw new IllegalArgumentException("unknown pattern: " + pattern);
        }
        if (b.length != size) throw new IllegalArgumentException(pattern + " does not make " + size + " bytes");
        return b;
    }

    /** One group per blob, in order. */
    static List<Map<String, String>> groups() {
        List<Map<String, String>> groups = new ArrayList<>();
        for (Blob blob : blobs()) {
            byte[] bytes = blob.bytes();
            BlobHasher h = new BlobHasher();
            h.update(bytes, 0, bytes.length);
            BlobId id = h.finish();
            List<byte[]> leaves = h.leafHashes();
            List<String> leafHex = new ArrayList<>();
            for (byte[] leaf : leaves) leafHex.add(HEX.formatHex(leaf));

            Map<String, String> g = new LinkedHashMap<>();
            g.put("what", blob.name());
            g.put("size", Long.toString(blob.size()));
            g.put("pattern", blob.pattern());
            g.put("chunks", Integer.toString(leaves.size()));
            g.put("leaves", String.join(" ", leafHex));
            g.put("tree_root_hex", HEX.formatHex(BlobHasher.treeRoot(leaves)));
            g.put("id_hex", id.hex());
            g.put("id", id.toString());
            groups.add(g);
        }
        return groups;
    }
}
