package org.grapevine.gossip.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.grapevine.gossip.wire.MessageType;
import org.grapevine.gossip.wire.WireCodec;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.Malformed;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the wire vectors of docs/PROTOCOL.md ("Wire test vectors") and the code in agreement:
 * the block is what the generator makes; every accepted encoding decodes and encodes back byte
 * for byte; every lenient one reads as documented; every rejected one is malformed; the handshake
 * payload verifies against the documented static key.
 */
class WireVectorsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static List<Map<String, String>> documented;

    @BeforeAll
    static void readDocument() throws IOException {
        documented = parse(block(Files.readString(protocolDoc(), StandardCharsets.UTF_8)));
    }

    @Test
    void documentListsExactlyWhatTheGeneratorMakes() {
        List<Map<String, String>> generated = WireVectorsPrinter.groups();
        assertEquals(generated.size(), documented.size(), "number of wire vectors");
        for (int i = 0; i < generated.size(); i++) {
            assertEquals(generated.get(i), documented.get(i), "vector " + (i + 1) + " (regenerate the block with WireVectorsPrinter, see docs/PROTOCOL.md)");
        }
    }

    @Test
    void everyVerdictIsTheCodecs() throws Malformed {
        Set<MessageType> covered = EnumSet.noneOf(MessageType.class);
        for (Map<String, String> v : documented.subList(1, documented.size())) {
            byte[] bytes = WireVectorsPrinter.bytes(v.get("bytes"));
            switch (v.get("verdict")) {
                case "accept" -> {
                    WireMessage m = WireCodec.decode(bytes);
                    assertArrayEquals(bytes, WireCodec.encode(m), v.get("what"));
                    covered.add(m.type());
                }
                case "accept, ignoring a part" -> assertEquals(v.get("read_as"), WireVectorsPrinter.readAs(WireCodec.decode(bytes)), v.get("what"));
                case "reject" -> assertThrows(Malformed.class, () -> WireCodec.decode(bytes), v.get("what"));
                default -> fail("verdict " + v.get("verdict"));
            }
        }
        assertEquals(EnumSet.allOf(MessageType.class), covered, "a vector for every message type");
    }

    @Test
    void theHandshakePayloadVerifiesAgainstTheDocumentedKeys() throws Malformed {
        Map<String, String> h = documented.get(0);
        NetworkKey main = NetworkKey.named("main");
        assertEquals(h.get("network_key"), HEX.formatHex(main.key()));
        StaticKeyBinding b = StaticKeyBinding.verify(HEX.parseHex(h.get("payload")), main, HEX.parseHex(h.get("static_public")));
        assertEquals(WireVectorsPrinter.ALICE.id(), b.author());
        assertEquals(7733, b.listenPort());
        assertEquals(Set.of("channels/1", "test-echo/1"), b.capabilities());
        assertThrows(Malformed.class, () -> StaticKeyBinding.verify(HEX.parseHex(h.get("payload")), NetworkKey.named("other"),
                HEX.parseHex(h.get("static_public"))), "bound to its network");
        assertTrue(h.get("prologue").startsWith(HEX.formatHex("grapevine/1".getBytes(StandardCharsets.US_ASCII))));
    }

    static Path protocolDoc() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path doc = dir.resolve("docs").resolve("PROTOCOL.md");
            if (Files.exists(doc)) return doc;
        }
        return fail("no docs/PROTOCOL.md above " + System.getProperty("user.dir"));
    }

    private static List<String> block(String markdown) {
        List<String> lines = markdown.lines().toList();
        int i = lines.indexOf("### Wire test vectors");
        if (i < 0) fail("PROTOCOL.md has no \"### Wire test vectors\" heading");
        while (i < lines.size() && !lines.get(i).equals("```text")) i++;
        int start = i + 1;
        int end = start;
        while (end < lines.size() && !lines.get(end).equals("```")) end++;
        if (start >= lines.size() || end >= lines.size()) fail("no closed ```text block under \"### Wire test vectors\"");
        return lines.subList(start, end);
    }

    private static List<Map<String, String>> parse(List<String> block) {
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
            group.put(line.substring(0, colon), line.substring(colon + 2));
        }
        return groups;
    }
}
