package org.grapevine.testnet.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeSetTest {
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "all;all",
        "ALL;all",
        "4;4",
        "0..9;0..9",
        "3..3;3",
        "'1,3,5..7';'1,3,5..7'",
        "'1, 3 ,5..7';'1,3,5..7'",
        "random 5;random 5",
        "Random 5;random 5"})
    void parsesAndWritesBack(String text, String written) {
        NodeSet set = NodeSet.parse(text);
        assertEquals(written, set.toString());
        assertEquals(set, NodeSet.parse(written));
    }

    @Test
    void parsesToRecords() {
        assertEquals(NodeSet.ALL, NodeSet.parse("all"));
        assertEquals(NodeSet.of(4), NodeSet.parse("4"));
        assertEquals(NodeSet.range(0, 9), NodeSet.parse("0..9"));
        assertEquals(new NodeSet.Fixed(List.of(new NodeSet.Range(1, 1), new NodeSet.Range(5, 7))), NodeSet.parse("1,5..7"));
        assertEquals(NodeSet.random(5), NodeSet.parse("random 5"));
    }

    @Test
    void badText() {
        assertEquals("missing a node set", assertThrows(IllegalArgumentException.class, () -> NodeSet.parse("")).getMessage());
        assertEquals("the range 9..0 runs backwards; write 0..9",
                assertThrows(IllegalArgumentException.class, () -> NodeSet.parse("9..0")).getMessage());
        assertEquals("unexpected '3' after '1,2'", assertThrows(IllegalArgumentException.class, () -> NodeSet.parse("1,2 3")).getMessage());
        assertEquals("'x' is not a node set (all, 3, 0..9, 1,3,5..7 or random 5)",
                assertThrows(IllegalArgumentException.class, () -> NodeSet.parse("x")).getMessage());
    }

    @Test
    void fixedSetsResolveSortedAndDistinct() {
        assertEquals(List.of(1, 2, 3, 5, 7, 8), NodeSet.parse("7..8,1..3,2,5").resolve(10, null));
        assertEquals(List.of(0, 1, 2, 3), NodeSet.ALL.resolve(4, null));
        assertEquals(List.of(9), NodeSet.of(9).resolve(10, null));
        assertEquals("node 10 is out of range (the network has 10 nodes)",
                assertThrows(IllegalArgumentException.class, () -> NodeSet.parse("3,10").resolve(10, null)).getMessage());
        assertFalse(NodeSet.ALL.isRandom());
        assertFalse(NodeSet.of(1).isRandom());
        assertTrue(NodeSet.random(1).isRandom());
    }

    @Test
    void randomSetsAreDeterministicForASeededGenerator() {
        NodeSet set = NodeSet.parse("random 5");
        List<Integer> first = set.resolve(100, new SplittableRandom(42));
        assertEquals(first, set.resolve(100, new SplittableRandom(42)));
        assertEquals(5, first.size());
        assertEquals(5, new HashSet<>(first).size());
        assertEquals(first.stream().sorted().toList(), first);
        assertTrue(first.stream().allMatch(n -> n >= 0 && n < 100));

        Set<List<Integer>> draws = new HashSet<>();
        for (long seed = 0; seed < 10; seed++) draws.add(set.resolve(100, new SplittableRandom(seed)));
        assertTrue(draws.size() > 1, "different seeds draw different nodes");
    }

    @Test
    void randomDrawsAreRoughlyUniform() {
        RandomGenerator random = new SplittableRandom(7);
        int[] hits = new int[10];
        for (int i = 0; i < 10_000; i++) {
            for (int n : NodeSet.random(3).resolve(10, random)) hits[n]++;
        }
        // Each node is drawn 3000 times on average; 10% either way is over ten standard deviations.
        for (int h : hits) assertTrue(h > 2700 && h < 3300, "hits " + h);
    }

    @Test
    void randomAsksForNoMoreThanThereAre() {
        assertEquals(List.of(0, 1, 2), NodeSet.random(3).resolve(3, new SplittableRandom(1)));
        assertEquals("random 4 needs 4 nodes to draw from, there are 3",
                assertThrows(IllegalArgumentException.class, () -> NodeSet.random(4).resolve(3, new SplittableRandom(1))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> NodeSet.random(0));
    }

    @Test
    void resolvesAmongCandidates() {
        List<Integer> up = List.of(9, 2, 4, 6);
        assertEquals(List.of(2, 4, 6, 9), NodeSet.ALL.resolveAmong(up, null));
        assertEquals(List.of(4, 6), NodeSet.parse("3..6").resolveAmong(up, null));
        List<Integer> drawn = NodeSet.random(2).resolveAmong(up, new SplittableRandom(3));
        assertEquals(2, drawn.size());
        assertTrue(up.containsAll(drawn));
        assertEquals(drawn, NodeSet.random(2).resolveAmong(List.of(2, 4, 6, 9), new SplittableRandom(3)), "candidate order does not matter");
        assertThrows(IllegalArgumentException.class, () -> NodeSet.random(5).resolveAmong(up, new SplittableRandom(3)));
    }

    @Test
    void aRandomSetLargerThanTheScenarioFailsAtParseTime() {
        String message = assertThrows(ScenarioException.class, () -> ScenarioParser.parse("nodes 4\nkill random 5", "t.txt")).getMessage();
        assertEquals("t.txt:2: random 5 asks for more nodes than the scenario has (4)", message);
    }

    @Test
    void recordsRefuseNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new NodeSet.Range(-1, 3));
        assertThrows(IllegalArgumentException.class, () -> new NodeSet.Range(4, 3));
        assertThrows(IllegalArgumentException.class, () -> new NodeSet.Fixed(List.of()));
        assertNotEquals(NodeSet.parse("1,2"), NodeSet.parse("1..2"), "sets compare as written");
        assertEquals(2, ((NodeSet.Fixed) NodeSet.parse("2,0..1")).highest());
    }
}
