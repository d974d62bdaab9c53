package org.grapevine.cli;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.Home;
import org.grapevine.node.store.AppendResult;
import org.grapevine.node.store.Store;
import picocli.CommandLine;

/**
 * A person with one home, typing grapevine commands: each runs in this JVM on a fresh
 * {@link Main#commandLine()}, as a new process would, with its output captured.
 */
final class CliUser {
    private final Path home;

    CliUser(Path home) {
        this.home = home;
    }

    Path home() {
        return home;
    }

    /** {@code grapevine ARGS...} with no home given. */
    static Run grapevine(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(List.of(args), code, out.toString(), err.toString());
    }

    /** {@code grapevine COMMAND --home HOME ARGS...}. */
    Run run(String command, String... args) {
        List<String> all = new ArrayList<>();
        all.add(command);
        all.add("--home");
        all.add(home.toString());
        all.addAll(List.of(args));
        return grapevine(all.toArray(String[]::new));
    }

    /** Creates this person's pseudonym (no passphrase: an in-process test cannot set the environment). */
    AuthorId init(String... args) {
        List<String> all = new ArrayList<>(List.of("--no-passphrase"));
        all.addAll(List.of(args));
        return AuthorId.parse(run("init", all.toArray(String[]::new)).ok().out().strip());
    }

    AuthorId id() {
        try {
            return new Home(home).selfId().orElseThrow(() -> new AssertionError("no identity in " + home));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    EntryId post(String text) {
        return EntryId.parse(run("post", text).ok().out().strip());
    }

    EntryId reply(String parent, String text) {
        return EntryId.parse(run("post", "--reply", parent, text).ok().out().strip());
    }

    String feed(String... args) {
        return run("feed", args).ok().out();
    }

    Run follow(Object whom) {
        return run("follow", whom.toString()).ok();
    }

    /**
     * Stands in for replication: copies {@code author}'s whole log from their store into this
     * one. Both homes must be idle, as each store admits one holder.
     */
    void receives(CliUser author) {
        AuthorId id = author.id();
        try (Store from = Store.open(new Home(author.home).storeFile());
             Store to = Store.open(new Home(home).storeFile())) {
            List<Entry> entries = from.log(id, 1, 1000);
            for (AppendResult r : to.appendAll(entries)) {
                assertNotEquals(AppendResult.Status.REJECTED, r.status(), r::reason);
                assertNotEquals(AppendResult.Status.FORK, r.status(), r::reason);
            }
        }
    }
}
