package org.grapevine.testnet.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.grapevine.gossip.discovery.PeerAddress;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.blob.BlobHasher;
import org.grapevine.testnet.link.LinkEmulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanTest {
    @TempDir
    Path dir;

    @Test
    void aPlanWrittenReadsBackAsTheSameLinksPartitionDialsAndBlobs() throws Exception {
        AuthorId bob = Identity.generate(new SecureRandom()).id();
        Plan plan = new Plan();
        plan.node(0, new PeerAddress("127.0.0.1", 40001, null));
        plan.node(1, new PeerAddress("10.79.0.2", 7733, null));
        plan.setAll(new LinkEmulator.Conditions(Duration.ofMillis(30), Duration.ofMillis(5), 0.01));
        plan.set(Set.of(1), new LinkEmulator.Conditions(Duration.ofMillis(200), Duration.ZERO, 0));
        plan.partition(List.of(Set.of(0), Set.of(1)));
        plan.dial(0, new PeerAddress("10.79.0.2", 7733, bob));
        plan.watch(BlobHasher.of(new byte[] {1, 2, 3}));
        Path file = dir.resolve("plan.txt");
        plan.write(file);

        Plan read = Plan.parse(Files.readString(file, StandardCharsets.UTF_8));
        LinkEmulator links = new LinkEmulator();
        read.applyTo(links);
        assertEquals(Duration.ofMillis(200), links.conditions(0, 1).latency());
        assertEquals(0.01, links.conditions(0, 0).loss(), 1e-9);
        assertTrue(links.split(0, 1));
        assertEquals(List.of(0), read.dials.stream().map(d -> d.getKey()).toList());
        assertEquals(bob, read.dials.get(0).getValue().expected());
        assertEquals(plan.watched, read.watched);
    }

    @Test
    void anythingNotAsWrittenIsRefusedNamingTheLine() {
        assertThrows(IllegalArgumentException.class, () -> Plan.parse("something else\n"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Plan.parse(Plan.HEADER + "\nall 10 0 0\nset -1 10 0 0\n"));
        assertTrue(e.getMessage().startsWith("plan line 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Plan.parse(Plan.HEADER + "\nall 10 0 1.5\n"));
        assertThrows(IllegalArgumentException.class, () -> Plan.parse(Plan.HEADER + "\ndial 0 nowhere\n"));
        assertThrows(IllegalArgumentException.class, () -> Plan.parse(Plan.HEADER + "\nnode 0 127.0.0.1 99999\n"));
    }
}
