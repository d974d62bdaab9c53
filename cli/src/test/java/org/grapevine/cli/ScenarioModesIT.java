package org.grapevine.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code grapevine testnet run --processes} and {@code --netns}, run from the built jar: every
 * node a real daemon process, a kill a real SIGKILL, the report read from {@code --json}.
 */
class ScenarioModesIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** What a run printed and how it ended. */
    private record Run(int exit, String json, String story) {}

    private Run testnet(String scenario, String mode) throws IOException, InterruptedException {
        Path file = Files.writeString(dir.resolve("scenario.txt"), scenario, UTF_8);
        GrapevineJar jar = GrapevineJar.ofThisBuild(dir);
        List<String> command = new ArrayList<>(jar.command(dir.resolve("unused-home"), List.of("testnet", "run", file.toString(), mode, "--json")));
        command.removeAll(List.of("--home", dir.resolve("unused-home").toAbsolutePath().toString()));
        Path out = dir.resolve("out.json");
        Path err = dir.resolve("story.txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("the run did not finish:\n" + Files.readString(err, UTF_8));
        }
        Run run = new Run(p.exitValue(), Files.readString(out, UTF_8).strip(), Files.readString(err, UTF_8));
        System.out.println(run.story);
        return run;
    }

    /** A number at the top level of the JSON report. */
    private static double number(String json, String key) throws IOException {
        JsonNode value = JSON.readTree(json).get(key);
        assertTrue(value != null && value.isNumber(), key + " missing from " + json);
        return value.asDouble();
    }

    /** No daemon of a test network outlives its run. */
    private static void noDaemonLeft() {
        List<String> left = ProcessHandle.allProcesses()
                .map(h -> h.info().commandLine().orElse(""))
                .filter(c -> c.contains(" daemon ") && c.contains("--network testnet-")) // a test network's daemons
                .toList();
        assertEquals(List.of(), left, "daemons still running after the run");
    }

    @Test
    @Timeout(180)
    void daemonProcessesDeliverEveryPostAcrossARealCrashAndRestart() throws Exception {
        Run run = testnet("""
                nodes 4
                topology ring
                link latency 5ms
                follow all -> 0
                follow 0 -> 1
                post 0 "hello"
                post 1 "hi"
                await delivered within 60s
                kill 2
                post 0 "while 2 is down"
                await delivered within 60s
                restart 2
                await converged within 60s
                report "processes"
                """, "--processes");
        assertEquals(0, run.exit, run.story);
        assertTrue(run.story.contains("daemon processes on 127.0.0.1"), run.story);
        assertEquals(1.0, number(run.json, "reliability"), run.json);
        assertEquals(9, number(run.json, "delivered"), run.json);
        assertEquals(0, number(run.json, "internal_errors"), run.json);
        assertTrue(number(run.json, "bytes_per_node") > 0, run.json);
        assertTrue(run.json.matches(".*\"convergence_ms\":\\[\\d+,\\d+\\].*"), "converged after the kill and the restart: " + run.json);
        noDaemonLeft();
    }

    @Test
    @Timeout(180)
    void daemonProcessesShareAChannelAmongItsMembersOnly() throws Exception {
        Run run = testnet("""
                nodes 5
                topology ring
                follow all -> all
                await connected within 60s
                channel create 0 party
                channel invite 0 party -> 1,2,3
                channel attach 1 party 1MiB "cake.jpg"
                channel post 2 party "and the music!"
                await channel within 60s
                channel remove 0 party 3
                await channel within 60s
                channel post 2 party "3 is out"
                await channel within 60s
                report "channel"
                """, "--processes");
        assertEquals(0, run.exit, run.story);
        assertTrue(run.story.contains("channels: 3 posts, 6 of 6 copies at live members (100.0%); reached non-members: 0 entries, 0 blobs"), run.story);
        assertTrue(run.story.contains("removed members reading later posts: 0 (node 3: 0 of 1)"), run.story);
        assertTrue(run.json.matches(".*\"rekey_ms\":\\[\\d+\\].*"), run.json);
        noDaemonLeft();
    }

    @Test
    @Timeout(180)
    void daemonProcessesCarryDirectMessagesToTheirRecipientsOnlyAlsoAcrossACrash() throws Exception {
        Run run = testnet("""
                nodes 4
                topology ring
                follow all -> all
                await connected within 60s
                dm 0 1 "hello"
                dm random 3
                await dms within 60s
                kill 3
                dm 0 3 "while you were away"
                restart 3
                await dms within 60s
                report "messages"
                """, "--processes");
        assertEquals(0, run.exit, run.story);
        assertTrue(run.story.matches("(?s).*dms: 5 messages in \\d conversations, 5 of 5 expected read by their recipients \\(100\\.0%\\); "
                + "delivery median [\\d.]+ ms, p99 [\\d.]+ ms; reached non-participants: 0 entries, 0 conversations.*"), run.story);
        JsonNode dms = JSON.readTree(run.json).get("dms");
        assertEquals(5, dms.get("delivered").asInt(), run.json);
        assertEquals(0, dms.get("reached_non_participants").get("entries").asInt(), run.json);
        noDaemonLeft();
    }

    @Test
    @Timeout(180)
    void inNetworkNamespacesNodesFindEachOtherOverMdnsAndDeliver() throws Exception {
        Run run = testnet("""
                nodes 3
                follow all -> all
                await connected within 60s
                post all 1
                await delivered within 60s
                report "netns"
                """, "--netns");
        String refused = run.story.lines().filter(l -> l.startsWith("grapevine: --netns")).findFirst().orElse(null);
        assumeTrue(refused == null, () -> "network namespaces are not available here: " + refused);
        assertEquals(0, run.exit, run.story);
        assertTrue(run.story.contains("(found over mDNS)"), run.story);
        assertEquals(1.0, number(run.json, "reliability"), run.json);
        assertEquals(6, number(run.json, "delivered"), run.json);
        noDaemonLeft();
    }
}
