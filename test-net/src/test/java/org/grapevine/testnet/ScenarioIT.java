package org.grapevine.testnet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.grapevine.node.api.ApiRequest;
import org.grapevine.node.api.ApiResponse;
import org.grapevine.testnet.scenario.Scenario;
import org.grapevine.testnet.scenario.ScenarioException;
import org.grapevine.testnet.scenario.ScenarioParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Small scenarios on real nodes in this JVM; each asserts on the report the run produced. */
class ScenarioIT {
    @TempDir
    Path dir;

    /** What the last run printed. */
    private final ByteArrayOutputStream story = new ByteArrayOutputStream();

    private ScenarioRunner.Result run(String name, String text) throws ScenarioException {
        story.reset();
        Scenario scenario = ScenarioParser.parse(text, name);
        try (ScenarioRunner runner = new ScenarioRunner(new ScenarioRunner.Options(dir, new PrintWriter(story, true, StandardCharsets.UTF_8), false))) {
            ScenarioRunner.Result r = runner.run(scenario);
            System.out.println(story.toString(StandardCharsets.UTF_8));
            assertEquals(0, r.internalErrors(), () -> "a node logged an internal error:\n" + String.join("\n", runner.events()));
            if (!r.ok()) System.out.println(String.join("\n", runner.events()));
            return r;
        }
    }

    private static double number(String json, String key) {
        int at = json.indexOf("\"" + key + "\":");
        assertTrue(at >= 0, key + " missing from " + json);
        int from = at + key.length() + 3;
        int to = from;
        while (to < json.length() && "-0123456789.".indexOf(json.charAt(to)) >= 0) to++;
        return Double.parseDouble(json.substring(from, to));
    }

    private ScenarioRunner.Result runShipped(String name) throws Exception {
        return run(name, Scenarios.shipped(name).orElseThrow());
    }

    @Test
    @Timeout(180)
    void aChannelReachesEveryGuestAndNothingOfItReachesAnyoneElse() throws Exception {
        ScenarioRunner.Result r = run("small-wedding", """
                nodes 8
                topology random 3
                follow all -> all
                await connected within 20s
                channel create 0 wedding
                channel invite 0 wedding -> 1..3
                channel attach 1 wedding 1MiB "vows.jpg"
                kill 3
                channel post 2 wedding "lovely"
                restart 3
                await channel within 60s
                report "small wedding"
                """);
        assertTrue(r.awaitsOk(), r.lastText());
        String told = story.toString(StandardCharsets.UTF_8);
        assertTrue(told.contains("channels: 2 posts, 6 of 6 copies at live members (100.0%); reached non-members: 0 entries, 0 blobs"), told);
    }

    /** The texts and attachment names of the channel {@code name} that {@code node} can open. */
    private static List<String> readable(TestNode node, String name) {
        List<String> out = new ArrayList<>();
        for (ApiResponse.ChannelItem i : node.api().ask(new ApiRequest.ChannelFeed(name, 1_000), ApiResponse.ChannelFeed.class).items()) {
            out.add(i.text());
            i.attachments().forEach(a -> out.add(a.name()));
        }
        return out;
    }

    @Test
    @Timeout(180)
    void aRemovedMemberReadsNothingPostedAfterItsRemovalAndTheOthersReadEverything() throws Exception {
        Scenario scenario = ScenarioParser.parse("""
                nodes 7
                topology random 3
                follow all -> all
                await connected within 20s
                channel create 0 party
                channel invite 0 party -> 1..5
                channel admin 0 party 1
                channel post 2 party "before"
                await channel within 60s
                channel remove 0 party 3
                await channel within 60s
                channel post 2 party "after one"
                channel attach 1 party 256KiB "cake.jpg"
                channel remove 0 party 4
                channel remove 1 party 5
                await channel within 60s
                channel post 2 party "after three"
                await channel within 60s
                report "removals"
                """, "removals");
        story.reset();
        try (ScenarioRunner runner = new ScenarioRunner(new ScenarioRunner.Options(dir, new PrintWriter(story, true, StandardCharsets.UTF_8), false))) {
            ScenarioRunner.Result r = runner.run(scenario);
            String told = story.toString(StandardCharsets.UTF_8);
            System.out.println(told);
            assertTrue(r.ok(), () -> told + String.join("\n", runner.events()));
            // The members that stay read everything, the removed ones nothing posted after their removal.
            for (int member : new int[] {0, 1, 2}) {
                await().atMost(Duration.ofSeconds(30)).until(() -> readable(runner.node(member), "party")
                        .containsAll(List.of("before", "after one", "cake.jpg", "after three")));
            }
            List<String> three = readable(runner.node(3), "party");
            assertTrue(three.contains("before"), "node 3 lost what it held before its removal: " + three);
            for (String later : List.of("after one", "cake.jpg", "after three")) assertFalse(three.contains(later), "node 3 reads " + later);
            for (int gone : new int[] {4, 5}) {
                assertFalse(readable(runner.node(gone), "party").contains("after three"), "node " + gone + " reads a post made after its removal");
            }
            // The report says so too, and times each re-key.
            assertTrue(told.contains("removed members reading later posts: 0 (node 3: 0 of 3; node 4: 0 of 1; node 5: 0 of 1)"), told);
            assertTrue(told.contains("channel party: members node 0, node 1, node 2; removed node 3, node 4, node 5; never in it node 6."), told);
            assertTrue(r.lastJson().matches(".*\"channels\":\\{.*\"removed_reading_later_posts\":0,\"rekey_ms\":\\[\\d+,\\d+,\\d+\\]\\}.*"), r.lastJson());
        }
    }

    /** The texts of {@code node}'s conversation with {@code other}, oldest first. */
    private static List<String> conversation(TestNode node, TestNode other) {
        return node.api().ask(new ApiRequest.DmShow(other.id().toString(), 1_000), ApiResponse.Messages.class).messages().stream()
                .map(ApiResponse.Message::text).toList();
    }

    @Test
    @Timeout(180)
    void messagesReachTheirRecipientsAlsoAfterADowntimeAndNothingOfAConversationReachesAnyoneElse() throws Exception {
        Scenario scenario = ScenarioParser.parse("""
                nodes 6
                seed 3
                topology random 2
                follow all random 2
                await connected within 20s
                dm 0 1 "hello"
                dm 1 0 "hi back"
                dm random 4
                await dms within 30s
                kill 4,5
                dm 0 5 "while you were away"
                dm random 3
                restart 4,5
                await dms within 60s
                report "messages"
                """, "messages-small");
        story.reset();
        try (ScenarioRunner runner = new ScenarioRunner(new ScenarioRunner.Options(dir, new PrintWriter(story, true, StandardCharsets.UTF_8), false))) {
            ScenarioRunner.Result r = runner.run(scenario);
            String told = story.toString(StandardCharsets.UTF_8);
            System.out.println(told);
            assertTrue(r.ok(), () -> told + String.join("\n", runner.events()));
            assertTrue(told.contains("dms: 10 messages in "), told);
            assertTrue(told.contains("10 of 10 expected read by their recipients (100.0%)"), told);
            assertTrue(told.contains("reached non-participants: 0 entries, 0 conversations"), told);
            assertTrue(r.lastJson().matches(".*\"dms\":\\{\"messages\":10,.*\"expected\":10,\"delivered\":10,.*"
                    + "\"reached_non_participants\":\\{\"entries\":0,\"conversations\":0}}.*"), r.lastJson());
            // Asked of the nodes themselves: both sides read the conversation, a node outside it holds nothing of it.
            TestNode ann = runner.node(0);
            TestNode bo = runner.node(1);
            TestNode away = runner.node(5);
            assertEquals(List.of("hello", "hi back"), conversation(bo, ann));
            assertEquals(List.of("hello", "hi back"), conversation(ann, bo));
            assertTrue(conversation(away, ann).contains("while you were away"), () -> conversation(away, ann).toString());
            // The personas the report looks for are the ones the conversation is written from (else it would look in vain).
            for (TestNode side : List.of(ann, bo)) {
                assertTrue(side.holds(ann.personaWith(bo.id())) >= 1 && side.holds(bo.personaWith(ann.id())) >= 1, "node " + side.index());
            }
            for (int n = 2; n < 6; n++) {
                TestNode other = runner.node(n);
                assertEquals(0, other.holds(ann.personaWith(bo.id())) + other.holds(bo.personaWith(ann.id())), "node " + n);
                // Node 0's conversations with the others are their own: only one a message opened is listed.
                if (other.correspondents().contains(ann.id())) assertFalse(conversation(ann, other).isEmpty(), "node " + n);
            }
        }
    }

    @Test
    @Timeout(180)
    void theDemoDeliversEveryPostAndPhotoAndTheNodeThatWasOfflineCatchesUp() throws Exception {
        ScenarioRunner.Result r = runShipped("demo");
        assertTrue(r.awaitsOk(), r.lastText());
        assertTrue(r.allDelivered(), r.lastText());
        assertEquals(1.0, number(r.lastJson(), "reliability"));
        assertTrue(r.lastJson().matches(".*\"convergence_ms\":\\[\\d+.*"), "no convergence measured after dave came back: " + r.lastJson());
    }

    @Test
    @Timeout(180)
    void aPartitionedNetworkConvergesAfterItHeals() throws Exception {
        ScenarioRunner.Result r = runShipped("partition");
        assertEquals(2, r.texts().size(), "reports during the partition and after healing");
        String during = r.jsons().get(0);
        assertTrue(number(during, "reliability") < 1.0, "posts crossed a partition: " + during);
        assertTrue(r.awaitsOk(), r.lastText());
        assertEquals(1.0, number(r.lastJson(), "reliability"), r.lastText());
        assertTrue(r.lastJson().matches(".*\"convergence_ms\":\\[\\d+\\].*"), "one convergence after the heal: " + r.lastJson());
    }

    @Test
    @Timeout(180)
    void withAThirdOfTheNodesKilledEverySurvivorStillGetsEverything() throws Exception {
        ScenarioRunner.Result r = run("churn-small", """
                nodes 9
                seed 4
                topology random 3
                follow random 4
                post all 1
                await delivered within 60s
                kill 6..8
                post 0..5 2
                await delivered within 60s
                report "three down"
                restart 6..8
                await converged within 60s
                """);
        assertTrue(r.awaitsOk(), r.lastText());
        assertEquals(1.0, number(r.jsons().get(0), "reliability"), "survivors missed posts: " + r.texts().get(0));
        assertEquals(1.0, number(r.lastJson(), "reliability"), r.lastText());
        assertTrue(number(r.lastJson(), "rmr") <= 1.0, "redundancy far above a tree's: " + r.lastText());
    }

    @Test
    @Timeout(120)
    void anAwaitThatFailsSaysHowTheNodesMissingAPostSeeItsFeed() throws ScenarioException {
        ScenarioRunner.Result r = run("cut-off", """
                nodes 3
                topology chain
                follow all -> 0
                post 0 "before"
                await delivered within 30s
                partition 0 | 1..2
                post 0 "after"
                await delivered within 1s
                """);
        assertTrue(!r.awaitsOk() && !r.allDelivered(), r.lastText());
        String told = story.toString(StandardCharsets.UTF_8);
        // The partition cut nodes 1 and 2 off node 0: each still replicates node 0's feed with the
        // other, but neither has a route to node 0, so each would dial it.
        for (int n : new int[] {1, 2}) {
            assertTrue(told.matches("(?s).*node " + n + " lacks node 0's post \\S+; its view of node 0's feed: wanted, hold 1, "
                    + "source node " + (3 - n) + ", [^\\n]*no route to the author\n  peer node " + (3 - n) + ": holds 1, wants \\w+.*"
                    + "\n  author's address 127\\.0\\.0\\.1:\\d+ \\(\\w+, \\d+ failures?\\)"
                    + "\n  unserved: no connected peer has a route to the author.*"), told);
        }
    }

    @Test
    @Timeout(120)
    void postsInAChainOfFiveReachEveryFollowerWithinTheHopLimit() throws ScenarioException {
        ScenarioRunner.Result r = run("chain", """
                nodes 5
                hops 2
                topology chain
                follow all -> 0
                post 0 "hello, chain"
                post 0 2
                await delivered within 30s
                """);
        assertTrue(r.awaitsOk(), r.lastText());
        assertTrue(r.allDelivered(), r.lastText());
        assertEquals(1.0, number(r.lastJson(), "reliability"));
        assertTrue(number(r.lastJson(), "bytes_per_node") > 0, r.lastJson());
    }
}
