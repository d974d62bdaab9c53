package org.grapevine.gossip.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The type bytes of docs/PROTOCOL.md, both ways. */
class MessageTypeTest {
    @Test
    void everyTypeHasItsByteAndEveryOtherByteIsUnknown() {
        String[] names = {null, "CLOCK", "ENTRIES", "CAUGHT_UP", "PEERS", "PING", "PONG", "GOODBYE", "BLOB_WANT", "BLOB_HAVE",
            "BLOB_GET", "BLOB_CHUNK", "BLOB_CANCEL", "LOCATE", "ROUTES", "FORK_PROOF"};
        for (int b = -1; b <= 256; b++) {
            MessageType t = MessageType.forByte(b);
            if (b >= 1 && b < names.length) {
                assertEquals(names[b], t.name());
                assertEquals(b, t.code());
            } else {
                assertNull(t, "byte " + b);
            }
        }
    }
}
