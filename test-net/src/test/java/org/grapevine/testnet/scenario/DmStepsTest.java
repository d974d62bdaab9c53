package org.grapevine.testnet.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code dm}, {@code dm random} and {@code await dms}: parsed, written back, and checked against the network. */
class DmStepsTest {
    private static List<Step> steps(String script) throws ScenarioException {
        return ScenarioParser.parse(script, "t.txt").steps();
    }

    /** The message of six nodes followed by {@code lines}, which must fail. */
    private static String error(String lines) {
        return assertThrows(ScenarioException.class, () -> ScenarioParser.parse("nodes 6\n" + lines, "t.txt")).getMessage();
    }

    @Test
    void theStepsParseAndReadBack() throws ScenarioException {
        List<Step> s = steps("""
                nodes 6
                dm 0 1 "hello, bob"
                dm 2 5
                dm random 4
                dm random 2 "hi"
                await dms within 1m
                """);
        assertEquals(new Step.Dm(2, 0, 1, "hello, bob"), s.get(1));
        assertEquals(new Step.Dm(3, 2, 5, null), s.get(2));
        assertEquals(new Step.DmRandom(4, 4, null), s.get(3));
        assertEquals(new Step.DmRandom(5, 2, "hi"), s.get(4));
        assertEquals(new Step.Await(6, Step.Await.What.DMS, Duration.ofMinutes(1)), s.get(5));
        assertEquals(List.of("dm 0 1 \"hello, bob\"", "dm 2 5", "dm random 4", "dm random 2 \"hi\"", "await dms within 1m"),
                s.subList(1, 6).stream().map(Step::syntax).toList());
        assertEquals(s, steps(String.join("\n", s.stream().map(Step::syntax).toList())));
    }

    @Test
    void keywordsIgnoreCase() throws ScenarioException {
        assertEquals(new Step.DmRandom(2, 3, null), steps("nodes 6\nDM Random 3").get(1));
        assertEquals(Step.Await.What.DMS, ((Step.Await) steps("nodes 6\nawait DMs").get(1)).what());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "dm | t.txt:2: dm needs the sender (e.g. dm 0 1 \"hello\", or dm random 30)",
        "dm 0 | t.txt:2: dm 0 needs the recipient (e.g. dm 0 1 \"hello\", or dm random 30)",
        "dm 0 -> 1 | t.txt:2: dm takes the sender and then the recipient, without '->' (e.g. dm 0 1 \"hello\")",
        "dm 0 1,2 | t.txt:2: dm takes one node number, not a list",
        "dm all 1 | t.txt:2: dm takes one node number, not 'all'",
        "dm 3 3 | t.txt:2: node 3 cannot send a message to itself",
        "dm 0 1 hello | t.txt:2: the text goes in double quotes: \"hello\"",
        "dm 0 1 \"\" | t.txt:2: the text is empty",
        "dm 0 6 | t.txt:2: node 6 is out of range (the scenario has 6 nodes)",
        "dm random | t.txt:2: dm random needs a number of conversations after 'random' (e.g. dm 0 1 \"hello\", or dm random 30)",
        "dm random 0 | t.txt:2: the number of conversations after 'random' must be between 1 and 10000, not 0",
        "dm random x | t.txt:2: the number of conversations after 'random' must be a whole number, not 'x'",
        "dm random 16 | t.txt:2: dm random 16 asks for more conversations than 6 nodes can have (15 pairs)",
        "dm random 2 \"hi\" x | t.txt:2: unexpected 'x' after 'dm random 2 \"hi\"'",
        "await dm | t.txt:2: unknown condition 'dm'; did you mean 'dms'?",
        "kill 2\\ndm 2 0 | t.txt:3: node 2 is down (killed on line 2) and cannot send a message",
        "kill all\\ndm random 1 | t.txt:3: every node is down here; none can send a message",
    })
    void aMalformedStepIsOneLine(String lines, String message) {
        assertEquals(message, error(lines.replace("\\n", "\n")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // A message to a node that is down waits for it at the sender.
        "kill 1\ndm 0 1\nrestart 1\nawait dms",
        // Random conversations while some nodes are down: senders are drawn among those up.
        "kill 0..3\ndm random 15\nrestart all\nawait dms within 2m",
        // After a random kill the script cannot tell who is up.
        "kill random 2\ndm 4 5",
    })
    void whatTheNetworkAllowsParses(String lines) {
        try {
            steps("nodes 6\n" + lines);
        } catch (ScenarioException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    @Test
    void oneNodeHasNoConversation() {
        assertEquals("t.txt:2: dm random 1 asks for more conversations than 1 node can have (0 pairs)",
                assertThrows(ScenarioException.class, () -> ScenarioParser.parse("nodes 1\ndm random 1", "t.txt")).getMessage());
    }
}
