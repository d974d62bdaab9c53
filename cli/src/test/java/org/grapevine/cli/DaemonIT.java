package org.grapevine.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.grapevine.node.Home;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real daemons in child processes: the other commands reach them through the control
 * channel, a post crosses to the follower, and SIGTERM stops each daemon cleanly with nothing lost.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DaemonIT {
    private static final Path JAR = Path.of(System.getProperty("basedir", ""), "target", "grapevine.jar").toAbsolutePath();
    private static final String JAVA = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    private static final Pattern LISTENING = Pattern.compile("listening on /127\\.0\\.0\\.1:(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;
    private final List<Process> daemons = new ArrayList<>();

    @AfterEach
    void stopDaemons() {
        for (Process p : daemons) p.destroyForcibly();
    }

    /** A daemon's process and every line it logged so far. */
    private record Daemon(Process process, List<String> log) {
        int port() {
            for (String line : log) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) return Integer.parseInt(m.group(1));
            }
            return 0;
        }

        boolean logged(String text) {
            return log.stream().anyMatch(l -> l.contains(text));
        }
    }

    @Test
    void aPostCrossesBetweenDaemonsAndBothStopCleanly() throws Exception {
        Path alice = tmp.resolve("alice");
        Path bob = tmp.resolve("bob");
        String aliceId = cli(alice, "init", "--name", "alice", "--no-passphrase").strip();
        cli(bob, "init", "--name", "bob", "--no-passphrase");
        cli(bob, "follow", aliceId);

        Daemon a = daemon(alice, "--listen", "127.0.0.1:0", "--no-mdns");
        await().atMost(Duration.ofSeconds(30)).until(() -> a.port() > 0);
        Daemon b = daemon(bob, "--listen", "127.0.0.1:0", "--no-mdns", "--peer", "127.0.0.1:" + a.port() + aliceId);
        await().atMost(Duration.ofSeconds(30)).until(() -> b.logged("connected " + aliceId));

        // The daemon holds alice's store, so this post can only go through its control channel.
        Path socket = new Home(alice).controlSocket();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        String hello = cli(alice, "post", "hello bob, from a daemon").strip();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> texts(bob).contains("hello bob, from a daemon"));
        JsonNode peers = JSON.readTree(cli(bob, "peers", "--json"));
        assertTrue(peers.toString().contains(aliceId) && peers.toString().contains("\"connected\":true"), peers::toString);
        // whoami, peers and sync ask the daemon through the typed local API (docs/LOCAL-API.md).
        assertEquals("bob", JSON.readTree(cli(bob, "whoami", "--json")).get("name").asText());
        assertFalse(JSON.readTree(cli(bob, "follow", aliceId, "--json")).get("changed").asBoolean(), "bob follows alice already");
        cli(bob, "profile", "--about", "grows grapes"); // signed and stored by bob's daemon, asked over the socket
        assertEquals("grows grapes", JSON.readTree(cli(bob, "whoami", "--json")).get("about").asText());
        JsonNode sync = JSON.readTree(cli(bob, "sync", "--json"));
        assertTrue(sync.toString().contains(aliceId) && sync.toString().contains("\"following\":true"), sync::toString);
        // A petname given while the daemon holds the store is written by the daemon, and stays.
        cli(bob, "name", aliceId, "ally");
        assertTrue(JSON.readTree(cli(bob, "feed", "--json")).toString().contains("\"author_name\":\"ally\""));
        // Every other command asks the daemon too: a reply with a photo, its thread, the log, the blob, a deletion, an invite.
        Path photo = Files.write(tmp.resolve("grapes.jpg"), new byte[] {1, 2, 3});
        String reply = cli(bob, "post", "--reply", hello.substring(0, 9), "lovely", "--attach", photo.toString()).strip();
        String thread = cli(bob, "thread", reply);
        assertTrue(thread.contains("hello bob, from a daemon") && thread.contains("lovely") && thread.contains("grapes.jpg  3 B  image/jpeg  local"), thread);
        JsonNode log = JSON.readTree(cli(bob, "log", "--json"));
        assertEquals(reply, log.get("entries").get(log.get("entries").size() - 1).get("id").asText(), log::toString);
        String blob = JSON.readTree(cli(bob, "blob", "ls", "--json")).get(0).get("id").asText();
        assertEquals("removed " + blob, cli(bob, "blob", "rm", blob).strip());
        assertEquals("deleted " + reply, cli(bob, "delete", reply).strip());
        assertFalse(cli(bob, "thread", hello).contains("lovely"), "the deleted reply left the thread");
        String invite = cli(bob, "invite", "--address", "127.0.0.1").strip();
        assertEquals("grapevine:127.0.0.1:" + b.port() + JSON.readTree(cli(bob, "whoami", "--json")).get("id").asText() + "/main", invite);

        for (Daemon d : List.of(b, a)) {
            d.process().toHandle().destroy(); // SIGTERM (Process.destroy would also close the log pipe)
            assertTrue(d.process().waitFor(30, TimeUnit.SECONDS), "daemon did not stop on SIGTERM");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(
                    () -> assertTrue(d.logged("stopped"), () -> "no clean stop in:\n" + String.join("\n", d.log())));
        }
        assertFalse(Files.exists(socket), "the control socket outlived its daemon");
        // Without daemons the commands open the stores themselves: nothing was lost.
        assertTrue(texts(bob).contains("hello bob, from a daemon"));
        assertTrue(texts(alice).contains("hello bob, from a daemon"));
        assertTrue(JSON.readTree(cli(bob, "feed", "--json")).toString().contains("\"author_name\":\"ally\""), "the petname survived the stop");
    }

    @Test
    void blobGetFetchesAFileFromAnotherDaemon() throws Exception {
        Path alice = tmp.resolve("alice");
        Path bob = tmp.resolve("bob");
        String aliceId = cli(alice, "init", "--no-passphrase").strip();
        cli(bob, "init", "--no-passphrase");
        Daemon a = daemon(alice, "--listen", "127.0.0.1:0", "--no-mdns");
        await().atMost(Duration.ofSeconds(30)).until(() -> a.port() > 0);
        // Bob fetches nothing unasked, so only 'blob get' can bring the file.
        Daemon b = daemon(bob, "--listen", "127.0.0.1:0", "--no-mdns", "--blob-auto-max", "0",
                "--peer", "127.0.0.1:" + a.port() + aliceId);
        await().atMost(Duration.ofSeconds(30)).until(() -> b.logged("connected " + aliceId));
        Path work = Files.createDirectories(tmp.resolve("work"));
        byte[] bytes = new byte[3 * 256 * 1024 + 123];
        new java.util.Random(7).nextBytes(bytes);
        Files.write(work.resolve("song.ogg"), bytes);

        // Relative paths are the user's, not the daemon's working directory.
        String id = cliIn(work, alice, "blob", "add", "song.ogg").out().strip();
        Run get = cliIn(work, bob, "blob", "get", id, "-o", "copy.ogg");

        assertEquals(work.resolve("copy.ogg").toString(), get.out().strip(), get::describe);
        assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(work.resolve("copy.ogg"))), "the copy differs");
        assertTrue(get.err().contains("got " + Render.shortId(id) + ": 768.1 KiB"), get::describe);
        JsonNode held = JSON.readTree(cli(bob, "blob", "ls", "--json"));
        assertTrue(held.get(0).get("complete").asBoolean(), held::toString);
    }

    @Test
    void aFetchKilledHalfwayResumesFromTheChunksItHadAfterARestart() throws Exception {
        Path alice = tmp.resolve("alice");
        Path bob = tmp.resolve("bob");
        String aliceId = cli(alice, "init", "--no-passphrase").strip();
        cli(bob, "init", "--no-passphrase");
        Daemon a = daemon(alice, "--listen", "127.0.0.1:0", "--no-mdns");
        await().atMost(Duration.ofSeconds(30)).until(() -> a.port() > 0);
        String alicePeer = "127.0.0.1:" + a.port() + aliceId;
        Daemon b = daemon(bob, "--listen", "127.0.0.1:0", "--no-mdns", "--blob-auto-max", "1GiB", "--peer", alicePeer);
        await().atMost(Duration.ofSeconds(30)).until(() -> b.logged("connected " + aliceId));
        cli(bob, "follow", aliceId);

        Path work = Files.createDirectories(tmp.resolve("work"));
        int size = 128 << 20;
        byte[] bytes = new byte[size];
        new java.util.Random(11).nextBytes(bytes);
        Path video = work.resolve("video.mp4");
        Files.write(video, bytes);
        cliIn(work, alice, "post", "the whole evening", "--attach", "video.mp4");

        // SIGKILL bob once he holds a third of the video (chunks are recorded every 128 of them or every second).
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                .until(() -> b.log().stream().anyMatch(l -> l.matches(".*blob .*: [3-9]0% \\(.*")));
        b.process().destroyForcibly();
        assertTrue(b.process().waitFor(30, TimeUnit.SECONDS));

        // Back up with no peer: what it holds is what the killed run recorded, checked again.
        Daemon again = daemon(bob, "--listen", "127.0.0.1:0", "--no-mdns", "--blob-auto-max", "1GiB");
        await().atMost(Duration.ofSeconds(30)).until(() -> again.port() > 0);
        JsonNode partial = JSON.readTree(cli(bob, "blob", "ls", "--json")).get(0);
        assertFalse(partial.get("complete").asBoolean(), partial::toString);
        int heldAfterKill = partial.get("held").asInt();
        assertTrue(heldAfterKill > 0 && heldAfterKill < partial.get("chunks").asInt(), "resumed from nothing: " + partial);

        cli(bob, "invite", "accept", cli(alice, "invite").strip());
        await().atMost(Duration.ofSeconds(60)).until(() -> JSON.readTree(cli(bob, "blob", "ls", "--json")).get(0).get("complete").asBoolean());
        String id = partial.get("id").asText();
        cliIn(work, bob, "blob", "get", id, "-o", "copy.mp4");
        assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(work.resolve("copy.mp4"))), "the resumed copy differs");
    }

    @Test
    void aChannelsPostsAndPhotosReachItsMembersBitForBit() throws Exception {
        Path alice = tmp.resolve("alice");
        Path bob = tmp.resolve("bob");
        cli(alice, "init", "--name", "alice", "--no-passphrase");
        String bobId = cli(bob, "init", "--name", "bob", "--no-passphrase").strip();
        Daemon a = daemon(alice, "--listen", "127.0.0.1:0", "--no-mdns");
        Daemon b = daemon(bob, "--listen", "127.0.0.1:0", "--no-mdns");
        await().atMost(Duration.ofSeconds(30)).until(() -> a.port() > 0 && b.port() > 0);

        String made = cli(alice, "channel", "create", "wedding", "--about", "Ann & Bo").strip();
        assertTrue(made.startsWith("wedding  #"), made);
        String code = cli(alice, "channel", "invite", "wedding", "--address", "127.0.0.1").strip();
        assertTrue(code.startsWith("grapevine-channel:"), code);
        List<String> drawn = cli(alice, "channel", "invite", "wedding", "--address", "127.0.0.1", "--qr").lines().toList();
        assertEquals(drawn.get(0), QrRead.text(drawn.subList(1, drawn.size())), "the QR code reads as the code printed above it");

        // A damaged code, an unknown channel: one line and a non-zero exit each.
        Run cut = run(bob, "channel", "join", code.substring(0, code.length() - 6));
        assertEquals(ExitCodes.USAGE, cut.exitCode(), cut::describe);
        assertEquals(1, cut.err().strip().lines().count(), cut::describe);
        assertTrue(cut.err().contains("cut short") || cut.err().contains("damaged"), cut::describe);
        Run none = run(bob, "channel", "feed", "nosuch");
        assertEquals(ExitCodes.FAILURE, none.exitCode(), none::describe);
        assertTrue(none.err().strip().startsWith("grapevine: no channel named 'nosuch'"), none::describe);

        assertEquals("joined ann-bo (\"Ann & Bo\")", cli(bob, "channel", "join", code, "--as", "Bo").strip());
        Path work = Files.createDirectories(tmp.resolve("work"));
        byte[] photo = new byte[700_000];
        new java.util.Random(11).nextBytes(photo);
        Files.write(work.resolve("vows.jpg"), photo);
        String post = cliIn(work, alice, "channel", "post", "wedding", "the vows", "--attach", "vows.jpg").out().strip();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> cli(bob, "channel", "feed", "ann-bo", "--json").contains("the vows"));
        cli(bob, "channel", "post", "ann-bo", "so moving", "--reply", post.substring(0, 9));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> cli(alice, "channel", "feed", "wedding", "--json").contains("so moving"));

        JsonNode feed = JSON.readTree(cli(bob, "channel", "feed", "ann-bo", "--json"));
        JsonNode comment = feed.get(0);
        assertEquals("so moving", comment.get("text").asText());
        assertEquals(post, comment.get("reply").asText(), "a comment is a reply");
        assertEquals(bobId, comment.get("member").asText(), "bob joined by name");
        assertEquals("Bo", comment.get("name").asText());
        JsonNode vows = feed.get(1);
        assertEquals("vows.jpg", vows.get("attachments").get(0).get("name").asText());
        assertEquals(photo.length, vows.get("attachments").get(0).get("size").asLong());

        Run saved = cliIn(work, bob, "channel", "photos", "ann-bo", "--save", "album");
        assertEquals(work.resolve("album").resolve("vows.jpg").toString(), saved.out().strip(), saved::describe);
        assertTrue(java.util.Arrays.equals(photo, Files.readAllBytes(work.resolve("album").resolve("vows.jpg"))), "the photo differs");
        JsonNode members = JSON.readTree(cli(alice, "channel", "members", "wedding", "--json"));
        assertEquals(2, members.size(), members::toString);
        assertEquals(1, JSON.readTree(cli(alice, "channel", "ls", "--json")).size());
    }

    @Test
    void anOwnerNamesAnAdminHidesAnEntryAndRemovesAMember() throws Exception {
        Path alice = tmp.resolve("alice");
        Path bob = tmp.resolve("bob");
        Path carol = tmp.resolve("carol");
        cli(alice, "init", "--name", "alice", "--no-passphrase");
        cli(bob, "init", "--name", "bob", "--no-passphrase");
        cli(carol, "init", "--name", "carol", "--no-passphrase");
        List<Daemon> ds = List.of(daemon(alice, "--listen", "127.0.0.1:0", "--no-mdns"), daemon(bob, "--listen", "127.0.0.1:0", "--no-mdns"),
                daemon(carol, "--listen", "127.0.0.1:0", "--no-mdns"));
        await().atMost(Duration.ofSeconds(30)).until(() -> ds.stream().allMatch(d -> d.port() > 0));
        cli(alice, "channel", "create", "club");
        for (Path[] who : new Path[][] {{bob}, {carol}}) {
            String code = cli(alice, "channel", "invite", "club", "--address", "127.0.0.1").strip();
            cli(who[0], "channel", "join", code, "--as", who[0].getFileName().toString());
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> JSON.readTree(cli(alice, "channel", "members", "club", "--json")).size() == 3);

        // bob's post, hidden by the owner: members' nodes drop it.
        String oops = cli(bob, "channel", "post", "club", "oops, wrong channel").strip();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> cli(carol, "channel", "feed", "club").contains("oops"));
        assertEquals("hidden " + oops.substring(0, 9) + " in club", cli(alice, "channel", "hide", "club", oops.substring(0, 9)).strip());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> !cli(carol, "channel", "feed", "club").contains("oops") && !cli(bob, "channel", "feed", "club").contains("oops"));

        // A plain member may not remove anyone: one line, a non-zero exit.
        Run refused = run(carol, "channel", "remove", "club", "bob");
        assertEquals(ExitCodes.FAILURE, refused.exitCode(), refused::describe);
        assertEquals("grapevine: only the owner or an admin of 'club' may do that", refused.err().strip(), refused::describe);
        Run nobody = run(alice, "channel", "remove", "club", "nobody");
        assertEquals(ExitCodes.USAGE, nobody.exitCode(), nobody::describe);
        assertEquals(1, nobody.err().strip().lines().count(), nobody::describe);

        assertEquals("bob is an admin of club", cli(alice, "channel", "admin", "club", "bob").strip());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> JSON.readTree(cli(bob, "channel", "ls", "--json")).get(0).get("admin").asBoolean());
        JsonNode members = JSON.readTree(cli(carol, "channel", "members", "club", "--json"));
        for (JsonNode m : members) {
            String expected = switch (m.get("name").asText()) {
                case "bob" -> "admin";
                case "carol" -> "member";
                default -> "owner";
            };
            assertEquals(expected, m.get("role").asText(), members::toString);
        }

        // bob, now an admin, removes carol: she is told, keeps what she had, and misses what follows.
        String removed = cli(bob, "channel", "remove", "club", "carol");
        assertTrue(removed.startsWith("removed carol from club"), removed);
        assertTrue(removed.contains("already held stays with them"), removed);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> JSON.readTree(cli(carol, "channel", "ls", "--json")).get(0).get("removed").asBoolean()
                        && JSON.readTree(cli(alice, "channel", "members", "club", "--json")).size() == 2);
        cli(alice, "channel", "post", "club", "without carol");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> cli(bob, "channel", "feed", "club").contains("without carol"));
        assertFalse(cli(carol, "channel", "feed", "club").contains("without carol"));
        Run writes = run(carol, "channel", "post", "club", "hello?");
        assertEquals(ExitCodes.FAILURE, writes.exitCode(), writes::describe);
        assertTrue(writes.err().contains("you were removed from 'club'"), writes::describe);
    }

    @Test
    void aGuestWithoutGrapevineJoinsFromAnInviteFolderAndGetsEveryPhoto() throws Exception {
        Path alice = tmp.resolve("alice");
        cli(alice, "init", "--name", "alice", "--no-passphrase");
        Daemon a = daemon(alice, "--listen", "127.0.0.1:0", "--no-mdns");
        await().atMost(Duration.ofSeconds(30)).until(() -> a.port() > 0);
        cli(alice, "channel", "create", "wedding", "--about", "Ann & Bo");
        Path work = Files.createDirectories(tmp.resolve("work"));
        byte[] vows = new byte[400_000];
        byte[] cake = new byte[90_000];
        new java.util.Random(3).nextBytes(vows);
        new java.util.Random(4).nextBytes(cake);
        Files.write(work.resolve("vows.jpg"), vows);
        Files.write(work.resolve("cake.jpg"), cake);
        String post = cliIn(work, alice, "channel", "post", "wedding", "the vows", "--attach", "vows.jpg").out().strip();
        cliIn(work, alice, "channel", "post", "wedding", "and the cake", "--attach", "cake.jpg", "--reply", post.substring(0, 9));

        Path folder = tmp.resolve("for grandma");
        String said = cli(alice, "channel", "invite", "wedding", "--address", "127.0.0.1", "--bundle", folder.toString(), "--for", "Grandma Jo");
        assertTrue(said.contains("wrote " + folder), said);
        for (String f : List.of("grapevine.jar", "invite.txt", "name.txt", "start", "start.cmd", "README.txt")) {
            assertTrue(Files.exists(folder.resolve(f)), f + " is missing");
        }

        // The folder's one command, in a fresh home, with the JDK running these tests first on the PATH.
        Path home = tmp.resolve("grandma-home");
        ProcessBuilder b = new ProcessBuilder("sh", folder.resolve("start").toString(), "--no-mdns").directory(folder.toFile());
        b.environment().put("GRAPEVINE_HOME", home.toString());
        b.environment().remove("JAVA_HOME");
        b.environment().put("PATH", Path.of(JAVA).getParent() + java.io.File.pathSeparator + System.getenv("PATH"));
        Path out = tmp.resolve("guest.out");
        Path err = tmp.resolve("guest.err");
        Run run = runScript(b, out, err);
        assertEquals(0, run.exitCode(), run::describe);
        assertTrue(run.out().contains("saved 2 photos and 2 posts"), run::describe);
        assertTrue(java.util.Arrays.equals(vows, Files.readAllBytes(folder.resolve("photos").resolve("vows.jpg"))), "vows.jpg differs");
        assertTrue(java.util.Arrays.equals(cake, Files.readAllBytes(folder.resolve("photos").resolve("cake.jpg"))), "cake.jpg differs");
        String posts = Files.readString(folder.resolve("photos").resolve("posts.txt"));
        assertTrue(posts.contains("the vows") && posts.contains("and the cake"), posts);
        assertTrue(Files.isDirectory(home.resolve("data")), "the node lives in GRAPEVINE_HOME");
        assertFalse(Files.exists(folder.resolve("home")), "no home in the folder when GRAPEVINE_HOME names one");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> cli(alice, "channel", "members", "wedding").contains("Grandma Jo"));

        // Run again: the same node, nothing saved twice.
        Run again = runScript(b, out, err);
        assertEquals(0, again.exitCode(), again::describe);
        try (var saved = Files.list(folder.resolve("photos"))) {
            assertEquals(List.of("cake.jpg", "posts.txt", "vows.jpg"), saved.map(x -> x.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void twoPeopleWriteToEachOtherAndAMessageWaitsForAnAbsentReader() throws Exception {
        Path alice = tmp.resolve("alice");
        Path bob = tmp.resolve("bob");
        String aliceId = cli(alice, "init", "--name", "alice", "--no-passphrase").strip();
        String bobId = cli(bob, "init", "--name", "bob", "--no-passphrase").strip();
        Daemon b = daemon(bob, "--listen", "127.0.0.1:0", "--no-mdns");
        await().atMost(Duration.ofSeconds(30)).until(() -> b.port() > 0);
        int bobPort = b.port();
        Daemon a = daemon(alice, "--listen", "127.0.0.1:0", "--no-mdns", "--peer", "127.0.0.1:" + bobPort + "@" + bobId.substring(1));
        await().atMost(Duration.ofSeconds(30)).until(() -> a.port() > 0);

        // Bad input: one line each.
        for (String[] bad : new String[][] {{"dm", aliceId, "to myself"}, {"dm", "@notanid", "hi"}, {"dm", bobId, "x".repeat(70_000)}}) {
            Run r = run(alice, bad);
            assertTrue(r.exitCode() != 0, r::describe);
            assertEquals(1, r.err().strip().lines().count(), r::describe);
        }

        cli(alice, "dm", bobId, "hi bob, just between us");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> JSON.readTree(cli(bob, "dm", "--requests", "--json")).size() == 1);
        JsonNode request = JSON.readTree(cli(bob, "dm", "--json")).get(0);
        assertEquals(aliceId, request.get("with").asText());
        assertTrue(request.get("request").asBoolean(), "bob follows nobody: a message request");
        assertEquals(1, request.get("unread").asInt());
        String shown = cli(bob, "dm", aliceId);
        assertTrue(shown.contains("hi bob, just between us") && shown.contains("a message request"), shown);
        assertEquals(0, JSON.readTree(cli(bob, "dm", "--json")).get(0).get("unread").asInt(), "read once shown");

        cli(bob, "dm", aliceId, "hi alice");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> JSON.readTree(cli(alice, "dm", bobId, "--json")).size() == 2);
        JsonNode both = JSON.readTree(cli(alice, "dm", bobId, "--json"));
        assertEquals("hi bob, just between us", both.get(0).get("text").asText());
        assertTrue(both.get(0).get("delivered").asBoolean());
        assertEquals("hi alice", both.get(1).get("text").asText());
        assertEquals(0, JSON.readTree(cli(bob, "dm", "--requests", "--json")).size(), "answered: no longer a request");

        // bob's daemon stops; alice writes; bob's comes back on the same port and gets it.
        b.process().destroy();
        assertTrue(b.process().waitFor(30, TimeUnit.SECONDS));
        cli(alice, "dm", bobId, "while you were away");
        assertTrue(cli(alice, "dm").contains("not delivered yet"));
        Daemon again = daemon(bob, "--listen", "127.0.0.1:" + bobPort, "--no-mdns");
        await().atMost(Duration.ofSeconds(30)).until(() -> again.port() > 0);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> cli(bob, "dm", aliceId).contains("while you were away"));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> JSON.readTree(cli(alice, "dm", "--json")).get(0).get("delivered").asBoolean());
    }

    private Run runScript(ProcessBuilder b, Path out, Path err) throws Exception {
        Process p = b.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        daemons.add(p);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the start script did not finish");
        return new Run(List.of("start"), p.exitValue(), read(out), read(err));
    }

    /** Runs one command to completion, whatever its exit code. */
    private Run run(Path home, String... args) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = command(home, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "grapevine " + String.join(" ", args) + " did not finish");
        return new Run(List.of(args), p.exitValue(), read(out), read(err));
    }

    @Test
    void aSecondDaemonOnTheSameHomeIsRefused() throws Exception {
        Path home = tmp.resolve("solo");
        cli(home, "init", "--no-passphrase");
        Daemon first = daemon(home, "--listen", "127.0.0.1:0", "--no-mdns");
        await().atMost(Duration.ofSeconds(30)).until(() -> first.port() > 0);
        ProcessBuilder second = command(home, "daemon", "--listen", "127.0.0.1:0");
        Path err = tmp.resolve("second.err");
        Process p = second.redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        daemons.add(p);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the second daemon did not give up");
        assertTrue(p.exitValue() != 0);
        List<String> lines = Files.readAllLines(err, UTF_8);
        assertEquals(1, lines.size(), () -> String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("grapevine: "), lines.get(0));
    }

    private List<String> texts(Path home) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode item : JSON.readTree(cli(home, "feed", "--json"))) out.add(item.get("text").asText());
        return out;
    }

    private Daemon daemon(Path home, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("daemon"));
        all.addAll(List.of(args));
        Process p = command(home, all.toArray(String[]::new)).redirectErrorStream(true).start();
        daemons.add(p);
        List<String> log = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) log.add(line);
            } catch (IOException ended) {
                // The daemon is gone; its log is complete.
            }
        });
        reader.setDaemon(true);
        reader.start();
        return new Daemon(p, log);
    }

    /** Runs one command to completion and returns its standard output; fails on a non-zero exit. */
    private String cli(Path home, String... args) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = command(home, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "grapevine " + String.join(" ", args) + " did not finish");
        String stdout = Files.readString(out, UTF_8);
        assertEquals(0, p.exitValue(), () -> "grapevine " + String.join(" ", args) + ": " + read(err) + stdout);
        return stdout;
    }

    /** Runs one command in {@code dir} to completion; fails on a non-zero exit. */
    private Run cliIn(Path dir, Path home, String... args) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = command(home, args).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "grapevine " + String.join(" ", args) + " did not finish");
        Run run = new Run(List.of(args), p.exitValue(), read(out), read(err));
        assertEquals(0, run.exitCode(), run::describe);
        return run;
    }

    private ProcessBuilder command(Path home, String... args) {
        List<String> command = new ArrayList<>(List.of(JAVA));
        if (Runtime.version().feature() >= 24) {
            command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
        }
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--home", home.toString()));
        ProcessBuilder b = new ProcessBuilder(command);
        b.environment().remove("GRAPEVINE_HOME");
        b.environment().remove("GRAPEVINE_PASSPHRASE");
        b.environment().remove("JAVA_TOOL_OPTIONS");
        b.environment().remove("JDK_JAVA_OPTIONS");
        return b;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
