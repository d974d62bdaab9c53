package org.grapevine.node.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.ContentCodec;
import org.grapevine.identity.log.Entry;

/** Deterministic inputs shared by the benchmarks. */
final class BenchData {
    /** Encoded size of the posts the benchmarks sign and store. */
    static final int POST_BYTES = 1024;

    private BenchData() {}

    /** A keypair from a fixed seed, so runs are repeatable. */
    static Identity identity(int n) {
        byte[] seed = new byte[32];
        new Random(0x6a09e667L + n).nextBytes(seed);
        return Identity.fromSeed(seed);
    }

    /** A plain-text post whose encoded body is exactly {@link #POST_BYTES} bytes. */
    static Content.Post post(Random random) {
        // Body = varint(text length, 2 bytes here) + text + root flag + parent flag + 0 mentions
        // + 0 attachments + empty channel (1 byte each).
        int textLength = POST_BYTES - 2 - 5;
        StringBuilder text = new StringBuilder(textLength);
        String alphabet = "abcdefghijklmnopqrstuvwxyz      .,";
        for (int i = 0; i < textLength; i++) text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        Content.Post post = Content.Post.text(text.toString());
        int size = ContentCodec.encode(post).length;
        if (size != POST_BYTES) throw new IllegalStateException("post body is " + size + " bytes, not " + POST_BYTES);
        return post;
    }

    /** Signs {@code count} consecutive entries of one log, starting after {@code previous} (null for a new log). */
    static Entry[] chain(Identity author, long firstSeq, EntryId previous, long firstTimestamp, long step, int count,
                         Random random) {
        Entry[] out = new Entry[count];
        long ts = firstTimestamp;
        for (int i = 0; i < count; i++) {
            out[i] = Entry.create(author, firstSeq + i, previous, ts, post(random));
            previous = out[i].id();
            ts += step;
        }
        return out;
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
