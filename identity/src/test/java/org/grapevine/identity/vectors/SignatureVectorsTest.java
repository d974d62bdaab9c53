package org.grapevine.identity.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.Verifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the signature vectors of docs/PROTOCOL.md ("Signature test vectors") and the code in
 * agreement: the block is what the generator makes, {@link Verifier} gives every vector its
 * verdict, and so does the document's rule written out apart from the code ({@link Edwards}).
 */
class SignatureVectorsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static List<Map<String, String>> documented;

    @BeforeAll
    static void readDocument() throws IOException {
        String doc = Files.readString(ProtocolVectorsTest.protocolDoc(), StandardCharsets.UTF_8);
        documented = ProtocolVectorsTest.parse(ProtocolVectorsTest.block(doc, "### Signature test vectors"));
    }

    @Test
    void documentListsExactlyWhatTheGeneratorMakes() {
        List<Map<String, String>> generated = SignatureVectorsPrinter.groups();
        assertEquals(generated.size(), documented.size(), "number of signature vectors");
        for (int i = 0; i < generated.size(); i++) {
            assertEquals(generated.get(i), documented.get(i), "vector " + (i + 1)
                    + " (regenerate the block with SignatureVectorsPrinter, see docs/PROTOCOL.md)");
        }
    }

    @Test
    void theVerifierGivesEveryVectorItsVerdict() {
        for (Map<String, String> v : documented) {
            byte[] msg = HEX.parseHex(v.get("message"));
            byte[] sig = HEX.parseHex(v.get("signature"));
            boolean valid = new Verifier().verify(new AuthorId(HEX.parseHex(v.get("key"))), msg, 0, msg.length, sig, 0);
            assertEquals(v.get("verdict").equals("accept"), valid, v.get("what"));
        }
    }

    @Test
    void theDocumentsRuleWrittenOutGivesTheSameVerdicts() {
        for (Map<String, String> v : documented) {
            assertEquals(v.get("verdict").equals("accept"), judge(v, false), v.get("what"));
        }
    }

    /** A rejected vector that says the cofactored equation holds is rejected for its encoding or order alone. */
    @Test
    void rejectionsForEncodingOrOrderAloneWouldPassALenientCofactoredCheck() {
        int lenientlyValid = 0;
        for (Map<String, String> v : documented) {
            if (!v.getOrDefault("why", "").contains("although the cofactored equation holds")) continue;
            assertEquals("reject", v.get("verdict"), v.get("what"));
            assertTrue(judge(v, true), v.get("what") + " passes a check that reads y mod p and ignores the key's order");
            lenientlyValid++;
        }
        assertTrue(lenientlyValid >= 5, "the vectors cover non-canonical R and a mixed-order key");
    }

    @Test
    void acceptedVectorsCoverSmallAndMixedOrderR() {
        long smallOrMixed = documented.stream().filter(v -> v.get("verdict").equals("accept") && v.get("what").startsWith("R of")).count();
        assertEquals(SignatureVectorsPrinter.SMALL_ORDER.size() + 1, smallOrMixed);
        for (String key : SignatureVectorsPrinter.SMALL_ORDER.values()) {
            assertFalse(Verifier.isValidKey(new AuthorId(HEX.parseHex(key))), "a key of small order is no key: " + key);
        }
    }

    /**
     * The rule of "Keys and signatures": the key a canonical point of prime order, R a canonical
     * point, S below L, [8]([S]B − R − [k]A) the identity. Lenient: y read mod p, any key order.
     */
    private static boolean judge(Map<String, String> v, boolean lenient) {
        byte[] key = HEX.parseHex(v.get("key"));
        byte[] sig = HEX.parseHex(v.get("signature"));
        byte[] msg = HEX.parseHex(v.get("message"));
        Edwards.Point a = Edwards.decode(key, lenient);
        if (a == null || (!lenient && !Edwards.primeOrder(a))) return false;
        byte[] rBytes = Arrays.copyOfRange(sig, 0, 32);
        Edwards.Point r = Edwards.decode(rBytes, lenient);
        if (r == null) return false;
        BigInteger s = Edwards.fromLittleEndian(Arrays.copyOfRange(sig, 32, 64));
        if (s.compareTo(Edwards.L) >= 0) return false;
        BigInteger k = Edwards.fromLittleEndian(SignatureVectorsPrinter.sha512(rBytes, key, msg)).mod(Edwards.L);
        Edwards.Point check = Edwards.BASE.times(s).plus(r.negate()).plus(a.times(k).negate());
        return Edwards.smallOrder(check);
    }

}
