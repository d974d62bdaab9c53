package org.grapevine.testnet.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Whole scripts of the kinds test-net ships, the shipped ones themselves, and the examples in SCENARIOS.md. */
class ScenarioExamplesTest {
    static final Map<String, String> EXAMPLES = Map.of(
            "meetup.txt", """
                    # Five people at a meetup: names, follows, and a post with a photo that crosses the room.
                    nodes 5
                    topology full
                    link latency 5ms jitter 2ms

                    name 0 "alice"
                    name 1 "bob"
                    name 2 "carol"
                    name 3 "dave"
                    name 4 "erin"
                    follow 1..4 -> 0
                    follow 0 -> 1..4
                    await connected within 10s

                    say "Alice posts a photo"
                    post 0 "hello, meetup!"
                    attach 0 2MiB "group.jpg"
                    await delivered within 10s
                    await blobs
                    feeds
                    report "meetup"
                    """,
            "churn.txt", """
                    # Ten nodes; 30% of them die and come back; everyone must catch up.
                    nodes 10
                    seed 7
                    topology random 3
                    follow random 4
                    post all 3
                    await delivered within 30s
                    report "before churn"

                    kill random 3          # 30% of the network
                    post all 2             # only the nodes that are up post
                    wait 5s
                    restart all
                    await converged within 1m
                    report "after churn"
                    """,
            "partition.txt", """
                    nodes 20
                    topology ring
                    follow all -> all
                    await connected
                    partition 0..9 | 10..19
                    post 0 "from the left"
                    post 10 "from the right"
                    wait 5s
                    report "split"
                    heal
                    await converged within 1m
                    report "after heal"
                    """,
            "media.txt", """
                    # One large blob, many fetchers.
                    nodes 30
                    topology random 4
                    link latency 20ms jitter 5ms loss 0.5%
                    follow all -> 0
                    await connected
                    attach 0 16MiB "concert.mp4"
                    await delivered within 30s
                    await blobs within 3m
                    report "one blob, 29 fetchers"
                    """,
            "scale.txt", """
                    nodes 100
                    hops 2
                    seed 42
                    topology random 4
                    link latency 30ms jitter 10ms loss 1%
                    follow random 5
                    await connected within 1m
                    post all 10
                    await delivered within 5m
                    report "100 nodes"
                    """);

    @Test
    void meetup() throws ScenarioException {
        Scenario s = ScenarioParser.parse(EXAMPLES.get("meetup.txt"), "meetup.txt");
        assertEquals(5, s.nodes());
        assertEquals(Step.Topology.Kind.FULL, s.topology().kind());
        assertEquals(5, s.stepsOf(Step.Name.class).size());
        assertEquals(new Step.Attach(17, 0, 2 << 20, "group.jpg"), s.stepsOf(Step.Attach.class).get(0));
    }

    @Test
    void churn() throws ScenarioException {
        Scenario s = ScenarioParser.parse(EXAMPLES.get("churn.txt"), "churn.txt");
        assertEquals(7, s.seed());
        assertEquals(List.of(new Step.Kill(10, NodeSet.random(3))), s.stepsOf(Step.Kill.class));
        assertEquals(List.of(new Step.Restart(13, NodeSet.ALL)), s.stepsOf(Step.Restart.class));
        assertEquals(new Step.Await(14, Step.Await.What.CONVERGED, java.time.Duration.ofMinutes(1)), s.stepsOf(Step.Await.class).get(1));
    }

    @Test
    void partitionAndHeal() throws ScenarioException {
        Scenario s = ScenarioParser.parse(EXAMPLES.get("partition.txt"), "partition.txt");
        assertEquals(List.of(NodeSet.range(0, 9), NodeSet.range(10, 19)), s.stepsOf(Step.Partition.class).get(0).sides());
        assertEquals(1, s.stepsOf(Step.Heal.class).size());
    }

    @Test
    void media() throws ScenarioException {
        Scenario s = ScenarioParser.parse(EXAMPLES.get("media.txt"), "media.txt");
        assertEquals(16L << 20, s.stepsOf(Step.Attach.class).get(0).bytes());
        assertEquals(0.005, s.stepsOf(Step.Link.class).get(0).loss());
    }

    @Test
    void scale() throws ScenarioException {
        Scenario s = ScenarioParser.parse(EXAMPLES.get("scale.txt"), "scale.txt");
        assertEquals(100, s.nodes());
        assertEquals(new Step.Topology(4, Step.Topology.Kind.RANDOM, 4), s.topology());
        assertEquals(List.of(new Step.FollowRandom(6, NodeSet.ALL, 5)), s.stepsOf(Step.FollowRandom.class));
        assertEquals(List.of(new Step.Post(8, NodeSet.ALL, 10, null)), s.stepsOf(Step.Post.class));
        assertEquals(6, s.actions().size());
    }

    /** Every step written back with {@link Step#syntax()} reads as the same step (the normal form is exact). */
    @Test
    void textReadsBackToTheSameSteps() throws ScenarioException {
        for (Map.Entry<String, String> e : EXAMPLES.entrySet()) {
            Scenario s = ScenarioParser.parse(e.getValue(), e.getKey());
            String written = s.steps().stream().map(Step::syntax).collect(Collectors.joining("\n"));
            Scenario again = ScenarioParser.parse(written, e.getKey());
            assertEquals(s.steps().size(), again.steps().size());
            for (int i = 0; i < s.steps().size(); i++) {
                Step before = s.steps().get(i);
                Step after = again.steps().get(i);
                assertEquals(before.getClass(), after.getClass(), e.getKey());
                assertEquals(before.syntax(), after.syntax(), e.getKey());
            }
        }
    }

    /** Scripts shipped in test-net/scenarios must keep parsing as the language changes. */
    @Test
    void shippedScenariosParse() throws IOException {
        Path dir = Path.of("scenarios");
        Assumptions.assumeTrue(Files.isDirectory(dir), "no scenarios directory");
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        Assumptions.assumeFalse(files.isEmpty(), "no scenarios shipped yet");
        List<String> failures = new ArrayList<>();
        for (Path file : files) {
            try {
                ScenarioParser.parse(file);
            } catch (ScenarioException e) {
                failures.add(e.getMessage());
            }
        }
        assertEquals(List.of(), failures);
    }

    /** Every ```scenario block in SCENARIOS.md is a whole script that parses. */
    @Test
    void referenceExamplesParse() throws IOException {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (String line : Files.readAllLines(Path.of("SCENARIOS.md"))) {
            if (block == null && line.strip().equals("```scenario")) {
                block = new StringBuilder();
            } else if (block != null && line.strip().equals("```")) {
                blocks.add(block.toString());
                block = null;
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        assertFalse(blocks.isEmpty());
        for (int i = 0; i < blocks.size(); i++) {
            try {
                ScenarioParser.parse(blocks.get(i), "SCENARIOS.md block " + (i + 1));
            } catch (ScenarioException e) {
                throw new AssertionError(e.getMessage(), e);
            }
        }
        assertTrue(blocks.size() >= 3, "the reference shows a few whole scripts");
    }
}
