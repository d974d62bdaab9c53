package org.grapevine.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Verifier;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublisherTest {
    @TempDir
    Path dir;

    /** A clock that reads out the given instants in turn, whichever way they go. */
    static final class ScriptedClock extends Clock {
        private final Deque<Long> millis = new ArrayDeque<>();

        ScriptedClock(long... millis) {
            for (long m : millis) this.millis.add(m);
        }

        @Override
        public long millis() {
            Long next = millis.poll();
            if (next == null) throw new AssertionError("the clock was read more often than expected");
            return next;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private static Identity identity() {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) 7);
        return Identity.fromSeed(seed);
    }

    @Test
    void publishesAValidChainWhoseTimestampsNeverGoBack() {
        Identity me = identity();
        Path file = dir.resolve("store.db");
        List<Entry> published = new ArrayList<>();
        try (Store store = Store.open(file)) {
            Publisher publisher = new Publisher(me, store, new ScriptedClock(5_000, 6_000, 4_000, 5_500, 7_000));
            for (int i = 0; i < 5; i++) published.add(publisher.publish(Content.Post.text("post " + i)));
        }
        try (Store store = Store.open(file)) {
            // A new run whose clock is behind everything already written.
            Publisher publisher = new Publisher(me, store, new ScriptedClock(1_000, 8_000));
            published.add(publisher.publish(new Content.About("me", "", null)));
            published.add(publisher.publish(Content.Post.text("last")));

            assertEquals(List.of(5_000L, 6_000L, 6_000L, 6_000L, 7_000L, 7_000L, 8_000L),
                    published.stream().map(e -> e.header().timestamp()).toList());
            assertEquals(published, store.log(me.id(), 1, 100), "every published entry is stored, in order");
            Verifier verifier = new Verifier();
            for (int i = 0; i < published.size(); i++) {
                Entry e = published.get(i);
                assertEquals(me.id(), e.header().author());
                assertEquals(i + 1, e.header().seq());
                if (i == 0) assertNull(e.header().previous());
                else assertEquals(published.get(i - 1).id(), e.header().previous());
                assertTrue(e.header().verifySignature(verifier));
            }
            assertEquals(7, store.headSeq(me.id()));
        }
    }
}
