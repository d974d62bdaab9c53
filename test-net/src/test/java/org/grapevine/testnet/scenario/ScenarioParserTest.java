package org.grapevine.testnet.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.grapevine.testnet.scenario.Step.Await.What;
import org.grapevine.testnet.scenario.Step.Topology.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScenarioParserTest {
    private static final NodeSet ALL = NodeSet.ALL;

    /** The step on line 2 of a ten-node script. */
    private static Step step(String line) throws ScenarioException {
        return ScenarioParser.parse("nodes 10\n" + line, "t.txt").steps().get(1);
    }

    /** The message of a script that must fail, named t.txt. */
    private static String error(String script) {
        return assertThrows(ScenarioException.class, () -> ScenarioParser.parse(script, "t.txt")).getMessage();
    }

    /** The message for a bad line 2 of a ten-node script. */
    private static String errorAt2(String line) {
        return error("nodes 10\n" + line);
    }

    private static NodeSet set(String text) {
        return NodeSet.parse(text);
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    // Every step

    @Test
    void setUpSteps() throws ScenarioException {
        Scenario s = ScenarioParser.parse("nodes 10\nhops 3\nseed -42\ntopology random 4\n", "t.txt");
        assertEquals(List.of(new Step.Nodes(1, 10), new Step.Hops(2, 3), new Step.Seed(3, -42), new Step.Topology(4, Kind.RANDOM, 4)),
                s.steps());
        assertEquals(10, s.nodes());
        assertEquals(3, s.hops());
        assertEquals(-42, s.seed());
        assertEquals(new Step.Topology(4, Kind.RANDOM, 4), s.topology());
        assertEquals("t.txt", s.source());
        assertEquals(List.of(), s.actions());
    }

    @Test
    void setUpDefaults() throws ScenarioException {
        Scenario s = ScenarioParser.parse("nodes 1", "t.txt");
        assertEquals(2, s.hops());
        assertEquals(Step.Seed.DEFAULT, s.seed());
        assertEquals(new Step.Topology(0, Kind.FULL, 0), s.topology());
    }

    @ParameterizedTest
    @CsvSource({"chain,CHAIN", "ring,RING", "star,STAR", "full,FULL", "RING,RING"})
    void topologies(String word, Kind kind) throws ScenarioException {
        assertEquals(new Step.Topology(2, kind, 0), step("topology " + word));
    }

    @Test
    void links() throws ScenarioException {
        assertEquals(new Step.Link(2, ALL, ms(30), ms(5), 0.01), step("link latency 30ms jitter 5ms loss 1%"));
        assertEquals(new Step.Link(2, set("0..4"), ms(80), Duration.ZERO, 0), step("link 0..4 latency 80ms"));
        assertEquals(new Step.Link(2, set("3"), Duration.ZERO, ms(1500), 0.005), step("link 3 loss 0.5% jitter 1.5s"));
        assertEquals(new Step.Link(2, ALL, Duration.ZERO, Duration.ZERO, 1.0), step("link loss 100%"));
        assertEquals(new Step.Link(2, set("random 2"), ms(120_000), Duration.ZERO, 0), step("link random 2 latency 2m"));
    }

    @Test
    void follows() throws ScenarioException {
        assertEquals(new Step.Follow(2, ALL, set("0")), step("follow all -> 0"));
        assertEquals(new Step.Follow(2, set("1..4"), set("0,7")), step("follow 1..4 -> 0,7"));
        assertEquals(new Step.Follow(2, ALL, ALL), step("follow all -> all"));
        assertEquals(new Step.Follow(2, set("1..4"), set("0")), step("follow 1..4->0"));
        assertEquals(new Step.Follow(2, set("random 3"), set("0")), step("follow random 3 -> 0"));
        assertEquals(new Step.FollowRandom(2, ALL, 5), step("follow random 5"));
        assertEquals(new Step.FollowRandom(2, set("0..9"), 3), step("follow 0..9 random 3"));
        assertEquals(new Step.FollowRandom(2, set("random 4"), 2), step("follow random 4 random 2"));
    }

    @Test
    void posts() throws ScenarioException {
        assertEquals(new Step.Post(2, set("0"), 1, "hello"), step("post 0 \"hello\""));
        assertEquals(new Step.Post(2, ALL, 10, null), step("post all 10"));
        assertEquals(new Step.Post(2, set("1,3"), 3, "again"), step("post 1, 3 3 \"again\""));
        assertEquals(new Step.Post(2, set("5"), 1, null), step("post 5"));
    }

    @Test
    void attachments() throws ScenarioException {
        assertEquals(new Step.Attach(2, 3, 64L << 20, null), step("attach 3 64MiB"));
        assertEquals(new Step.Attach(2, 3, 2L << 20, "wedding.jpg"), step("attach 3 2MiB \"wedding.jpg\""));
    }

    @ParameterizedTest
    @CsvSource({"0B,0", "512B,512", "1KiB,1024", "3MiB,3145728", "2GiB,2147483648", "1KB,1000", "5MB,5000000", "2GB,2000000000",
            "1.5MiB,1572864", "1.5B,1", "2mib,2097152", "7gb,7000000000"})
    void sizes(String written, long bytes) {
        if (bytes > Step.Attach.MAX_BYTES) {
            assertEquals("t.txt:2: the size " + written + " is larger than 2GiB", errorAt2("attach 0 " + written));
        } else {
            assertEquals(bytes, assertStep("attach 0 " + written, Step.Attach.class).bytes());
        }
    }

    @Test
    void awaits() throws ScenarioException {
        assertEquals(new Step.Await(2, What.DELIVERED, ms(10_000)), step("await delivered within 10s"));
        assertEquals(new Step.Await(2, What.BLOBS, Duration.ofSeconds(30)), step("await blobs"));
        assertEquals(new Step.Await(2, What.CONNECTED, ms(500)), step("await connected within 500ms"));
        assertEquals(new Step.Await(2, What.CONVERGED, Duration.ofMinutes(2)), step("await converged within 2m"));
    }

    @ParameterizedTest
    @CsvSource({"2s,2000", "1.5s,1500", "2m,120000", "30ms,30", "0.5m,30000", "1440m,86400000", "2S,2000", "10MS,10"})
    void durations(String written, long millis) throws ScenarioException {
        assertEquals(new Step.Wait(2, ms(millis)), step("wait " + written));
    }

    @Test
    void faults() throws ScenarioException {
        List<Step> steps = ScenarioParser.parse("""
                nodes 20
                kill 3,5..7
                restart 3
                kill random 2
                restart all
                partition 0..9 | 10..19
                heal
                partition 0 | 1 | 2..4,9
                """, "t.txt").steps();
        assertEquals(List.of(
                new Step.Kill(2, set("3,5..7")),
                new Step.Restart(3, set("3")),
                new Step.Kill(4, set("random 2")),
                new Step.Restart(5, ALL),
                new Step.Partition(6, List.of(set("0..9"), set("10..19"))),
                new Step.Heal(7),
                new Step.Partition(8, List.of(set("0"), set("1"), set("2..4,9")))), steps.subList(1, steps.size()));
    }

    @Test
    void narration() throws ScenarioException {
        assertEquals(new Step.Report(2, null), step("report"));
        assertEquals(new Step.Report(2, "after heal"), step("report \"after heal\""));
        assertEquals(new Step.Feeds(2, ALL), step("feeds"));
        assertEquals(new Step.Feeds(2, set("0..2")), step("feeds 0..2"));
        assertEquals(new Step.Say(2, "Alice posts a photo"), step("say \"Alice posts a photo\""));
        assertEquals(new Step.Name(2, 0, "alice"), step("name 0 \"alice\""));
    }

    @Test
    void keywordsIgnoreCase() throws ScenarioException {
        Scenario s = ScenarioParser.parse("NODES 10\nFollow ALL -> 0\nAwait Delivered WITHIN 10S\nfollow Random 2\nPost 1 \"Hi\"",
                "t.txt");
        assertEquals(List.of(new Step.Nodes(1, 10), new Step.Follow(2, ALL, set("0")), new Step.Await(3, What.DELIVERED, ms(10_000)),
                new Step.FollowRandom(4, ALL, 2), new Step.Post(5, set("1"), 1, "Hi")), s.steps());
    }

    @Test
    void commentsAndBlankLinesKeepLineNumbers() throws ScenarioException {
        Scenario s = ScenarioParser.parse("""
                # a comment
                nodes 3   # three nodes

                \t
                say "a # is text in quotes" # but a comment here
                wait 1s#no space needed
                """, "t.txt");
        assertEquals(List.of(new Step.Nodes(2, 3), new Step.Say(5, "a # is text in quotes"), new Step.Wait(6, ms(1000))), s.steps());
    }

    @Test
    void stringEscapes() throws ScenarioException {
        assertEquals(new Step.Say(2, "she said \"hi\" \\o/"), step("say \"she said \\\"hi\\\" \\\\o/\""));
        assertEquals(new Step.Name(2, 1, "zoë 🌱"), step("name 1 \"zoë 🌱\""));
    }

    @Test
    void windowsLineEndingsAndByteOrderMark() throws ScenarioException {
        Scenario s = ScenarioParser.parse("\uFEFFnodes 2\r\nwait 1s\r\n", "t.txt");
        assertEquals(List.of(new Step.Nodes(1, 2), new Step.Wait(2, ms(1000))), s.steps());
    }

    @Test
    void convenienceAccessors() throws ScenarioException {
        Scenario s = ScenarioParser.parse("nodes 4\nseed 9\nattach 0 1MiB\nwait 1s\nattach 1 2MiB", "t.txt");
        assertEquals(List.of(new Step.Attach(3, 0, 1 << 20, null), new Step.Attach(5, 1, 2 << 20, null)), s.stepsOf(Step.Attach.class));
        assertEquals(3, s.actions().size());
        assertEquals(9, s.seed());
    }

    // Errors: each names the line and the problem

    @Test
    void outOfRange() {
        assertEquals("churn.txt:7: node 12 is out of range (the scenario has 10 nodes)",
                assertThrows(ScenarioException.class, () -> ScenarioParser.parse("nodes 10\n\n\n\n\n\nkill 3,12", "churn.txt")).getMessage());
        assertEquals("t.txt:2: node 10 is out of range (the scenario has 10 nodes)", errorAt2("follow 0..10 -> 1"));
        assertEquals("t.txt:2: node 10 is out of range (the scenario has 10 nodes)", errorAt2("attach 10 1MiB"));
        assertEquals("t.txt:2: node 1 is out of range (the scenario has 1 node)", error("nodes 1\nname 1 \"bob\""));
        assertEquals("t.txt:2: random 11 asks for more nodes than the scenario has (10)", errorAt2("post random 11 2"));
        assertEquals("t.txt:2: follow random 10 is more than the 9 others a node can follow (10 nodes)", errorAt2("follow random 10"));
        assertEquals("t.txt:2: topology random 10 is more than the 9 others each node can know (10 nodes)", errorAt2("topology random 10"));
    }

    @Test
    void nodesComesFirstAndOnce() {
        assertEquals("t.txt:1: the scenario is empty; it starts with 'nodes N' (e.g. nodes 10)", error("# nothing\n"));
        assertEquals("t.txt:1: the scenario is empty; it starts with 'nodes N' (e.g. nodes 10)", error(""));
        assertEquals("t.txt:2: the scenario must start with 'nodes N' (e.g. nodes 10)", error("\nwait 1s\n"));
        assertEquals("t.txt:2: nodes must be the first step", error("seed 3\nnodes 4"));
        assertEquals("t.txt:3: nodes is given twice (first on line 1)", error("nodes 4\nwait 1s\nnodes 5"));
        assertEquals("t.txt:1: the node count must be between 1 and 1000, not 0", error("nodes 0"));
        assertEquals("t.txt:1: the node count must be between 1 and 1000, not 1001", error("nodes 1001"));
        assertEquals("t.txt:1: the node count must be a whole number, not 'ten'", error("nodes ten"));
        assertEquals("t.txt:1: nodes needs a node count (e.g. nodes 10)", error("nodes"));
    }

    @Test
    void setUpBeforeActionsAndOnce() {
        assertEquals("t.txt:3: topology must come before the first action ('wait 1s' on line 2)", errorAt2("wait 1s\ntopology ring"));
        assertEquals("t.txt:3: seed is given twice (first on line 2)", errorAt2("seed 1\nseed 2"));
        assertEquals("t.txt:2: the hop count must be between 1 and 4, not 5", errorAt2("hops 5"));
        assertEquals("t.txt:2: the seed must be a whole number, not '1.5'", errorAt2("seed 1.5"));
        assertEquals("t.txt:2: the seed 99999999999999999999 does not fit in 64 bits", errorAt2("seed 99999999999999999999"));
    }

    @Test
    void partitionAndHeal() {
        assertEquals("t.txt:2: heal without an earlier partition", errorAt2("heal"));
        assertEquals("t.txt:5: no partition to heal (the one on line 3 was healed on line 4)",
                errorAt2("wait 1s\npartition 0 | 1\nheal\nheal"));
        assertEquals("t.txt:3: a partition is already in force (line 2); heal it first", errorAt2("partition 0 | 1\npartition 2 | 3"));
        assertEquals("t.txt:2: node 4 is on two sides of the partition (1 and 3)", errorAt2("partition 0..4 | 5 | 4,6"));
        assertEquals("t.txt:2: partition needs two or more sides separated by '|' (e.g. partition 0..4 | 5..9)", errorAt2("partition 0..4"));
        assertEquals("t.txt:2: a side of a partition is a list of nodes and ranges, not 'all'", errorAt2("partition all | 3"));
        assertEquals("t.txt:2: a side of a partition is a list of nodes and ranges, not 'random 3'", errorAt2("partition 0 | random 3"));
        assertEquals("t.txt:2: partition 0 | needs the nodes of a side after '|' (e.g. partition 0..4 | 5..9)", errorAt2("partition 0 |"));
    }

    @Test
    void killAndRestart() {
        assertEquals("t.txt:2: node 4 was never killed", errorAt2("restart 4"));
        assertEquals("t.txt:4: node 4 is already up (restarted on line 3)", errorAt2("kill 4\nrestart 4\nrestart 4"));
        assertEquals("t.txt:3: node 5 is already down (killed on line 2)", errorAt2("kill 4..5\nkill 5"));
        assertEquals("t.txt:2: no node is down here to restart", errorAt2("restart all"));
        assertEquals("t.txt:2: restart cannot pick nodes at random: name them, or write 'restart all' for every node that is down",
                errorAt2("restart random 2"));
        assertEquals("t.txt:3: kill random 3 asks for more nodes than can be up here (2)", errorAt2("kill 0..7\nkill random 3"));
        assertEquals("t.txt:3: every node is already down", errorAt2("kill all\nkill all"));
        assertEquals("t.txt:3: node 3 is down (killed on line 2) and cannot post", errorAt2("kill 3\npost 1..3 \"x\""));
        assertEquals("t.txt:3: every node is down here; none can follow", errorAt2("kill all\nfollow all -> 0"));
        assertEquals("t.txt:3: node 2 is down (killed on line 2) and cannot attach", errorAt2("kill 2\nattach 2 1MiB"));
    }

    @Test
    void faultsAfterRandomKillsAreNotGuessed() throws ScenarioException {
        // Any node may be among the random three, so restarting a named one is allowed, as is posting from one.
        Scenario s = ScenarioParser.parse("nodes 10\nkill random 3\npost 4 \"x\"\nrestart 4\nrestart all\n", "t.txt");
        assertEquals(5, s.steps().size());
        assertEquals("t.txt:4: node 4 is already up (restarted on line 3)", error("nodes 10\nkill random 3\nrestart 4\nrestart 4"));
    }

    @Test
    void percentages() {
        assertEquals("t.txt:2: the loss 101% is over 100%", errorAt2("link loss 101%"));
        assertEquals("t.txt:2: the loss must be a percentage like 1% or 0.5%, not '5'", errorAt2("link loss 5"));
        assertEquals("t.txt:2: the loss must be a percentage like 1% or 0.5%, not '-1%'", errorAt2("link loss -1%"));
        assertEquals("t.txt:2: link loss needs a percentage after 'loss' (e.g. link 0..4 latency 80ms jitter 5ms loss 1%)",
                errorAt2("link loss"));
    }

    @Test
    void durationErrors() {
        assertEquals("t.txt:2: the duration '30' has no unit: write 30ms, 30s or 30m", errorAt2("wait 30"));
        assertEquals("t.txt:2: the time limit '10' has no unit: write 10ms, 10s or 10m", errorAt2("await delivered within 10"));
        assertEquals("t.txt:2: the latency '30' has no unit: write 30ms, 30s or 30m", errorAt2("link latency 30"));
        assertEquals("t.txt:2: the duration must be more than zero", errorAt2("wait 0s"));
        assertEquals("t.txt:2: the time limit must be more than zero", errorAt2("await blobs within 0ms"));
        assertEquals("t.txt:2: the duration '2h' has an unknown unit 'h' (use ms, s or m)", errorAt2("wait 2h"));
        assertEquals("t.txt:2: write 30ms without a space", errorAt2("wait 30 ms"));
        assertEquals("t.txt:2: the duration 0.5ms is not a whole number of milliseconds", errorAt2("wait 0.5ms"));
        assertEquals("t.txt:2: the duration 1441m is longer than 24 hours", errorAt2("wait 1441m"));
        assertEquals("t.txt:2: the duration must be a number with a unit like 30ms, 1.5s or 2m, not 'soon'", errorAt2("wait soon"));
        assertEquals("t.txt:2: wait needs a duration (e.g. wait 2s)", errorAt2("wait"));
    }

    @Test
    void sizeErrors() {
        assertEquals("t.txt:2: the size '64' has no unit: write 64B, 64KiB, 64MiB or 64GiB", errorAt2("attach 3 64"));
        assertEquals("t.txt:2: the size '2TiB' has an unknown unit 'TiB' (use B, KiB, MiB, GiB, or KB, MB, GB for powers of 1000)",
                errorAt2("attach 3 2TiB"));
        assertEquals("t.txt:2: the size 3GiB is larger than 2GiB", errorAt2("attach 3 3GiB"));
        assertEquals("t.txt:2: write 64MiB without a space", errorAt2("attach 3 64 MiB"));
        assertEquals("t.txt:2: attach takes one node number, not 'all'", errorAt2("attach all 1MiB"));
        assertEquals("t.txt:2: attach takes one node number, not a list", errorAt2("attach 1,2 1MiB"));
        assertEquals("t.txt:2: the file name goes in double quotes: \"photo.jpg\"", errorAt2("attach 1 1MiB photo.jpg"));
    }

    @Test
    void unknownWordsGetSuggestions() {
        assertEquals("t.txt:2: unknown step 'partiton'; did you mean 'partition'?", errorAt2("partiton 0 | 1"));
        assertEquals("t.txt:2: unknown step 'folow'; did you mean 'follow'?", errorAt2("folow all -> 0"));
        assertEquals("t.txt:2: unknown step 'Wiat'; did you mean 'wait'?", errorAt2("Wiat 2s"));
        assertEquals("t.txt:2: unknown step 'explode' (one of nodes, hops, seed, topology, link, follow, post, attach, channel, dm, await, wait, "
                + "kill, restart, partition, heal, report, feeds, say, name)", errorAt2("explode 3"));
        assertEquals("t.txt:2: unknown topology 'rign'; did you mean 'ring'?", errorAt2("topology rign"));
        assertEquals("t.txt:2: unknown topology 'mesh' (one of chain, ring, star, full, random)", errorAt2("topology mesh"));
        assertEquals("t.txt:2: unknown condition 'deliverd'; did you mean 'delivered'?", errorAt2("await deliverd"));
        assertEquals("t.txt:2: unknown link setting 'latncy'; did you mean 'latency'?", errorAt2("link latncy 30ms"));
        assertEquals("t.txt:2: unknown link setting '30ms' (one of latency, jitter, loss)", errorAt2("link latency 30ms 30ms"));
        assertEquals("t.txt:2: a step starts with its name, not '\"hello\"'", errorAt2("\"hello\""));
    }

    @Test
    void trailingGarbage() {
        assertEquals("t.txt:2: unexpected 'now' after 'wait 2s'", errorAt2("wait 2s now"));
        assertEquals("t.txt:3: unexpected 'please' after 'heal'", error("nodes 2\npartition 0 | 1\nheal please"));
        assertEquals("t.txt:2: unexpected '\"again\"' after 'say \"hi\"'", errorAt2("say \"hi\" \"again\""));
        assertEquals("t.txt:2: unexpected 'x' after 'follow all -> 0'", errorAt2("follow all -> 0 x"));
        assertEquals("t.txt:2: unexpected '0' after 'follow all'; expected '->' or 'random'", errorAt2("follow all 0"));
        assertEquals("t.txt:2: follow all needs '->' and the nodes to follow, or 'random K' (e.g. follow 1..4 -> 0, or follow random 5)",
                errorAt2("follow all"));
        assertEquals("t.txt:2: unexpected 'hello': a post's text goes in double quotes", errorAt2("post 0 hello"));
        assertEquals("t.txt:2: unexpected '2' after 'topology ring'", errorAt2("topology ring 2"));
        assertEquals("t.txt:2: latency is given twice", errorAt2("link latency 1ms latency 2ms"));
    }

    @Test
    void strings() {
        assertEquals("t.txt:2: unterminated string (no closing \")", errorAt2("say \"hello"));
        assertEquals("t.txt:2: unterminated string (no closing \")", errorAt2("say \"hello\\\""));
        assertEquals("t.txt:2: unknown escape '\\n' in a string (only \\\" and \\\\ are allowed)", errorAt2("say \"a\\nb\""));
        assertEquals("t.txt:2: the text is empty", errorAt2("say \"\""));
        assertEquals("t.txt:2: the text goes in double quotes: \"hello\"", errorAt2("say hello"));
        assertEquals("t.txt:2: the name is 65 bytes long, more than the 64 allowed", errorAt2("name 0 \"" + "a".repeat(65) + "\""));
        assertEquals("t.txt:2: name 0 needs the name in double quotes (e.g. name 0 \"alice\")", errorAt2("name 0"));
    }

    @Test
    void nodeSetErrors() {
        assertEquals("t.txt:2: the range 7..5 runs backwards; write 5..7", errorAt2("kill 7..5"));
        assertEquals("t.txt:2: 'all' cannot be combined with other nodes in a list", errorAt2("kill 1,all"));
        assertEquals("t.txt:2: 'random 2' cannot be combined with other nodes in a list", errorAt2("kill random 2,3"));
        assertEquals("t.txt:2: a node list cannot end with ','", errorAt2("kill 1,"));
        assertEquals("t.txt:2: '1...3' is not a node set (all, 3, 0..9, 1,3,5..7 or random 5)", errorAt2("kill 1...3"));
        assertEquals("t.txt:2: '-1' is not a node set (all, 3, 0..9, 1,3,5..7 or random 5)", errorAt2("kill -1"));
        assertEquals("t.txt:2: the count after 'random' must be at least 1, not 0", errorAt2("kill random 0"));
        assertEquals("t.txt:2: node 3 cannot follow itself", errorAt2("follow 3 -> 3"));
        assertEquals("t.txt:2: the post count must be between 1 and 10000, not 0", errorAt2("post all 0"));
    }

    @Test
    void everyProblemIsReportedInLineOrder() {
        String message = error("""
                nodes 10
                wait 30
                follow 0 -> 11
                attach 1 5
                await everything
                """);
        assertEquals("""
                t.txt:2: the duration '30' has no unit: write 30ms, 30s or 30m
                t.txt:3: node 11 is out of range (the scenario has 10 nodes)
                t.txt:4: the size '5' has no unit: write 5B, 5KiB, 5MiB or 5GiB
                t.txt:5: unknown condition 'everything' (one of delivered, blobs, connected, converged, channel, dms)""", message);
    }

    @Test
    void aLineThatDoesNotParseSilencesLaterFaultChecks() {
        // The misspelt partition would otherwise make the heal look wrong too.
        assertEquals("t.txt:2: unknown step 'partiton'; did you mean 'partition'?", errorAt2("partiton 0 | 1\nheal"));
        // Ranges are still checked after it.
        assertEquals("t.txt:2: unknown step 'kil'; did you mean 'kill'?\nt.txt:4: node 12 is out of range (the scenario has 10 nodes)",
                errorAt2("kil 3\nrestart 3\nrestart 12"));
    }

    @Test
    void problemsAreListed() {
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioParser.parse("nodes 2\nwait 1\nkill 5", "x.txt"));
        assertEquals(List.of(new ScenarioException.Problem("x.txt", 2, "the duration '1' has no unit: write 1ms, 1s or 1m"),
                new ScenarioException.Problem("x.txt", 3, "node 5 is out of range (the scenario has 2 nodes)")), e.problems());
    }

    @Test
    void longListsOfProblemsAreCut() {
        String script = "nodes 1\n" + "wait 1\n".repeat(60);
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioParser.parse(script, "t.txt"));
        assertEquals(60, e.problems().size());
        assertEquals(51, e.getMessage().lines().count());
        assertEquals("(and 10 more)", e.getMessage().lines().reduce((a, b) -> b).orElseThrow());
    }

    // Files

    @Test
    void readsAFileNamedByItsFileName(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("meetup.txt");
        Files.writeString(file, "nodes 2\nsay \"grüße\"\n", StandardCharsets.UTF_8);
        Scenario s = ScenarioParser.parse(file);
        assertEquals("meetup.txt", s.source());
        assertEquals(new Step.Say(2, "grüße"), s.steps().get(1));

        Files.writeString(file, "nodes 2\nwait 2\n");
        assertEquals("meetup.txt:2: the duration '2' has no unit: write 2ms, 2s or 2m",
                assertThrows(ScenarioException.class, () -> ScenarioParser.parse(file)).getMessage());
    }

    @Test
    void refusesLargeOrNonUtf8Files(@TempDir Path dir) throws IOException {
        Path big = dir.resolve("big.txt");
        Files.writeString(big, "nodes 2\n" + "#".repeat(ScenarioParser.MAX_BYTES));
        assertEquals("big.txt: the file is larger than 1 MiB", assertThrows(ScenarioException.class, () -> ScenarioParser.parse(big)).getMessage());
        Path latin = dir.resolve("latin.txt");
        Files.write(latin, "nodes 2\nsay \"gr\u00fc\u00dfe\"\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("latin.txt: the file is not UTF-8 text", assertThrows(ScenarioException.class, () -> ScenarioParser.parse(latin)).getMessage());
    }

    // Writing steps back

    @Test
    void textIsTheNormalForm() throws ScenarioException {
        assertEquals("link 0..4 latency 80ms jitter 0ms loss 0%", step("LINK 0..4 latency 80ms").syntax());
        assertEquals("link latency 1500ms jitter 1m loss 0.5%", step("link loss 0.5% jitter 60s latency 1.5s").syntax());
        assertEquals("follow 1,3,5..7 -> all", step("follow 1, 3,5..7 -> ALL").syntax());
        assertEquals("follow random 5", step("follow random 5").syntax());
        assertEquals("post all 10", step("post all 10").syntax());
        assertEquals("post 0 1", step("post 0").syntax());
        assertEquals("post 0 \"say \\\"hi\\\"\"", step("post 0 \"say \\\"hi\\\"\"").syntax());
        assertEquals("attach 3 2MiB \"wedding.jpg\"", step("attach 3 2048KiB \"wedding.jpg\"").syntax());
        assertEquals("attach 3 5MB", step("attach 3 5000KB").syntax());
        assertEquals("await delivered within 30s", step("await delivered").syntax());
        assertEquals("feeds", step("feeds all").syntax());
        assertNull(((Step.Report) step("report")).label());
    }

    @Test
    void channelStepsParseCheckAndReadBack() throws ScenarioException {
        List<Step> steps = ScenarioParser.parse("""
                nodes 12
                channel create 0 wedding
                channel invite 0 wedding -> 1..11
                channel post 3 wedding "so moving"
                channel attach 4 wedding 8MiB "cake.jpg"
                await channel within 60s
                """, "t.txt").steps();
        assertEquals(new Step.ChannelInvite(3, 0, "wedding", LineParser.parseNodeSet("1..11")), steps.get(2));
        assertEquals(new Step.ChannelPost(5, 4, "wedding", null, 8L << 20, "cake.jpg"), steps.get(4));
        // Written back one a line, the script reads as the same steps on the same lines.
        assertEquals(steps, ScenarioParser.parse(String.join("\n", steps.stream().map(Step::syntax).toList()), "t.txt").steps());
        assertEquals("t.txt:2: no channel party was created before this line", error("nodes 3\nchannel post 0 party"));
        assertEquals("t.txt:3: the channel wedding is created twice", error("nodes 3\nchannel create 0 wedding\nchannel create 1 wedding"));
        assertTrue(error("nodes 3\nchannel create 0 Wedding!").contains("a channel name is 1 to 32"), error("nodes 3\nchannel create 0 Wedding!"));
        assertTrue(error("nodes 3\nchannel open 0 x").contains("unknown channel step 'open'"), error("nodes 3\nchannel open 0 x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hops 3", "seed -7", "topology random 4", "topology star", "link 0..4 latency 80ms jitter 5ms loss 1.5%",
        "link loss 0.07%", "follow all -> 0,7", "follow random 2 -> 1", "follow 0..9 random 3", "follow random 5",
        "post 0 \"hi \\\"x\\\" \\\\o/\"", "post all 10", "post 1 3 \"x\"", "post 2 1", "attach 3 1.5MiB \"a b.jpg\"",
        "attach 1 5MB", "attach 1 1000B", "attach 1 1023B", "await blobs within 90s", "wait 1500ms", "kill random 2",
        "partition 0 | 1..3,5", "report", "report \"x\"", "feeds 1,2", "say \"s\"", "name 0 \"n\""})
    void everyStepReadsBackFromItsText(String line) throws ScenarioException {
        Step parsed = step(line);
        assertEquals(parsed, step(parsed.syntax()));
    }

    private static <T extends Step> T assertStep(String line, Class<T> type) {
        try {
            return type.cast(step(line));
        } catch (ScenarioException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
