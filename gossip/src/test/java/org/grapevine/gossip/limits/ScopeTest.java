package org.grapevine.gossip.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.grapevine.gossip.limits.Scope.Bound;
import org.grapevine.gossip.limits.Scope.Resource;
import org.junit.jupiter.api.Test;

/** Nested accounting: a peer is held to its share, all peers together to the node's. */
class ScopeTest {
    private final Scope node = Scope.root("node", Map.of(Resource.RELAYS, Bound.of(5), Resource.UNHANDLED_BYTES, new Bound(100, 60)));

    private Scope peer(String name) {
        return node.child(name, Map.of(Resource.RELAYS, Bound.of(3), Resource.UNHANDLED_BYTES, new Bound(40, 10)));
    }

    @Test
    void aReservationIsTakenEverywhereOrNowhere() {
        Scope a = peer("a");
        Scope b = peer("b");
        assertTrue(a.reserve(Resource.RELAYS, 3));
        assertFalse(a.reserve(Resource.RELAYS, 1), "a's own share is used up");
        assertTrue(b.reserve(Resource.RELAYS, 2));
        assertFalse(b.reserve(Resource.RELAYS, 1), "the node's is, though b has room");
        assertEquals(2, b.used(Resource.RELAYS), "a refused reservation leaves nothing behind");
        assertEquals(5, node.used(Resource.RELAYS));
        a.release(Resource.RELAYS, 1);
        assertTrue(b.reserve(Resource.RELAYS, 1));
        assertEquals(0, a.used(Resource.RELAY_BYTES), "a resource without a bound is only counted");
        assertTrue(a.reserve(Resource.RELAY_BYTES, Long.MAX_VALUE / 4));
    }

    @Test
    void whatHasArrivedIsChargedAndSaysWhenAScopeIsOverThenCaughtUpBelowItsMark() {
        Scope a = peer("a");
        Scope b = peer("b");
        assertFalse(a.charge(Resource.UNHANDLED_BYTES, 40));
        assertTrue(a.charge(Resource.UNHANDLED_BYTES, 1), "a is over its share");
        assertEquals(41, a.used(Resource.UNHANDLED_BYTES));
        a.release(Resource.UNHANDLED_BYTES, 30);
        assertFalse(a.caughtUpHere(Resource.UNHANDLED_BYTES), "11 is not under a's mark of 10");
        a.release(Resource.UNHANDLED_BYTES, 2);
        assertTrue(a.caughtUp(Resource.UNHANDLED_BYTES));

        assertFalse(b.charge(Resource.UNHANDLED_BYTES, 39));
        Scope c = peer("c");
        assertFalse(c.charge(Resource.UNHANDLED_BYTES, 39));
        assertTrue(c.charge(Resource.UNHANDLED_BYTES, 20), "the node is over (117 of 100) though c is not");
        c.release(Resource.UNHANDLED_BYTES, 20);
        assertFalse(c.caughtUp(Resource.UNHANDLED_BYTES), "c is under its own mark but the node holds 87, over its 60");
        b.release(Resource.UNHANDLED_BYTES, 39);
        assertFalse(c.caughtUp(Resource.UNHANDLED_BYTES), "c's own 39 are not under its mark of 10");
        c.release(Resource.UNHANDLED_BYTES, 39);
        assertTrue(c.caughtUp(Resource.UNHANDLED_BYTES));
        assertEquals(9, node.used(Resource.UNHANDLED_BYTES));
    }

    @Test
    void threadsReservingAtOnceNeverTakeMoreThanTheBound() throws InterruptedException {
        Scope shared = Scope.root("node", Map.of(Resource.RELAYS, Bound.of(1000)));
        List<Thread> threads = new ArrayList<>();
        AtomicInteger granted = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < 8; t++) {
            Scope mine = shared.child("peer " + t, Map.of(Resource.RELAYS, Bound.of(400)));
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 1000; i++) {
                    if (mine.reserve(Resource.RELAYS, 1)) granted.incrementAndGet();
                }
            });
            threads.add(thread);
            thread.start();
        }
        go.countDown();
        for (Thread t : threads) t.join();
        assertEquals(1000, granted.get());
        assertEquals(1000, shared.used(Resource.RELAYS));
    }
}
