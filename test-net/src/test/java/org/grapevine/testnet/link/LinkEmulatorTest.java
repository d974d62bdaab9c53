package org.grapevine.testnet.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The link handler on Netty's embedded channel, whose clock the test moves by hand. */
class LinkEmulatorTest {
    private static final int PORT_OF_1 = 40_001;
    private final LinkEmulator emulator = new LinkEmulator();

    LinkEmulatorTest() {
        emulator.register(1, new InetSocketAddress("127.0.0.1", PORT_OF_1));
    }

    private EmbeddedChannel dialFrom0To1() {
        ChannelHandler h = emulator.shaperFor(0).handlerFor(new InetSocketAddress("127.0.0.1", PORT_OF_1), true);
        assertNotNull(h);
        EmbeddedChannel ch = new EmbeddedChannel(h);
        ch.freezeTime();
        return ch;
    }

    /** Moves the channel's clock a millisecond at a time, running what falls due (and what that schedules for now). */
    private static void advance(EmbeddedChannel ch, long millis) {
        for (long i = 0; i < millis; i++) {
            ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            while (ch.runScheduledPendingTasks() == 0) {
                // A task ran and scheduled another due now.
            }
        }
    }

    private static ByteBuf bytes(int b) {
        return Unpooled.wrappedBuffer(new byte[] {(byte) b});
    }

    private static int read(ByteBuf buf) {
        try {
            return buf.readByte();
        } finally {
            buf.release();
        }
    }

    @Test
    void writesAndReadsWaitTheLinksLatencyEachWay() {
        emulator.setAll(new LinkEmulator.Conditions(Duration.ofMillis(30), Duration.ZERO, 0));
        EmbeddedChannel ch = dialFrom0To1();
        ch.writeOutbound(bytes(7));
        ch.writeInbound(bytes(8));
        advance(ch, 29);
        assertNull(ch.readOutbound(), "a write went out before its latency");
        assertNull(ch.readInbound(), "a read came in before its latency");
        advance(ch, 2);
        assertEquals(7, read(ch.readOutbound()));
        assertEquals(8, read(ch.readInbound()));
        assertEquals(1, emulator.bytesSent(0));
        assertEquals(1, emulator.bytesReceived(0));
        assertEquals(0, emulator.bytesSent(1), "bytes count for the node that wrote them");
        ch.finishAndReleaseAll();
    }

    @Test
    void jitterDelaysButNeverReorders() {
        emulator.setAll(new LinkEmulator.Conditions(Duration.ofMillis(5), Duration.ofMillis(20), 0));
        EmbeddedChannel ch = dialFrom0To1();
        for (int i = 0; i < 50; i++) ch.writeOutbound(bytes(i));
        advance(ch, 100);
        for (int i = 0; i < 50; i++) assertEquals(i, read(ch.readOutbound()));
        ch.finishAndReleaseAll();
    }

    @Test
    void aLostPacketCostsARetransmissionTimeout() {
        emulator.setAll(new LinkEmulator.Conditions(Duration.ofMillis(10), Duration.ZERO, 1.0));
        EmbeddedChannel ch = dialFrom0To1();
        ch.writeOutbound(bytes(1));
        advance(ch, LinkEmulator.MIN_RETRANSMIT.toMillis());
        assertNull(ch.readOutbound(), "no retransmission delay");
        advance(ch, 11);
        assertEquals(1, read(ch.readOutbound()));
        ch.finishAndReleaseAll();
    }

    @Test
    void conditionsForSomeNodesApplyToTheirLinksOnly() {
        emulator.setAll(new LinkEmulator.Conditions(Duration.ofMillis(5), Duration.ZERO, 0));
        emulator.set(Set.of(3), new LinkEmulator.Conditions(Duration.ofMillis(80), Duration.ZERO, 0.01));
        assertEquals(Duration.ofMillis(80), emulator.conditions(2, 3).latency());
        assertEquals(Duration.ofMillis(5), emulator.conditions(0, 1).latency());
    }

    @Test
    void aPartitionCutsLinksAcrossItAndRefusesNewOnesUntilHealed() {
        EmbeddedChannel before = dialFrom0To1();
        assertTrue(before.isActive());
        emulator.partition(List.of(Set.of(0), Set.of(1)));
        before.runPendingTasks();
        assertFalse(before.isOpen(), "the link across the partition stayed up");
        assertTrue(emulator.split(0, 1));
        assertFalse(emulator.split(0, 2), "a node in no side keeps its links");

        EmbeddedChannel during = dialFrom0To1();
        during.runPendingTasks();
        assertFalse(during.isOpen(), "a new link across the partition was allowed");

        emulator.heal();
        EmbeddedChannel after = dialFrom0To1();
        assertTrue(after.isActive());
        after.finishAndReleaseAll();
    }

    @Test
    void onlyConnectionsDialedToAKnownNodeAreShaped() {
        assertFalse(emulator.shaperFor(0).handlerFor(new InetSocketAddress("127.0.0.1", PORT_OF_1), false) instanceof LinkHandler, "the dialed side is shaped too");
        assertFalse(emulator.shaperFor(0).handlerFor(new InetSocketAddress("127.0.0.1", 9), true) instanceof LinkHandler, "an unknown address");
    }
}
