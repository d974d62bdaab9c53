package org.grapevine.cli;

import static org.grapevine.cli.CliUser.grapevine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.EntryId;
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
                List.of("delete", NO_ENTRY));
    }

    @ParameterizedTest
    @MethodSource("commandsThatNeedAnIdentity")
    void beforeInitEveryCommandSaysToRunInit(List<String> command) {
        alice.run(command.get(0), command.subList(1, command.size()).toArray(String[]::new))
                .fails(ExitCodes.IDENTITY).mentioning("init");
        assertFalse(Files.exists(alice.home()), "a command before init created " + alice.home());
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

    static Stream<List<String>> badUsage() {
        return Stream.of(
                List.of("feed", "--home", HOME, "--limit", "0"),
                List.of("feed", "--home", HOME, "--limit", "x"),
                List.of("log", "--home", HOME, "--limit", "0"),
                List.of("feed", "--home", HOME, "--no-such-option"),
                List.of("post", "--home", HOME),
                List.of("post", "--home", HOME, " "),
                List.of("name", "--home", HOME, NOBODY, "@bob"),
                List.of("no-such-command"),
                List.of("--no-such-option"));
    }

    @ParameterizedTest
    @MethodSource("badUsage")
    void badUsageIsExitCodeTwoInOneLine(List<String> args) {
        alice.init();
        List<String> withHome = new ArrayList<>();
        for (String a : args) withHome.add(a.equals(HOME) ? alice.home().toString() : a);
        grapevine(withHome.toArray(String[]::new)).fails(ExitCodes.USAGE);
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

    // ---- helpers ----

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
