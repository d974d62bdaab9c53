package org.grapevine.gossip.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.Set;
import org.grapevine.gossip.transport.NetworkKey;
import org.junit.jupiter.api.Test;

/** What needs no multicast; {@link LanDiscoveryIT} runs real jmDNS. */
class LanDiscoveryTest {

    @Test
    void instanceNamesAreRandomBase32() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String name = LanDiscovery.randomName();
            assertTrue(name.matches("gv-[a-z2-7]{12}"), name);
            names.add(name);
        }
        assertEquals(1000, names.size());
    }

    @Test
    void aPortOutOfRangeIsRefusedBeforeAnythingStarts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LanDiscovery.start(
                InetAddress.getLoopbackAddress(), 0, NetworkKey.defaultNetwork(), address -> { }));
        assertEquals("port 0 out of range", e.getMessage());
    }
}
