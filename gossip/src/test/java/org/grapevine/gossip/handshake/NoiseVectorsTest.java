package org.grapevine.gossip.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.TestAbortedException;
import org.grapevine.identity.keys.X25519KeyPair;

/**
 * Reproduces the cacophony test vectors for the 25519/SHA256 suites: every handshake message,
 * the handshake hash and the transport messages after Split, for both AESGCM and ChaChaPoly.
 */
class NoiseVectorsTest {
    /** The vectors, kept in the test resources (the cacophony project's, public domain). */
    private static final String VECTORS = "/noise/noise-25519-sha256.json";
    private static final HexFormat HEX = HexFormat.of();
    /** pattern -> {passed, skipped}; printed after the run so the report can quote it. */
    private static final Map<String, int[]> TALLY = new ConcurrentHashMap<>();

    static List<JsonNode> vectors() throws IOException {
        try (InputStream in = NoiseVectorsTest.class.getResourceAsStream(VECTORS)) {
            if (in == null) return fail("Noise test vectors missing from the test resources: " + VECTORS);
            List<JsonNode> list = new ArrayList<>();
            new ObjectMapper().readTree(in).get("vectors").forEach(list::add);
            return list;
        }
    }

    @Test
    void everyVectorIsOfAnImplementedProtocol() throws IOException {
        List<JsonNode> all = vectors();
        assertTrue(all.size() >= 118, "expected the full 25519/SHA256 set, got " + all.size());
        for (JsonNode v : all) {
            NoiseProtocol.parse(v.get("protocol_name").asText());
        }
    }

    @TestFactory
    Stream<DynamicTest> reproducesVector() throws IOException {
        return vectors().stream().map(v -> DynamicTest.dynamicTest(v.get("protocol_name").asText(), () -> run(v)));
    }

    @AfterAll
    static void printTally() {
        Map<String, int[]> sorted = new TreeMap<>(TALLY);
        StringBuilder sb = new StringBuilder("Noise vectors by pattern (passed/skipped):");
        sorted.forEach((pattern, counts) -> sb.append(' ').append(pattern).append('=')
                .append(counts[0]).append('/').append(counts[1]));
        System.out.println(sb);
    }

    private static void run(JsonNode v) throws Exception {
        String name = v.get("protocol_name").asText();
        String pattern = name.split("_")[1];
        NoiseProtocol protocol;
        try {
            protocol = NoiseProtocol.parse(name);
        } catch (IllegalArgumentException e) {
            TALLY.computeIfAbsent(pattern, k -> new int[2])[1]++;
            throw new TestAbortedException("not implemented: " + name);
        }
        NoiseHandshake initiator = side(protocol, NoiseHandshake.Role.INITIATOR, v, "init_");
        NoiseHandshake responder = side(protocol, NoiseHandshake.Role.RESPONDER, v, "resp_");
        boolean oneWay = protocol.pattern().isOneWay();
        JsonNode messages = v.get("messages");
        int i = 0;
        for (; !initiator.isComplete(); i++) {
            JsonNode m = messages.get(i);
            boolean fromInitiator = i % 2 == 0;
            NoiseHandshake sender = fromInitiator ? initiator : responder;
            NoiseHandshake receiver = fromInitiator ? responder : initiator;
            assertTrue(sender.isWriteTurn(), name + ": message " + i);
            byte[] ciphertext = sender.writeMessage(hex(m, "payload"));
            assertEquals(m.get("ciphertext").asText(), HEX.formatHex(ciphertext), name + ": handshake message " + i);
            assertArrayEquals(hex(m, "payload"), receiver.readMessage(ciphertext), name + ": payload " + i);
        }
        assertTrue(responder.isComplete(), name);
        assertEquals(v.get("handshake_hash").asText(), HEX.formatHex(initiator.handshakeHash()), name + ": initiator's h");
        assertEquals(v.get("handshake_hash").asText(), HEX.formatHex(responder.handshakeHash()), name + ": responder's h");
        checkLearnedStatics(name, v, initiator, responder);

        TransportCiphers initiatorCiphers = initiator.split();
        TransportCiphers responderCiphers = responder.split();
        assertEquals(!oneWay, responderCiphers.canSend(), name);
        for (; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            boolean fromInitiator = oneWay || i % 2 == 0;
            TransportCiphers sender = fromInitiator ? initiatorCiphers : responderCiphers;
            TransportCiphers receiver = fromInitiator ? responderCiphers : initiatorCiphers;
            byte[] ciphertext = sender.encrypt(hex(m, "payload"));
            assertEquals(m.get("ciphertext").asText(), HEX.formatHex(ciphertext), name + ": transport message " + i);
            assertArrayEquals(hex(m, "payload"), receiver.decrypt(ciphertext), name + ": payload " + i);
        }
        TALLY.computeIfAbsent(pattern, k -> new int[2])[0]++;
    }

    private static void checkLearnedStatics(String name, JsonNode v, NoiseHandshake initiator, NoiseHandshake responder) {
        if (v.has("init_static") && initiator.protocol().pattern().usesStatic(true)) {
            byte[] expected = X25519KeyPair.fromPrivateKey(hex(v, "init_static")).publicKey();
            assertArrayEquals(expected, responder.remoteStatic().orElseThrow(), name + ": responder's view of the initiator");
        } else {
            assertFalse(responder.remoteStatic().isPresent(), name);
        }
        if (v.has("resp_static") && responder.protocol().pattern().usesStatic(false)) {
            byte[] expected = X25519KeyPair.fromPrivateKey(hex(v, "resp_static")).publicKey();
            assertArrayEquals(expected, initiator.remoteStatic().orElseThrow(), name + ": initiator's view of the responder");
        } else {
            assertFalse(initiator.remoteStatic().isPresent(), name);
        }
    }

    private static NoiseHandshake side(NoiseProtocol protocol, NoiseHandshake.Role role, JsonNode v, String prefix) {
        NoiseHandshake.Builder b = NoiseHandshake.builder(protocol, role).prologue(hex(v, prefix + "prologue"));
        if (v.has(prefix + "static")) {
            b.localStatic(X25519KeyPair.fromPrivateKey(hex(v, prefix + "static")));
        }
        if (v.has(prefix + "ephemeral")) {
            b.ephemeral(X25519KeyPair.fromPrivateKey(hex(v, prefix + "ephemeral")));
        }
        if (v.has(prefix + "remote_static")) {
            b.remoteStatic(hex(v, prefix + "remote_static"));
        }
        if (v.has(prefix + "psks")) {
            v.get(prefix + "psks").forEach(psk -> b.psk(HEX.parseHex(psk.asText())));
        }
        return b.build();
    }

    private static byte[] hex(JsonNode node, String field) {
        return HEX.parseHex(node.get(field).asText());
    }
}
