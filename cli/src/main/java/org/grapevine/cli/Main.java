package org.grapevine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.grapevine.cli.command.GrapevineCommand;
import org.grapevine.identity.InvalidIdException;
import org.grapevine.node.Home;
import org.grapevine.node.blob.BlobException;
import org.grapevine.node.control.ControlClient;
import org.grapevine.node.store.StoreException;
import picocli.CommandLine;

/** Entry point: runs the command line and turns every failure into one line on stderr. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        Optional<Integer> forwarded = forwardToDaemon(args);
        if (forwarded.isPresent()) return forwarded.get();
        return commandLine().execute(args);
    }

    /**
     * Commands that never go to a daemon as a command line: they create a home, start one, or need
     * no store; or they are clients of the local API (docs/LOCAL-API.md) and ask the daemon themselves.
     */
    private static final Set<String> LOCAL = Set.of("init", "daemon", "completion", "help", "testnet", "demo",
            "whoami", "peers", "sync", "name", "profile", "follow", "unfollow", "block", "unblock", "nearby");

    /**
     * While a daemon runs on the command's home it holds the store, so the command runs there,
     * through the control channel. Empty when there is no daemon (or the command is local).
     */
    static Optional<Integer> forwardToDaemon(String[] args) {
        CommandLine.ParseResult parsed;
        try {
            parsed = commandLine().parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            return Optional.empty(); // Local execution reports it.
        }
        if (!parsed.hasSubcommand()) return Optional.empty();
        CommandLine.ParseResult sub = parsed.subcommand();
        if (LOCAL.contains(sub.commandSpec().name())) return Optional.empty();
        Path home = null;
        for (CommandLine.ParseResult p = sub; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) return Optional.empty();
            if (p.hasMatchedOption("--home")) home = p.matchedOptionValue("--home", home);
        }
        if (home == null) {
            String env = System.getenv("GRAPEVINE_HOME");
            home = env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".grapevine");
        }
        try {
            return ControlClient.run(new Home(home).controlSocket(), withClientFacts(args), System.out, System.err);
        } catch (IOException e) {
            System.err.println("grapevine: the daemon on " + home + " did not answer: " + e.getMessage());
            return Optional.of(ExitCodes.FAILURE);
        }
    }

    /**
     * The command line with what the daemon cannot see for itself: the user's working directory
     * (paths typed are relative to it) and whether the user is on a terminal. The hidden options go
     * before an end-of-options {@code --}, else last.
     */
    static List<String> withClientFacts(String[] args) {
        List<String> all = new ArrayList<>(List.of(args));
        List<String> facts = new ArrayList<>();
        facts.add("--cwd=" + Path.of("").toAbsolutePath());
        if (Session.onTerminal()) facts.add("--tty");
        int end = all.indexOf("--");
        all.addAll(end < 0 ? all.size() : end, facts);
        return all;
    }

    public static CommandLine commandLine() {
        GrapevineCommand root = new GrapevineCommand();
        CommandLine cli = new CommandLine(root);
        // Ids start with '@': "post @bob" must post "@bob", never the content of a file named bob.
        cli.setExpandAtFiles(false);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            int code;
            String message;
            if (e instanceof UserError u) {
                code = u.exitCode();
                message = u.getMessage();
            } else if (e instanceof InvalidIdException) {
                code = ExitCodes.USAGE;
                message = e.getMessage();
            } else if (e instanceof BlobException) {
                code = ExitCodes.FAILURE;
                message = e.getMessage();
            } else if (e instanceof StoreException) {
                code = e.getMessage().contains("locked") ? ExitCodes.LOCKED : ExitCodes.FAILURE;
                message = e.getMessage();
            } else {
                code = ExitCodes.INTERNAL;
                message = "unexpected error: " + e;
            }
            err.println("grapevine: " + message);
            if (root.verbose()) e.printStackTrace(err);
            err.flush();
            return code;
        });
        cli.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("grapevine: " + e.getMessage());
            if (root.verbose()) e.printStackTrace(err);
            err.flush();
            return ExitCodes.USAGE;
        });
        return cli;
    }
}
