package org.grapevine.testnet.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code channel admin}, {@code channel remove} and {@code channel bundle}: parsed, written back, and checked for who may take them. */
class ChannelStepsTest {
    /** Twelve nodes; node 0 owns the wedding, nodes 1 to 5 are in it. */
    private static final String WEDDING = """
            nodes 12
            channel create 0 wedding
            channel invite 0 wedding -> 1..5
            """;

    private static List<Step> steps(String script) throws ScenarioException {
        return ScenarioParser.parse(script, "t.txt").steps();
    }

    /** The message of the wedding followed by {@code lines}, which must fail. */
    private static String error(String lines) {
        return assertThrows(ScenarioException.class, () -> ScenarioParser.parse(WEDDING + lines, "t.txt")).getMessage();
    }

    @Test
    void theStepsParseAndReadBack() throws ScenarioException {
        List<Step> s = steps(WEDDING + """
                channel admin 0 wedding 1
                channel remove 1 wedding 5
                channel bundle 0 wedding -> 9
                channel remove 0 wedding 9
                """);
        assertEquals(new Step.ChannelAdmin(4, 0, "wedding", 1), s.get(3));
        assertEquals(new Step.ChannelRemove(5, 1, "wedding", 5), s.get(4));
        assertEquals(new Step.ChannelBundle(6, 0, "wedding", 9), s.get(5));
        assertEquals(List.of("channel admin 0 wedding 1", "channel remove 1 wedding 5", "channel bundle 0 wedding -> 9",
                "channel remove 0 wedding 9"), s.subList(3, 7).stream().map(Step::syntax).toList());
        assertEquals(s, steps(String.join("\n", s.stream().map(Step::syntax).toList())));
    }

    @Test
    void keywordsIgnoreCaseAndTheArrowNeedsNoSpaces() throws ScenarioException {
        assertEquals(new Step.ChannelBundle(4, 0, "wedding", 7), steps(WEDDING + "CHANNEL Bundle 0 wedding->7").get(3));
        assertEquals(new Step.ChannelRemove(4, 0, "wedding", 3), steps(WEDDING + "channel REMOVE 0 wedding 3").get(3));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "channel remove 0 wedding | t.txt:4: channel remove 0 wedding needs the member to remove (e.g. channel remove 0 wedding 5)",
        "channel admin 0 wedding | t.txt:4: channel admin 0 wedding needs the member to make an admin (e.g. channel admin 0 wedding 1)",
        "channel remove 0 wedding 1,2 | t.txt:4: channel remove takes one node number, not a list",
        "channel admin 0 wedding bob | t.txt:4: channel admin takes one node number, not 'bob'",
        "channel remove 0 wedding 3 4 | t.txt:4: unexpected '4' after 'channel remove 0 wedding 3'",
        "channel remove 0 Wedding! 3 | t.txt:4: a channel name is 1 to 32 of a-z, 0-9, '.', '_' and '-', not 'Wedding!'",
        "channel bundle 0 wedding 9 | t.txt:4: channel bundle 0 wedding needs '->' and the guest (e.g. channel bundle 0 wedding -> 12)",
        "channel bundle 0 wedding -> | t.txt:4: channel bundle 0 wedding -> needs the guest after '->' (e.g. channel bundle 0 wedding -> 12)",
        "channel bundle 0 wedding -> 6..8 | t.txt:4: channel bundle takes one node number, not '6..8'",
        "channel remvoe 0 wedding 3 | t.txt:4: unknown channel step 'remvoe'; did you mean 'remove'?",
        "channel remove 0 wedding 12 | t.txt:4: node 12 is out of range (the scenario has 12 nodes)",
        "channel remove 0 party 3 | t.txt:4: no channel party was created before this line",
    })
    void aMalformedStepIsOneLine(String line, String message) {
        assertEquals(message, error(line));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // Who may remove, and whom.
        "channel remove 2 wedding 3 | t.txt:4: node 2 is neither the owner nor an admin of wedding and cannot remove members",
        "channel remove 7 wedding 3 | t.txt:4: node 7 is not a member of wedding and cannot remove members",
        "channel admin 0 wedding 1\\nchannel remove 1 wedding 0 | t.txt:5: node 0 owns wedding and cannot be removed",
        "channel admin 0 wedding 1\\nchannel remove 1 wedding 1 | t.txt:5: node 1 cannot remove itself from wedding",
        "channel remove 0 wedding 7 | t.txt:4: node 7 is not a member of wedding",
        "channel remove 0 wedding 5\\nchannel remove 0 wedding 5 | t.txt:5: node 5 was removed from wedding on line 4 already",
        // A removed member is out: it does nothing in the channel, and cannot come back.
        "channel remove 0 wedding 5\\nchannel post 5 wedding \"hi\" | t.txt:5: node 5 was removed from wedding on line 4 and cannot post into it",
        "channel remove 0 wedding 5\\nchannel attach 5 wedding 1MiB | t.txt:5: node 5 was removed from wedding on line 4 and cannot post into it",
        "channel remove 0 wedding 5\\nchannel invite 5 wedding -> 9 | t.txt:5: node 5 was removed from wedding on line 4 and cannot invite to it",
        "channel remove 0 wedding 5\\nchannel invite 0 wedding -> 5..7 | t.txt:5: node 5 was removed from wedding on line 4 and cannot join it again",
        "channel remove 0 wedding 5\\nchannel bundle 0 wedding -> 5 | t.txt:5: node 5 was removed from wedding on line 4 and cannot join it again",
        "channel admin 0 wedding 1\\nchannel remove 0 wedding 1\\nchannel remove 1 wedding 2 | t.txt:6: node 1 was removed from wedding on line 5 and cannot remove members",
        // Who may name admins, and whom.
        "channel admin 3 wedding 4 | t.txt:4: node 3 is neither the owner nor an admin of wedding and cannot name admins",
        "channel admin 0 wedding 0 | t.txt:4: node 0 owns wedding and is always an admin",
        "channel admin 0 wedding 1\\nchannel admin 0 wedding 1 | t.txt:5: node 1 is an admin of wedding already (since line 4)",
        "channel admin 0 wedding 8 | t.txt:4: node 8 is not a member of wedding and cannot be made an admin",
        // Joining.
        "channel invite 0 wedding -> 3 | t.txt:4: node 3 is a member of wedding already (since line 3)",
        "channel bundle 0 wedding -> 0 | t.txt:4: node 0 cannot invite itself",
        "channel bundle 8 wedding -> 9 | t.txt:4: node 8 is not a member of wedding and cannot invite to it",
        "kill 9\\nchannel bundle 0 wedding -> 9 | t.txt:5: node 9 is down (killed on line 4) and cannot join",
        // Acting while down comes first.
        "kill 0\\nchannel remove 0 wedding 3 | t.txt:5: node 0 is down (killed on line 4) and cannot remove a member",
        "kill 0\\nchannel admin 0 wedding 3 | t.txt:5: node 0 is down (killed on line 4) and cannot name an admin",
    })
    void aStepTheNodeMayNotTakeIsOneLine(String lines, String message) {
        assertEquals(message, error(lines.replace("\\n", "\n")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // An admin removes a member, the others go on posting, and the owner may remove that admin later.
        "channel admin 0 wedding 1\nchannel remove 1 wedding 5\nchannel post 4 wedding\nchannel remove 0 wedding 1",
        // A guest let in by a bundle is a member like any other.
        "channel bundle 0 wedding -> 9\nchannel post 9 wedding\nchannel admin 0 wedding 9\nchannel remove 9 wedding 2",
        // Removals by two admins at once.
        "channel admin 0 wedding 1\nchannel remove 0 wedding 4\nchannel remove 1 wedding 5",
        // A member down may be removed; an 'all' invite passes over those in the channel and those removed.
        "kill 3\nchannel remove 0 wedding 3\nrestart 3\nchannel invite 0 wedding -> all\nchannel post 11 wedding",
        // After an invite to random nodes the script cannot say who is in: nothing is judged.
        "channel invite 0 wedding -> random 3\nchannel post 9 wedding\nchannel remove 0 wedding 10",
        "kill random 2\nchannel invite 0 wedding -> 6..8\nchannel post 7 wedding",
    })
    void whatMembersMayDoParses(String lines) {
        try {
            steps(WEDDING + lines);
        } catch (ScenarioException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    @Test
    void eachBrokenLineGetsItsOwnLine() {
        String message = error("channel remove 2 wedding 3\nchannel post 7 wedding\nchannel admin 0 wedding");
        assertEquals(List.of(
                "t.txt:4: node 2 is neither the owner nor an admin of wedding and cannot remove members",
                "t.txt:5: node 7 is not a member of wedding and cannot post into it",
                "t.txt:6: channel admin 0 wedding needs the member to make an admin (e.g. channel admin 0 wedding 1)"),
                message.lines().toList());
    }

    @Test
    void theChannelExampleNamesEveryChannelStep() {
        String example = LineParser.EXAMPLES.get("channel");
        for (String what : List.of("create", "invite", "post", "attach", "admin", "remove", "bundle")) {
            assertTrue(example.contains("channel " + what + " "), what);
            assertTrue(LineParser.EXAMPLES.containsKey("channel " + what), what);
        }
    }
}
