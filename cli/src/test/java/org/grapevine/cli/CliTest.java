package org.grapevine.cli;

import org.grapevine.node.Sizes;

import static org.grapevine.cli.CliUser.grapevine;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.blob.BlobHasher;
import org.grapevine.node.Home;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The grapevine command run in this JVM against homes in a temporary directory. */
class CliTest {
    private static final String ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
    /** Ids that are well formed but name nobody here. */
    private static final String NOBODY = new AuthorId(new byte[32]).toString();
    private static final String NO_ENTRY = new EntryId(new byte[32]).toString();
    private static final String NO_BLOB = new BlobId(new byte[32]).toString();
    /** Stands for the home directory in the argument tables below. */
    private static final String HOME = "<home>";

    @TempDir Path tmp;
    CliUser alice;
    CliUser bob;

    @BeforeEach
    void people() {
        alice = new CliUser(tmp.resolve("alice"));
        bob = new CliUser(tmp.resolve("bob"));
    }

    // ---- init and whoami ----

    @Test
    void initPrintsANewIdAndRefusesToReplaceIt() throws Exception {
        Run init = alice.run("init", "--no-passphrase").ok();
        assertEquals(1, init.outLines().size(), init::describe);
        AuthorId id = AuthorId.parse(init.out().strip());
        assertEquals(id, alice.id());
        byte[] keystore = Files.readAllBytes(new Home(alice.home()).keystore());

        alice.run("init", "--no-passphrase").fails(ExitCodes.IDENTITY).mentioning("already exists");

        assertEquals(id, alice.id());
        assertTrue(java.util.Arrays.equals(keystore, Files.readAllBytes(new Home(alice.home()).keystore())), "keystore was rewritten");
    }

    static Stream<List<String>> commandsThatNeedAnIdentity() {
        return Stream.of(
                List.of("whoami"),
                List.of("post", "hello"),
                List.of("feed"),
                List.of("thread", NO_ENTRY),
                List.of("log"),
                List.of("follow", NOBODY),
                List.of("unfollow", NOBODY),
                List.of("block", NOBODY),
                List.of("unblock", NOBODY),
                List.of("name", NOBODY, "somebody"),
                List.of("profile", "--name", "alice"),
                List.of("delete", NO_ENTRY),
                List.of("blob", "ls", "--home", HOME),
                List.of("blob", "get", "--home", HOME, NO_BLOB),
                List.of("blob", "rm", "--home", HOME, NO_BLOB));
    }

    @ParameterizedTest
    @MethodSource("commandsThatNeedAnIdentity")
    void beforeInitEveryCommandSaysToRunInit(List<String> command) {
        Run run = command.contains(HOME) ? grapevine(withHome(command, alice))
                : alice.run(command.get(0), command.subList(1, command.size()).toArray(String[]::new));
        run.fails(ExitCodes.IDENTITY).mentioning("init");
        assertFalse(Files.exists(alice.home()), "a command before init created " + alice.home());
    }

    @Test
    void dmHelpSaysHowAndThatGroupConversationsAreChannels() {
        Run help = alice.run("dm", "--help").ok();
        assertTrue(help.out().contains("Group conversations are") && help.out().contains("channel create"), help::describe);
        Run none = alice.run("dm", "@" + "1".repeat(52), "hi");
        assertTrue(none.exitCode() != 0, none::describe);
        assertEquals(1, none.err().strip().lines().count(), none::describe);
    }

    @Test
    void whoamiShowsTheIdAsTextAndJson() {
        AuthorId id = alice.init();

        assertEquals(id.toString(), alice.run("whoami").ok().outLines().get(0));

        JsonNode json = alice.run("whoami", "--json").ok().json();
        assertTrue(json.isObject(), json::toString);
        assertEquals(id, AuthorId.parse(json.get("id").asText()));
    }

    // ---- posts, feed, threads, log ----

    @Test
    void aPostShowsInTheFeed() {
        alice.init();
        assertTrue(alice.feed().startsWith("Nothing here yet"), alice.feed());

        EntryId post = alice.post("hello, grapevine");

        String feed = alice.feed();
        assertTrue(feed.contains("hello, grapevine"), feed);
        assertTrue(feed.contains(Render.shortId(post)), feed);
        assertTrue(feed.startsWith("you  "), feed);
    }

    @Test
    void anArgumentStartingWithAtIsTextNotAFileToRead() throws Exception {
        alice.init();
        Path bob = tmp.resolve("bob");
        Files.writeString(bob, "the content of a file named bob");
        String text = "@" + bob.toAbsolutePath();

        alice.post(text);

        JsonNode feed = alice.run("feed", "--json").ok().json();
        assertEquals(text, feed.get(0).get("text").asText());
    }

    @Test
    void feedJsonListsEachEntryWithItsFacts() {
        AuthorId id = alice.init();
        long before = System.currentTimeMillis();
        EntryId first = alice.post("first");
        EntryId second = alice.post("second");
        long after = System.currentTimeMillis();

        JsonNode feed = alice.run("feed", "--json").ok().json();

        assertTrue(feed.isArray(), feed::toString);
        assertEquals(2, feed.size(), feed::toString);
        JsonNode newest = feed.get(0);
        for (String field : List.of("id", "author", "seq", "timestamp", "type", "text")) {
            assertTrue(newest.has(field), () -> "no " + field + " in " + newest);
        }
        assertEquals(second, EntryId.parse(newest.get("id").asText()));
        assertEquals(id, AuthorId.parse(newest.get("author").asText()));
        assertEquals(2, newest.get("seq").asLong());
        assertEquals("post", newest.get("type").asText());
        assertEquals("second", newest.get("text").asText());
        long timestamp = newest.get("timestamp").asLong();
        assertTrue(before <= timestamp && timestamp <= after, () -> timestamp + " outside " + before + ".." + after);
        assertEquals(first, EntryId.parse(feed.get(1).get("id").asText()));
        assertEquals(1, feed.get(1).get("seq").asLong());
    }

    @Test
    void feedLimitKeepsTheNewest() {
        alice.init();
        alice.post("one");
        alice.post("two");
        alice.post("three");

        JsonNode two = alice.run("feed", "--json", "--limit", "2").ok().json();
        assertEquals(List.of("three", "two"), texts(two));

        String one = alice.feed("--limit", "1");
        assertTrue(one.contains("three") && !one.contains("two"), one);
    }

    @Test
    void aReplyByPrefixJoinsTheThreadOfItsRoot() {
        alice.init();
        EntryId root = alice.post("what is a grapevine?");
        EntryId reply = alice.reply(root.toString().substring(0, 10), "a vine of grapes");
        EntryId nested = alice.reply(reply.toString(), "and of rumours");

        for (EntryId start : List.of(root, reply, nested)) {
            JsonNode thread = alice.run("thread", "--json", start.toString()).ok().json();
            assertEquals(List.of(root.toString(), reply.toString(), nested.toString()), field(thread, "id"), "thread of " + start);
            assertEquals(root.toString(), thread.get(2).get("root").asText());
            assertEquals(reply.toString(), thread.get(2).get("parent").asText());
        }

        String text = alice.run("thread", reply.toString().substring(0, 12)).ok().out();
        assertTrue(text.contains("what is a grapevine?") && text.contains("a vine of grapes") && text.contains("and of rumours"), text);
        assertTrue(text.contains("↳ reply to " + Render.shortId(root)), text);
    }

    @Test
    void logShowsSequenceNumbersAndIds() {
        AuthorId id = alice.init();
        EntryId one = alice.post("one");
        EntryId two = alice.post("two");

        List<String> lines = alice.run("log").ok().outLines();
        assertTrue(lines.get(0).contains(id.toString()) && lines.get(0).contains("(2 entries)"), lines::toString);
        assertTrue(lines.get(1).matches("\\s*1\\s.*" + one + "\\s+post\\s+one"), lines::toString);
        assertTrue(lines.get(2).matches("\\s*2\\s.*" + two + "\\s+post\\s+two"), lines::toString);

        JsonNode json = alice.run("log", "--json").ok().json();
        assertEquals(id.toString(), json.get("author").asText());
        assertEquals(2, json.get("head").asLong());
        assertFalse(json.get("forked").asBoolean());
        assertEquals(List.of(one.toString(), two.toString()), field(json.get("entries"), "id"));
        assertEquals(List.of("1", "2"), field(json.get("entries"), "seq"));

        JsonNode from = alice.run("log", "--json", "--from", "2").ok().json();
        assertEquals(List.of(two.toString()), field(from.get("entries"), "id"));
    }

    // ---- other people ----

    @Test
    void followingBringsSomeonesPostsIntoTheFeedAndUnfollowingTakesThemOut() {
        alice.init();
        AuthorId bobId = bob.init();
        bob.post("hello from bob");
        alice.receives(bob);
        assertFalse(alice.feed().contains("hello from bob"), "shown before following");

        assertTrue(alice.follow(bobId).out().startsWith("followed "));
        JsonNode feed = alice.run("feed", "--json").ok().json();
        assertEquals(List.of("hello from bob"), texts(feed));
        assertEquals(bobId.toString(), feed.get(0).get("author").asText());

        alice.run("unfollow", bobId.toString()).ok();
        assertFalse(alice.feed().contains("hello from bob"), "still shown after unfollowing");
        assertTrue(alice.run("unfollow", bobId.toString()).ok().out().startsWith("nothing to do"));
    }

    @Test
    void blockingHidesAFollowedAuthor() {
        alice.init();
        AuthorId bobId = bob.init();
        bob.post("hello from bob");
        alice.receives(bob);
        alice.follow(bobId);
        assertTrue(alice.feed().contains("hello from bob"));

        alice.run("block", bobId.toString()).ok();
        assertFalse(alice.feed().contains("hello from bob"), "shown while blocked");

        alice.run("unblock", bobId.toString()).ok();
        assertTrue(alice.feed().contains("hello from bob"), "hidden after unblocking");
    }

    @Test
    void someoneCanBeNamedByAUniquePrefixOrAPetname() {
        AuthorId aliceId = alice.init();
        AuthorId bobId = bob.init();
        bob.post("hello from bob");
        alice.receives(bob);

        assertTrue(alice.follow(bobId.toString().substring(0, 9)).out().contains(bobId.toString()));
        assertTrue(alice.feed().contains("hello from bob"));
        alice.run("unfollow", bobId.toString()).ok();

        assertTrue(alice.run("name", bobId.toString().substring(0, 7), "bobby").ok().out().contains("'bobby'"));
        assertTrue(alice.follow("bobby").out().startsWith("followed bobby"));
        assertTrue(alice.feed().contains("hello from bob"));

        alice.run("follow", "@ab").fails(ExitCodes.USAGE).mentioning("too short");
        alice.run("follow", "nobody").fails(ExitCodes.USAGE).mentioning("petname");
        alice.run("follow", unknownPrefix(aliceId, bobId)).fails(ExitCodes.FAILURE).mentioning("no known author");
    }

    @Test
    void aSelfDeclaredNameIsMarkedAndAPetnameWinsOverIt() {
        alice.init();
        AuthorId bobId = bob.init();
        bob.run("profile", "--name", "Bob").ok();
        bob.post("hello from bob");
        alice.receives(bob);
        alice.follow(bobId);

        String declared = alice.feed();
        assertTrue(declared.startsWith("~Bob (" + Render.shortId(bobId) + ")  "), declared);

        alice.run("name", bobId.toString(), "my friend").ok();
        String named = alice.feed();
        assertTrue(named.startsWith("my friend  "), named);
        assertFalse(named.contains("~Bob"), named);
    }

    // ---- delete ----

    @Test
    void deletingAnOwnPostRemovesItsText() {
        alice.init();
        alice.post("keep this");
        EntryId regret = alice.post("regret this");

        assertEquals("deleted " + regret, alice.run("delete", regret.toString()).ok().out().strip());

        String feed = alice.feed();
        assertFalse(feed.contains("regret this") || feed.contains("[deleted]"), feed);
        assertTrue(feed.contains("keep this"), feed);
        assertEquals(1, alice.run("feed", "--json").ok().json().size(), "a deleted post left the feed");
        String all = alice.run("feed", "--all").ok().out();
        assertTrue(all.contains("[deleted]") && !all.contains("regret this"), all);
        JsonNode gone = alice.run("feed", "--all", "--json").ok().json().get(1); // after the deletion entry itself
        assertEquals(regret.toString(), gone.get("id").asText());
        assertTrue(gone.get("deleted").asBoolean(), gone::toString);
        assertFalse(gone.toString().contains("regret this"), gone::toString);

        alice.run("delete", regret.toString()).fails(ExitCodes.FAILURE).mentioning("already deleted");
    }

    @Test
    void someoneElsesPostCannotBeDeleted() {
        alice.init();
        AuthorId bobId = bob.init();
        EntryId bobs = bob.post("hello from bob");
        alice.receives(bob);

        alice.run("delete", bobs.toString()).fails(ExitCodes.FAILURE).mentioning("your own");

        alice.follow(bobId);
        assertTrue(alice.feed().contains("hello from bob"));
    }

    // ---- bad input ----

    @Test
    void aMistypedIdIsCaughtByItsChecksum() {
        alice.init();
        AuthorId bobId = bob.init();
        EntryId post = alice.post("hello");

        alice.run("follow", mistype(bobId.toString())).fails(ExitCodes.USAGE).mentioning("checksum");
        alice.run("thread", mistype(post.toString())).fails(ExitCodes.USAGE).mentioning("checksum");
        alice.run("post", "--reply", mistype(post.toString()), "hi").fails(ExitCodes.USAGE).mentioning("checksum");
    }

    @Test
    void anUnknownEntryIdFailsInOneLine() {
        alice.init();
        alice.run("thread", NO_ENTRY).fails(ExitCodes.FAILURE).mentioning("no entry");
        alice.run("post", "--reply", NO_ENTRY, "hi").fails(ExitCodes.FAILURE).mentioning("no entry");
        alice.run("delete", "%zzzzzzzz").fails(ExitCodes.FAILURE).mentioning("no entry");
    }

    // ---- blobs and attachments ----

    @Test
    void blobAddPrintsTheIdOfTheFilesBytes() throws Exception {
        alice.init();
        Path photo = file("photo.jpg", 2 * BlobHasher.CHUNK_SIZE + 1000);

        Run add = blob(alice, "add", photo.toString()).ok();

        assertEquals(List.of(BlobHasher.of(photo).toString()), add.outLines());
        JsonNode json = blob(alice, "add", "--json", photo.toString()).ok().json();
        assertEquals(BlobHasher.of(photo).toString(), json.get("id").asText());
        assertEquals(Files.size(photo), json.get("size").asLong());
        assertEquals("photo.jpg", json.get("name").asText());
    }

    @Test
    void blobLsListsWhatIsHeld() throws Exception {
        alice.init();
        assertTrue(blob(alice, "ls").ok().out().startsWith("No blobs here yet"));
        assertEquals(0, blob(alice, "ls", "--json").ok().json().size());
        Path photo = file("photo.jpg", 2 * BlobHasher.CHUNK_SIZE + 1000);
        BlobId id = addBlob(alice, photo);

        JsonNode ls = blob(alice, "ls", "--json").ok().json();

        assertEquals(1, ls.size(), ls::toString);
        JsonNode held = ls.get(0);
        assertEquals(id.toString(), held.get("id").asText());
        assertEquals(Files.size(photo), held.get("size").asLong());
        assertTrue(held.get("complete").asBoolean(), held::toString);
        assertEquals(3, held.get("chunks").asInt());
        assertEquals(3, held.get("held").asInt());
        String text = blob(alice, "ls").ok().out();
        assertTrue(text.contains(Render.shortId(id)) && text.contains("local") && text.contains("513.0 KiB"), text);
    }

    @Test
    void blobGetCopiesAHeldBlobWhole() throws Exception {
        alice.init();
        Path photo = file("photo.jpg", 2 * BlobHasher.CHUNK_SIZE + 1000);
        BlobId id = addBlob(alice, photo);
        Path copy = tmp.resolve("out").resolve("copy.jpg");
        Files.createDirectories(copy.getParent());

        Run get = blob(alice, "get", id.toString().substring(0, 10), "-o", copy.toString()).ok();

        assertEquals(List.of(copy.toString()), get.outLines());
        assertArrayEquals(Files.readAllBytes(photo), Files.readAllBytes(copy));
        try (Stream<Path> files = Files.list(copy.getParent())) {
            assertEquals(List.of(copy), files.toList(), "a temporary file was left beside the copy");
        }
        Path local = Path.of(blob(alice, "get", id.toString()).ok().out().strip());
        assertArrayEquals(Files.readAllBytes(photo), Files.readAllBytes(local));
    }

    @Test
    void blobRmRemovesItAndASecondRmFailsCleanly() throws Exception {
        alice.init();
        BlobId id = addBlob(alice, file("notes.txt", 5000));

        assertEquals("removed " + id, blob(alice, "rm", id.toString()).ok().out().strip());

        assertEquals(0, blob(alice, "ls", "--json").ok().json().size());
        blob(alice, "rm", id.toString()).fails(ExitCodes.FAILURE).mentioning("no blob");
        blob(alice, "get", id.toString()).fails(ExitCodes.FAILURE).mentioning("not here", "grapevine daemon");
    }

    @Test
    void aFileThatIsNotThereIsOneLineAndNothingIsPosted() throws Exception {
        alice.init();
        Path missing = tmp.resolve("missing.png");
        Path good = file("good.png", 1000);

        blob(alice, "add", missing.toString()).fails(ExitCodes.FAILURE).mentioning("no such file", "missing.png");
        blob(alice, "add", tmp.toString()).fails(ExitCodes.FAILURE).mentioning("directory");
        alice.run("post", "look", "--attach", good.toString(), missing.toString())
                .fails(ExitCodes.FAILURE).mentioning("no such file", "missing.png");

        assertEquals(0, alice.run("feed", "--json").ok().json().size(), "a post went out without its attachment");
        assertEquals(0, blob(alice, "ls", "--json").ok().json().size(), "a file was added for a post that failed");
    }

    @Test
    void anAttachedFileShowsInTheFeedAsLocal() throws Exception {
        alice.init();
        Path photo = file("photo.png", BlobHasher.CHUNK_SIZE + 1);

        EntryId post = EntryId.parse(alice.run("post", "look at this", "--attach", photo.toString()).ok().out().strip());

        JsonNode feed = alice.run("feed", "--json").ok().json();
        assertEquals(post.toString(), feed.get(0).get("id").asText());
        JsonNode attachments = feed.get(0).get("attachments");
        assertEquals(1, attachments.size(), feed::toString);
        JsonNode a = attachments.get(0);
        assertEquals(BlobHasher.of(photo).toString(), a.get("id").asText());
        assertEquals("photo.png", a.get("name").asText());
        assertEquals(Files.size(photo), a.get("size").asLong());
        assertEquals("image/png", a.get("media_type").asText());
        assertTrue(a.get("local").asBoolean(), a::toString);

        String text = alice.feed();
        assertTrue(text.contains("attached: photo.png  256.0 KiB  image/png  local"), text);
        JsonNode ls = blob(alice, "ls", "--json").ok().json();
        assertEquals("photo.png", ls.get(0).get("name").asText(), "blob ls names a blob after the post that attaches it");
    }

    @Test
    void aBlobIdThatIsWrongIsOneLine() {
        alice.init();
        BlobId id = addBlob(alice, file("a.txt", 10));

        blob(alice, "get", mistype(id.toString())).fails(ExitCodes.USAGE).mentioning("checksum");
        blob(alice, "get", "photo.jpg").fails(ExitCodes.USAGE).mentioning("starts with '^'");
        blob(alice, "get", "^ab").fails(ExitCodes.USAGE).mentioning("too short");
        blob(alice, "get", unknownBlobPrefix(id)).fails(ExitCodes.FAILURE).mentioning("no blob");
        blob(alice, "get", NO_BLOB).fails(ExitCodes.FAILURE).mentioning("not here");
        blob(alice, "get", id.toString(), "--timeout", "-1").fails(ExitCodes.USAGE);
        grapevine("blob").fails(ExitCodes.USAGE).mentioning("blob add FILE", "blob get ID");
    }

    static Stream<List<String>> badUsage() {
        return Stream.of(
                List.of("feed", "--home", HOME, "--limit", "0"),
                List.of("feed", "--home", HOME, "--limit", "x"),
                List.of("log", "--home", HOME, "--limit", "0"),
                List.of("feed", "--home", HOME, "--no-such-option"),
                List.of("post", "--home", HOME),
                List.of("post", "--home", HOME, " "),
                List.of("name", "--home", HOME, NOBODY, "@bob"),
                List.of("daemon", "--home", HOME, "--blob-max", "12XB"),
                List.of("daemon", "--home", HOME, "--blob-max", "-1"),
                List.of("daemon", "--home", HOME, "--blob-auto-max", "lots"),
                List.of("no-such-command"),
                List.of("--no-such-option"));
    }

    @ParameterizedTest
    @MethodSource("badUsage")
    void badUsageIsExitCodeTwoInOneLine(List<String> args) {
        alice.init();
        grapevine(withHome(args, alice)).fails(ExitCodes.USAGE);
    }

    @Test
    void verboseAddsTheStackTraceToTheOneLine() {
        alice.init();
        Run quiet = alice.run("thread", NO_ENTRY).fails(ExitCodes.FAILURE);

        Run after = alice.run("thread", "-v", NO_ENTRY);
        Run before = grapevine("-v", "thread", "--home", alice.home().toString(), NO_ENTRY);

        for (Run loud : List.of(after, before)) {
            assertEquals(ExitCodes.FAILURE, loud.exitCode(), loud::describe);
            assertEquals(quiet.error(), loud.error(), loud::describe);
            assertTrue(loud.errLines().size() > 1 && loud.err().contains("\tat org.grapevine.cli."), loud::describe);
        }

        Run usage = grapevine("-v", "feed", "--home", alice.home().toString(), "--limit", "x");
        assertEquals(ExitCodes.USAGE, usage.exitCode(), usage::describe);
        assertTrue(usage.err().contains("\tat picocli."), usage::describe);
    }

    // ---- the rest ----

    @Test
    void completionPrintsABashScript() {
        String script = grapevine("completion").ok().out();
        assertTrue(script.contains("complete -F _complete_grapevine"), script);
        assertTrue(script.contains("follow") && script.contains("--home"), script);
    }

    @Test
    void versionAndHelpExitZero() {
        assertTrue(grapevine("--version").ok().out().startsWith("grapevine "));
        assertTrue(grapevine("--help").ok().out().contains("Usage: grapevine"));
    }

    // ---- sizes and progress ----

    @Test
    void sizesReadAndPrintInBinaryUnits() {
        assertEquals(1048576, Sizes.parse("1048576"));
        assertEquals(20L << 20, Sizes.parse("20MiB"));
        assertEquals(20L << 20, Sizes.parse("20 mib"));
        assertEquals(3L << 29, Sizes.parse("1.5GiB"));
        assertEquals(512, Sizes.parse("512B"));
        for (String bad : List.of("", "MiB", "-1", "20MB", "1e9", "99999999999TiB")) {
            assertThrows(IllegalArgumentException.class, () -> Sizes.parse(bad), bad);
        }
        assertEquals("1023 B", Sizes.human(1023));
        assertEquals("1.5 KiB", Sizes.human(1536));
        assertEquals("40.0 MiB", Sizes.human(40L << 20));
        assertEquals("2.0 GiB", Sizes.human(2L << 30));
    }

    @Test
    void progressOffATerminalIsAPlainLineAtMostEverySecond() {
        TransferProgress p = new TransferProgress(false, "^abc");
        long mib = 1 << 20;

        assertEquals("looking for peers that hold ^abc (0 s)\n", p.update(0, new TransferProgress.Sample(-1, 0, 0, 0)));
        assertNull(p.update(200, new TransferProgress.Sample(40 * mib, 0, 0, 2)), "a second line within a second");
        assertEquals("2.0 MiB of 40.0 MiB from 3 peers, 2.0 MiB/s\n", p.update(1000, new TransferProgress.Sample(40 * mib, 2 * mib, 2 * mib, 3)));
        assertNull(p.update(5000, new TransferProgress.Sample(40 * mib, 2 * mib, 2 * mib, 3)), "a line while nothing moved");
        assertTrue(p.update(11_000, new TransferProgress.Sample(40 * mib, 2 * mib, 2 * mib, 3)).startsWith("2.0 MiB of 40.0 MiB from 3 peers"));
        assertEquals("got ^abc: 40.0 MiB in 12.0 s\n", p.done(12_000, 40 * mib));
    }

    @Test
    void progressOnATerminalRedrawsOneLine() {
        TransferProgress p = new TransferProgress(true, "^abc");
        long mib = 1 << 20;

        String first = p.update(0, new TransferProgress.Sample(40 * mib, 10 * mib, 0, 1));
        String second = p.update(1000, new TransferProgress.Sample(40 * mib, 20 * mib, 10 * mib, 2));

        assertEquals("\r[######------------------]  25%  10.0 MiB of 40.0 MiB from 1 peer", first);
        assertEquals("\r[############------------]  50%  20.0 MiB of 40.0 MiB from 2 peers, 10.0 MiB/s", second);
        String done = p.done(2000, 40 * mib);
        assertTrue(done.startsWith("\rgot ^abc: 40.0 MiB in 2.0 s") && done.endsWith("\n") && !done.contains("\n "), done);
        assertEquals(second.length(), done.length() - 1, "the last line blanks what is left of the longer one");
    }

    // ---- helpers ----

    /** A file of {@code size} bytes that differ from one test file to another. */
    private Path file(String name, int size) {
        byte[] bytes = new byte[size];
        new Random(name.hashCode() * 31L + size).nextBytes(bytes);
        try {
            return Files.write(tmp.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The arguments with {@value #HOME} replaced by the user's home. */
    private static String[] withHome(List<String> args, CliUser user) {
        return args.stream().map(a -> a.equals(HOME) ? user.home().toString() : a).toArray(String[]::new);
    }

    /** {@code grapevine blob SUBCOMMAND --home HOME ARGS...}. */
    private static Run blob(CliUser user, String subcommand, String... args) {
        List<String> all = new ArrayList<>(List.of("blob", subcommand, "--home", user.home().toString()));
        all.addAll(List.of(args));
        return grapevine(all.toArray(String[]::new));
    }

    private static BlobId addBlob(CliUser user, Path file) {
        return BlobId.parse(blob(user, "add", file.toString()).ok().out().strip());
    }

    /** A blob id prefix that {@code id} does not start with. */
    private static String unknownBlobPrefix(BlobId id) {
        return "^" + (id.toString().charAt(1) == 'z' ? 'y' : 'z') + "zzzzz";
    }

    /** The id with one character changed to another of the alphabet. */
    private static String mistype(String id) {
        int at = id.length() / 2;
        char c = id.charAt(at);
        char other = ALPHABET.charAt((ALPHABET.indexOf(c) + 1) % ALPHABET.length());
        return id.substring(0, at) + other + id.substring(at + 1);
    }

    /** An author id prefix that neither of these ids starts with. */
    private static String unknownPrefix(AuthorId... ids) {
        for (char c : ALPHABET.toCharArray()) {
            String prefix = "@" + c + "aaa";
            if (Stream.of(ids).noneMatch(id -> id.toString().startsWith(prefix))) return prefix;
        }
        throw new AssertionError("unreachable: two ids cannot share all 32 first characters");
    }

    private static List<String> texts(JsonNode array) {
        return field(array, "text");
    }

    private static List<String> field(JsonNode array, String name) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.get(name).asText()));
        return out;
    }
}
