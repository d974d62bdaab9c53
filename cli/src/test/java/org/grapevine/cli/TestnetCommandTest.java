package org.grapevine.cli;

import static org.grapevine.cli.CliUser.grapevine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code grapevine testnet run} and {@code grapevine demo}, in process. */
class TestnetCommandTest {
    @TempDir Path tmp;

    private Path script(String name, String text) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    @Timeout(120)
    void aSmallScenarioRunsAndItsJsonReportSaysEverythingArrived() throws IOException {
        Path f = script("three.txt", """
                nodes 3
                follow all -> 0
                post 0 "hi"
                await delivered within 30s
                """);
        Run run = grapevine("testnet", "run", f.toString(), "--json");
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        JsonNode report = run.json();
        assertEquals(1.0, report.get("reliability").asDouble(), run.out());
        for (String key : new String[] {"rmr", "ldh", "bytes_per_node", "delivery_ms"}) {
            assertTrue(report.has(key), key + " missing: " + run.out());
        }
        assertTrue(report.get("delivery_ms").has("median") && report.get("delivery_ms").has("p99"));
        assertTrue(run.err().contains("await delivered: ok"), "the story goes to stderr with --json: " + run.err());
    }

    @Test
    void aScriptWithAMistakeNamesTheLineAndRunsNothing() throws IOException {
        Path f = script("bad.txt", "nodes 3\nfolow all -> 0\n");
        grapevine("testnet", "run", f.toString()).fails(ExitCodes.USAGE).mentioning("bad.txt:2", "follow");
    }

    @Test
    void aMissingScenarioIsOneLine() {
        grapevine("testnet", "run", tmp.resolve("nowhere.txt").toString()).fails(ExitCodes.USAGE).failsInOneLine()
                .mentioning("no such scenario");
    }

    @Test
    void moreNodesThanProcessesCanTakeIsRefusedOnItsLineBeforeAnythingStarts() throws IOException {
        Path f = script("many.txt", "# too many JVMs\nnodes 41\npost all 1\n");
        grapevine("testnet", "run", f.toString(), "--processes").fails(ExitCodes.USAGE).failsInOneLine()
                .mentioning("many.txt:2", "--processes", "at most 40");
        // Not root: refused for that; root: refused for the nodes. One line either way.
        grapevine("testnet", "run", f.toString(), "--netns").fails(ExitCodes.USAGE).failsInOneLine().mentioning("--netns");
        grapevine("testnet", "run", f.toString(), "--processes", "--netns").fails(ExitCodes.USAGE).mentioning("choose one");
    }

    @Test
    @Timeout(180)
    void theDemoTellsItsStoryAndPrintsEveryFeed() {
        Run run = grapevine("demo").ok();
        for (String name : new String[] {"alice", "bob", "carol", "dave", "erin"}) {
            assertTrue(run.out().contains("--- feed of " + name), "no feed of " + name + ":\n" + run.out());
        }
        assertTrue(run.out().contains("trailhead.jpg"), run.out());
        assertTrue(run.out().contains("reliability    100.00%"), run.out());
        // The private part: dave and erin outside, then dave in from a folder (no jar to copy in a test), bob removed.
        assertTrue(run.out().contains("channel surprise: members alice, bob, carol; never in it dave, erin. Of its 2 posts, "
                + "0 entries and 0 blobs reached anyone outside it"), run.out());
        assertTrue(run.out().contains("alice writes an invite folder for dave (README.txt, invite.txt, name.txt, start, start.cmd); "
                + "dave joins surprise from its invite.txt and name.txt"), run.out());
        assertTrue(run.out().contains("channel surprise: members alice, carol, dave; removed bob; never in it erin. Of its 5 posts, "
                + "0 entries and 0 blobs reached anyone outside it"), run.out());
        assertTrue(run.out().contains("removed members reading later posts: 0 (bob: 0 of 2)"), run.out());
        assertTrue(run.out().strip().endsWith("and bob can read nothing posted after his removal."), run.out());
    }
}
