package org.grapevine.cli.command;

import java.nio.file.Path;
import org.grapevine.cli.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root command: global options and the list of subcommands. */
@Command(name = "grapevine",
        mixinStandardHelpOptions = true,
        versionProvider = GrapevineCommand.Version.class,
        description = "A peer-to-peer social network of pseudonyms: no server, no accounts.",
        subcommands = {
            InitCommand.class, WhoamiCommand.class, PostCommand.class, FeedCommand.class,
            ThreadCommand.class, LogCommand.class, FollowCommand.class, UnfollowCommand.class,
            BlockCommand.class, UnblockCommand.class, NameCommand.class, ProfileCommand.class,
            DeleteCommand.class, DaemonCommand.class, PeersCommand.class, SyncCommand.class,
            InviteCommand.class, NearbyCommand.class, BlobCommand.class, ChannelCommand.class, DmCommand.class, TestnetCommand.class, DemoCommand.class,
            CompletionCommand.class
        })
public final class GrapevineCommand implements Runnable {
    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Show stack traces of errors.")
    boolean verbose;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    public boolean verbose() {
        return verbose;
    }

    /** The root command of the command line {@code spec} belongs to. */
    public static GrapevineCommand of(picocli.CommandLine.Model.CommandSpec spec) {
        return (GrapevineCommand) spec.root().userObject();
    }

    /** A path the user typed, made absolute against the user's working directory (the daemon has another). */
    public Path resolve(Path typed) {
        return typed.toAbsolutePath().normalize();
    }

    /** Whether the user watches on a terminal. */
    public boolean terminal() {
        return Session.onTerminal();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version from the jar's manifest (or "development" when run from classes). */
    public static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = GrapevineCommand.class.getPackage().getImplementationVersion();
            return new String[] {"grapevine " + (v == null ? "development" : v)};
        }
    }
}
