package org.grapevine.node.meshbench;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.meshbench.MeshNode.SetupFailure;

/**
 * Direct messages between whole nodes (run through {@code bench/mesh}): how long a message takes
 * to reach the other person's node over one connection, against a public post over the same one,
 * and what holding many conversations costs a connection to someone outside all of them.
 */
final class DmBench {
    /** Fresh nodes for a benchmark, and closing every node made so far (between runs). */
    interface Nodes {
        MeshNode node(String name) throws Exception;

        void closeAll();
    }

    private DmBench() {}

    /**
     * A and B connected, each following the other: A sends B {@code messages} messages and posts
     * as many public posts, alternating, each timed until B's store holds it.
     */
    static void dm(Nodes nodes, int messages, int warmup) throws Exception {
        MeshBench.header("dm", "A and B connected; " + warmup + " warm-up rounds, then " + messages + " messages A -> B and " + messages
                + " public posts A -> B, alternating");
        MeshNode a = nodes.node("A");
        MeshNode b = nodes.node("B");
        a.publish(new Content.Follow(b.id(), true));
        b.publish(new Content.Follow(a.id(), true));
        a.start("127.0.0.1", 2);
        b.start("127.0.0.2", 2);
        a.dial(b);
        MeshBench.await("A and B connected", 30, () -> a.connectedPeers() == 1 && b.connectedPeers() == 1);

        long[] dm = new long[messages];
        long[] post = new long[messages];
        long opened = 0;
        for (int i = -warmup; i < messages; i++) {
            long t0 = System.nanoTime();
            Entry sent = message(a, b.id(), "message " + i + " at " + t0);
            long atB = MeshBench.waitFor(b, sent.header().author(), sent.header().seq(), t0);
            if (i == -warmup) opened = atB - t0;
            long t1 = System.nanoTime();
            Entry pub = a.publish(Content.Post.text("public post " + i + " at " + t1));
            long atB2 = MeshBench.waitFor(b, a.id(), pub.header().seq(), t1);
            if (i >= 0) {
                dm[i] = atB - t0;
                post[i] = atB2 - t1;
            }
        }
        MeshBench.detail("first message (opens the conversation; B takes it in as a request): %.2f ms", opened / 1e6);
        MeshBench.detail("message A -> B stored at B: %s", MeshBench.stats(dm));
        MeshBench.detail("public post A -> B stored:  %s", MeshBench.stats(post));
        MeshBench.result(String.format(Locale.ROOT, "dm: A->B over %d messages: median %.2f ms, p90 %.2f ms, p99 %.2f ms; public posts over the same"
                + " connection: median %.2f ms (ratio %.2f)", messages, MeshBench.percentile(dm, 50) / 1e6, MeshBench.percentile(dm, 90) / 1e6,
                MeshBench.percentile(dm, 99) / 1e6, MeshBench.percentile(post, 50) / 1e6,
                MeshBench.percentile(dm, 50) / (double) MeshBench.percentile(post, 50)));
    }

    /**
     * H holds {@code held} conversations (one message sent to each of as many made-up people who
     * never connect), or none; an unrelated node P, following H, dials it. Per run: the bytes the
     * connection carries, as P counts them, after 1, 3, 5 and {@code seconds} seconds, and when it
     * first went 2 s without a byte.
     */
    static void dmsHeld(Nodes nodes, int held, int seconds) throws Exception {
        MeshBench.header("dms-held", "H holding " + held + " conversations with people who never connect, or none; an unrelated P dials H;"
                + " bytes on that connection over " + seconds + " s");
        long[][] samples = new long[2][];
        String[] idle = new String[2];
        int[] at = {1, 3, 5, seconds};
        for (int run = 0; run < 2; run++) {
            int count = run == 0 ? 0 : held;
            MeshNode h = nodes.node("H" + count);
            MeshNode p = nodes.node("P" + count);
            h.publish(Content.Post.text("hello"));
            p.publish(new Content.Follow(h.id(), true));
            h.start("127.0.0.2", 2);
            p.start("127.0.0.1", 2);
            long t = System.nanoTime();
            for (int i = 0; i < count; i++) {
                AuthorId someone = Identity.generate(new SecureRandom()).id();
                message(h, someone, "are you there? " + i);
            }
            int listed = h.node().channels(c -> c.conversations().size()).join();
            if (listed != count) throw new SetupFailure("H lists " + listed + " conversations, not " + count);
            if (count > 0) MeshBench.detail("H opened %,d conversations in %.1f s", count, MeshBench.secs(t));
            long t0 = System.nanoTime();
            p.dial(h);
            MeshBench.waitFor(p, h.id(), 1, t0);
            long[] bytes = new long[at.length];
            long last = -1;
            long stillSince = t0;
            String quiet = null;
            int k = 0;
            while (k < at.length) {
                LockSupport.parkNanos(100_000_000L);
                long now = System.nanoTime();
                long moved = p.node().bytesMoved().get(5, TimeUnit.SECONDS);
                if (moved != last) {
                    last = moved;
                    stillSince = now;
                } else if (quiet == null && now - stillSince >= 2_000_000_000L) {
                    quiet = String.format(Locale.ROOT, "%,d bytes, quiet from %.1f s", moved, (stillSince - t0) / 1e9);
                }
                while (k < at.length && now - t0 >= at[k] * 1_000_000_000L) bytes[k++] = moved;
            }
            if (p.connectedIds().size() != 1) throw new SetupFailure("P's connection changed during the run: " + p.connectedIds());
            samples[run] = bytes;
            idle[run] = quiet == null ? "never 2 s without a byte" : quiet;
            MeshBench.detail("%,5d conversations: %s bytes after %s s; %s", count, String.join(" / ", Arrays.stream(bytes).mapToObj(x -> String.format(Locale.ROOT, "%,d", x)).toList()),
                    String.join(" / ", Arrays.stream(at).mapToObj(Integer::toString).toList()), idle[run]);
            nodes.closeAll();
        }
        long none = samples[0][at.length - 1];
        long with = samples[1][at.length - 1];
        long firstNone = samples[0][0];
        long firstWith = samples[1][0];
        MeshBench.result(String.format(Locale.ROOT, "dms-held: an unrelated connection to a node holding %,d conversations carried %,d bytes in %d s"
                + " (%,d in the first second) against %,d (%,d) with none: ratio %.2f, %+,d bytes", held, with, seconds, firstWith, none, firstNone,
                with / (double) none, with - none));
    }

    /** Sends {@code to} a message from {@code from}'s node, as {@code grapevine dm send} does; the entry written. */
    private static Entry message(MeshNode from, AuthorId to, String text) {
        return from.node().channels(c -> c.message(to, Content.Post.text(text), List.of())).join();
    }

}
