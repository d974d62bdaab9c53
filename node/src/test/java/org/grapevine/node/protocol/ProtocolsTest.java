package org.grapevine.node.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.grapevine.gossip.transport.PeerChannel;
import org.grapevine.gossip.wire.MessageType;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;
import org.junit.jupiter.api.Test;

/** Each message type goes to the one protocol that claimed it, and a run ends with a flush. */
class ProtocolsTest {
    private final List<String> log = new ArrayList<>();

    /** Writes down what it is handed, and keeps each run's done callbacks until its flush, as replication does. */
    private class Recording implements Protocol {
        private final String name;
        private final Set<MessageType> types;
        private final List<Runnable> held = new ArrayList<>();

        Recording(String name, MessageType... types) {
            this.name = name;
            this.types = Set.of(types);
        }

        @Override
        public Set<MessageType> types() {
            return types;
        }

        @Override
        public void received(PeerChannel peer, WireMessage message, Runnable done) {
            log.add(name + " " + message.type());
            held.add(done);
        }

        @Override
        public void flush() {
            log.add(name + " flush");
            held.forEach(Runnable::run);
            held.clear();
        }
    }

    private static AuthorId author(int n) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) n);
        return new AuthorId(key);
    }

    @Test
    void aRunOfMessagesForOneProtocolIsFlushedWhenAnotherProtocolsMessageComes() {
        Protocols protocols = new Protocols()
                .add(new Recording("addresses", MessageType.LOCATE, MessageType.PEERS))
                .add(new Recording("blobs", MessageType.BLOB_CANCEL));
        int[] done = new int[1];
        Runnable count = () -> done[0]++;
        protocols.received(null, new WireMessage.Locate(author(1)), count);
        protocols.received(null, new WireMessage.Peers(List.of()), count);
        assertEquals(0, done[0], "held until the run ends");
        protocols.received(null, new WireMessage.BlobCancel(new org.grapevine.identity.BlobId(new byte[32])), count);
        assertEquals(2, done[0]);
        protocols.received(null, new WireMessage.Ping(1), count);
        assertEquals(3, done[0], "a type nobody handles is done at once (and ends no run)");
        protocols.flush();
        assertEquals(4, done[0]);
        protocols.flush();
        assertEquals(List.of("addresses LOCATE", "addresses PEERS", "addresses flush", "blobs BLOB_CANCEL", "blobs flush"), log);
        assertTrue(protocols.handles(MessageType.PEERS));
        assertFalse(protocols.handles(MessageType.CLOCK));
    }

    @Test
    void aRunWhoseFlushFailsStillHandsTheNextMessageOver() {
        Recording failing = new Recording("replication", MessageType.LOCATE) {
            @Override
            public void flush() {
                throw new IllegalStateException("the store failed");
            }
        };
        Recording blobs = new Recording("blobs", MessageType.BLOB_CANCEL);
        Protocols protocols = new Protocols().add(failing).add(blobs);
        int[] done = new int[1];
        protocols.received(null, new WireMessage.Locate(author(1)), () -> done[0]++);
        assertThrows(IllegalStateException.class,
                () -> protocols.received(null, new WireMessage.BlobCancel(new org.grapevine.identity.BlobId(new byte[32])), () -> done[0]++));
        protocols.flush();
        assertEquals(1, done[0], "the blob message was handed over and its run flushed; its bytes count as handled");
    }

    @Test
    void twoProtocolsCannotClaimOneType() {
        Protocols protocols = new Protocols().add(new Recording("one", MessageType.LOCATE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> protocols.add(new Recording("two", MessageType.PEERS, MessageType.LOCATE)));
        assertTrue(e.getMessage().contains("LOCATE"), e.getMessage());
        assertFalse(protocols.handles(MessageType.PEERS), "nothing of a refused protocol is kept");
    }

    @Test
    void anExtensionGoesToTheProtocolThatClaimsItsByteAndOneNobodyClaimsIsIgnored() {
        Recording echo = new Recording("echo") {
            @Override
            public Set<Integer> extensionTypes() {
                return Set.of(200);
            }

            @Override
            public Set<String> capabilities() {
                return Set.of("echo/1");
            }
        };
        Protocols protocols = new Protocols().add(echo);
        int[] done = new int[1];
        protocols.received(null, new WireMessage.Extension(201, new byte[] {1}), () -> done[0]++);
        assertEquals(1, done[0], "a byte nobody claims is ignored");
        protocols.received(null, new WireMessage.Extension(200, new byte[] {1}), () -> done[0]++);
        protocols.flush();
        assertEquals(List.of("echo EXTENSION", "echo flush"), log);
        assertEquals(2, done[0]);
        assertEquals(Set.of("echo/1"), protocols.capabilities());

        Recording greedy = new Recording("greedy") {
            @Override
            public Set<Integer> extensionTypes() {
                return Set.of(15);
            }
        };
        assertThrows(IllegalArgumentException.class, () -> protocols.add(greedy), "the base protocol's bytes are not an extension's");
        Recording twin = new Recording("twin") {
            @Override
            public Set<Integer> extensionTypes() {
                return Set.of(200);
            }
        };
        assertThrows(IllegalArgumentException.class, () -> protocols.add(twin), "one byte, one protocol");
    }
}
