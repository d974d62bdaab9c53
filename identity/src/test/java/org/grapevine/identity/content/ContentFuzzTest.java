package org.grapevine.identity.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.grapevine.identity.Malformed;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated bodies for every content type: decoding either fails with {@link Malformed}
 * or yields content whose encoding is exactly the input (one byte string per value).
 */
class ContentFuzzTest {
    private static final int PER_TYPE = 10_000;
    private static final int[] TYPES = {
        Content.POST, Content.FOLLOW, Content.BLOCK, Content.ABOUT, Content.REACTION, Content.DELETION,
        Content.SEALED, 999, 0,
    };

    @Test
    void randomAndMutatedBodiesDecodeCanonicallyOrFailAsMalformed() {
        Random random = new Random(20240601);
        for (int type : TYPES) {
            List<byte[]> seeds = new ArrayList<>();
            boolean known = type >= Content.POST && type <= Content.DELETION;
            for (Content c : ContentCodecTest.samples()) {
                if (c.type() == type || !known) seeds.add(ContentCodec.encode(c));
            }
            int accepted = 0;
            int rejected = 0;
            for (int i = 0; i < PER_TYPE; i++) {
                byte[] body = i % 2 == 0 ? randomBody(random) : mutate(random, seeds.get(random.nextInt(seeds.size())));
                if (check(type, body)) accepted++;
                else rejected++;
            }
            // Both outcomes must be common, or the fuzzing is not reaching the codec's decisions.
            assertTrue(accepted > PER_TYPE / 100, "type " + type + ": accepted " + accepted);
            if (known) assertTrue(rejected > PER_TYPE / 10, "type " + type + ": rejected " + rejected);
        }
    }

    /** True when accepted; fails the test on any exception other than Malformed or a non-canonical acceptance. */
    private static boolean check(int type, byte[] body) {
        Content c;
        try {
            c = ContentCodec.decode(type, body);
        } catch (Malformed expected) {
            return false;
        } catch (Throwable t) {
            throw new AssertionError("type " + type + " body " + HexFormat.of().formatHex(body) + " threw " + t, t);
        }
        if (c.type() != type) fail("type " + type + " decoded as " + c);
        assertArrayEquals(body, ContentCodec.encode(c), () -> "type " + type + " body " + HexFormat.of().formatHex(body));
        return true;
    }

    private static byte[] randomBody(Random random) {
        int n = switch (random.nextInt(4)) {
            case 0 -> random.nextInt(4);
            case 1 -> random.nextInt(40);
            case 2 -> random.nextInt(300);
            default -> random.nextInt(3000);
        };
        byte[] b = new byte[n];
        random.nextBytes(b);
        // Small values are where flags, counts and lengths become plausible.
        if (random.nextBoolean()) for (int i = 0; i < n; i++) b[i] &= (byte) (random.nextBoolean() ? 0x01 : 0x3f);
        return b;
    }

    private static byte[] mutate(Random random, byte[] seed) {
        byte[] b = seed.clone();
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int at = b.length == 0 ? 0 : random.nextInt(b.length);
            switch (random.nextInt(6)) {
                case 0:
                    if (b.length > 0) b[at] ^= (byte) (1 << random.nextInt(8));
                    break;
                case 1:
                    if (b.length > 0) b[at] = (byte) new int[] {0, 1, 2, 0x7f, 0x80, 0xff}[random.nextInt(6)];
                    break;
                case 2:
                    b = Arrays.copyOf(b, random.nextInt(b.length + 1));
                    break;
                case 3: {
                    byte[] longer = new byte[b.length + 1];
                    System.arraycopy(b, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(b, at, longer, at + 1, b.length - at);
                    b = longer;
                    break;
                }
                case 4:
                    if (b.length > 0) {
                        byte[] shorter = new byte[b.length - 1];
                        System.arraycopy(b, 0, shorter, 0, at);
                        System.arraycopy(b, at + 1, shorter, at, b.length - at - 1);
                        b = shorter;
                    }
                    break;
                default:
                    b = Arrays.copyOf(b, b.length + 1 + random.nextInt(4));
                    break;
            }
        }
        return b;
    }
}
