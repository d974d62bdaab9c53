package org.grapevine.cli.command;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.testnet.Mode;
import org.grapevine.testnet.ScenarioRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code grapevine demo}: five people, a few posts and a photo, one of them offline for a while;
 * then a private channel among three, a fourth let in from an invite folder, and one removed.
 */
@Command(name = "demo", description = {"Watch five nodes post, share a photo and catch up after going offline; then three share",
        "a private channel, let a fourth in from an invite folder and remove one (about 10 s)."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--events", description = "print every node's event log as it happens")
    boolean events;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ScenarioRunner.Result r = TestnetCommand.runScenario(TestnetCommand.load("demo"), out, events, false, Mode.IN_JVM);
        out.println(r.ok() ? "The demo ran as it should: every post and photo reached everyone it was for, nothing of the channel"
                + " reached anyone outside it, and bob can read nothing posted after his removal."
                : r.channelLeaks() > 0 ? "Something of the channel reached someone outside it: see the reports above."
                : "Something did not arrive in time: see the report above.");
        return r.ok() ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
