package org.grapevine.testnet;

import java.util.ArrayList;
import java.util.List;
import org.grapevine.testnet.scenario.Scenario;
import org.grapevine.testnet.scenario.ScenarioException;
import org.grapevine.testnet.scenario.Step;

/** Where a scenario's nodes run: all in this JVM, each as a daemon process, or each in a network namespace too. */
public enum Mode {
    IN_JVM, PROCESSES, NETNS;

    /** Each node is a JVM of its own: beyond this many the machine, not the network, is what a run measures. */
    public static final int MAX_PROCESSES = 40;

    /**
     * What in {@code scenario} this mode cannot honour, one problem a line, so the run is refused
     * before anything starts.
     */
    public List<ScenarioException.Problem> problems(Scenario scenario) {
        List<ScenarioException.Problem> out = new ArrayList<>();
        if (this == IN_JVM) return out;
        if (scenario.nodes() > MAX_PROCESSES) {
            int line = scenario.stepsOf(Step.Nodes.class).get(0).line();
            out.add(new ScenarioException.Problem(scenario.source(), line, scenario.nodes() + " nodes is too many for "
                    + flag() + ": each node is a JVM of its own, at most " + MAX_PROCESSES + " (run it without " + flag() + ")"));
        }
        return out;
    }

    /** The command-line flag that picks this mode. */
    public String flag() {
        return switch (this) {
            case IN_JVM -> "";
            case PROCESSES -> "--processes";
            case NETNS -> "--netns";
        };
    }
}
