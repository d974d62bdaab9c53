package org.grapevine.cli.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.UserError;
import org.grapevine.cli.Main;
import org.grapevine.testnet.Mode;
import org.grapevine.testnet.ScenarioRunner;
import org.grapevine.testnet.Scenarios;
import org.grapevine.testnet.process.DaemonLauncher;
import org.grapevine.testnet.scenario.Scenario;
import org.grapevine.testnet.scenario.ScenarioException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code grapevine testnet run FILE}: a scripted network of real nodes, and its report. */
@Command(name = "testnet", description = "Run scripted networks of many nodes (see test-net/SCENARIOS.md).",
        subcommands = TestnetCommand.Run.class)
public final class TestnetCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new UserError(ExitCodes.USAGE, "say what to do: grapevine testnet run FILE");
    }

    @Command(name = "run", description = "Run a scenario file (or a shipped one by name: "
            + "demo, meetup, internet, churn, partition, media, scale) and print its report.")
    public static final class Run implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "the scenario: a file, or the name of a shipped one")
        String file;

        @Option(names = "--json", description = "print the final report as JSON on stdout (the story goes to stderr)")
        boolean json;

        @Option(names = "--processes", description = "run each node as its own `grapevine daemon` process on 127.0.0.1")
        boolean processes;

        @Option(names = "--netns", description = "run each node as a daemon process in its own Linux network namespace, "
                + "where they find each other over mDNS (root)")
        boolean netns;

        @Option(names = "--keep", description = "keep the nodes' homes (printed at the end) instead of deleting them")
        boolean keep;

        @Option(names = "--events", description = "print every node's event log as it happens")
        boolean events;

        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            if (processes && netns) throw new UserError(ExitCodes.USAGE, "choose one of --processes and --netns");
            Mode mode = processes ? Mode.PROCESSES : netns ? Mode.NETNS : Mode.IN_JVM;
            Scenario scenario = load(file);
            if (mode == Mode.NETNS && !isRoot()) {
                throw new UserError(ExitCodes.USAGE, "--netns needs root (it creates network namespaces); try --processes");
            }
            PrintWriter story = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
            ScenarioRunner.Result result = runScenario(scenario, story, events, keep, mode);
            if (json) spec.commandLine().getOut().println(result.lastJson());
            return result.ok() ? ExitCodes.OK : ExitCodes.FAILURE;
        }
    }

    static Scenario load(String file) {
        try {
            return Scenarios.load(file);
        } catch (NoSuchFileException e) {
            throw new UserError(ExitCodes.USAGE, "no such scenario: " + e.getMessage());
        } catch (IOException e) {
            throw new UserError(ExitCodes.USAGE, "cannot read " + file + ": " + e.getMessage());
        } catch (ScenarioException e) {
            throw new UserError(ExitCodes.USAGE, e.getMessage());
        }
    }

    /** Whether this process runs as root, as network namespaces need. */
    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Runs a scenario in a fresh temporary directory, removed afterwards unless {@code keep}. */
    static ScenarioRunner.Result runScenario(Scenario scenario, PrintWriter story, boolean events, boolean keep, Mode mode) {
        Path work;
        try {
            work = Files.createTempDirectory("grapevine-testnet-");
        } catch (IOException e) {
            throw new UserError("cannot create a temporary directory: " + e.getMessage());
        }
        // Daemons run this CLI, on this JVM and class path.
        DaemonLauncher launcher = mode == Mode.IN_JVM ? null : DaemonLauncher.forThisJvm(Main.class.getName());
        // A channel bundle step writes the folder 'channel invite --bundle' writes.
        ScenarioRunner.Options options = new ScenarioRunner.Options(work, story, events, mode, launcher).withFolders(InviteFolder::forTestnet);
        try (ScenarioRunner runner = new ScenarioRunner(options)) {
            return runner.run(scenario);
        } catch (ScenarioException e) {
            throw new UserError(ExitCodes.USAGE, e.getMessage());
        } catch (ScenarioRunner.ScenarioFailure e) {
            throw new UserError(e.getMessage());
        } finally {
            if (keep) story.println("the nodes' homes are in " + work);
            else deleteTree(work);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is not worth failing the run for.
        }
    }
}
