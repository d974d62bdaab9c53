package org.grapevine.node.store;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.Publisher;

/**
 * Run in a child JVM by {@link CrashIT}: writes to a store for as long as it lives, until the
 * parent kills it. One thread appends batches to one author's log and prints {@code ACK <head>}
 * after each commit; another publishes single entries of a second author and prints
 * {@code ONE <head>} after each. The two take turns on the store's lock, so whenever the parent
 * acts on a line, the other writer is likely in the middle of its commit.
 *
 * <p>Arguments: store file, batch author's seed (hex), single author's seed (hex), entries per batch,
 * most batches to write.
 */
public final class CrashChild {
    private CrashChild() {}

    /** The text of the post at {@code seq}, so the parent can check every body it reads back. */
    static String text(long seq) {
        return "entry " + seq + " " + "x".repeat((int) (seq % 200));
    }

    public static void main(String[] args) throws InterruptedException {
        Path file = Path.of(args[0]);
        Identity batcher = Identity.fromSeed(HexFormat.of().parseHex(args[1]));
        Identity single = Identity.fromSeed(HexFormat.of().parseHex(args[2]));
        int batchSize = Integer.parseInt(args[3]);
        int maxBatches = Integer.parseInt(args[4]);
        exitWhenParentGoes();

        Store store = Store.open(file);
        long head = store.headSeq(batcher.id());
        EntryId previous = store.headId(batcher.id()).orElse(null);
        say("READY " + head + " " + store.headSeq(single.id()));

        Thread singles = new Thread(() -> {
            Publisher publisher = new Publisher(single, store, Clock.systemUTC());
            while (true) {
                long seq = publisher.publish(Content.Post.text(text(store.headSeq(single.id()) + 1))).header().seq();
                say("ONE " + seq);
            }
        }, "single-writer");
        singles.setDaemon(true);
        singles.setUncaughtExceptionHandler((t, e) -> {
            e.printStackTrace();
            Runtime.getRuntime().halt(2);
        });
        singles.start();

        for (int b = 0; b < maxBatches; b++) {
            List<Entry> batch = new ArrayList<>(batchSize);
            for (int i = 0; i < batchSize; i++) {
                long seq = head + 1;
                Entry e = Entry.create(batcher, seq, previous, seq, Content.Post.text(text(seq)));
                batch.add(e);
                head = seq;
                previous = e.id();
            }
            for (AppendResult r : store.appendAll(batch)) {
                if (!r.stored()) {
                    say("FAILED " + r);
                    Runtime.getRuntime().halt(2);
                }
            }
            say("ACK " + head);
        }
        say("DONE " + head);
        Runtime.getRuntime().halt(0);
    }

    private static void say(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }

    /** The parent holds our stdin open; end of input means it is gone and nobody will kill us. */
    private static void exitWhenParentGoes() {
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // Nothing is ever sent; only the end matters.
                }
            } catch (IOException ignored) {
                // Same as the end of input.
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
