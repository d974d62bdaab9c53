package org.grapevine.gossip.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PatienceTest {
    private final Patience patience = new Patience(2_000, 16_000);

    @Test
    void withoutSamplesItIsTheMinimum() {
        assertEquals(2_000, patience.millis());
    }

    @Test
    void punctualSourcesKeepItAtTheMinimum() {
        for (int i = 0; i < 50; i++) patience.late(40);
        assertEquals(2_000, patience.millis());
    }

    @Test
    void lateSourcesRaiseItAndPunctualOnesBringItBack() {
        patience.late(3_000);
        // mean 3000, deviation 1500: 3000 + 4 × 1500
        assertEquals(9_000, patience.millis());
        for (int i = 0; i < 20; i++) patience.late(3_000);
        long settled = patience.millis();
        assertTrue(settled > 3_000 && settled < 4_000, "steady lateness of 3 s gives " + settled);
        for (int i = 0; i < 60; i++) patience.late(10);
        assertEquals(2_000, patience.millis());
    }

    @Test
    void itNeverExceedsTheMaximum() {
        for (int i = 0; i < 10; i++) patience.late(120_000);
        assertEquals(16_000, patience.millis());
    }

    @Test
    void boundsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new Patience(-1, 10));
        assertThrows(IllegalArgumentException.class, () -> new Patience(10, 5));
    }
}
