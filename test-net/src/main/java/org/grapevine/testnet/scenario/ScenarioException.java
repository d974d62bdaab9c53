package org.grapevine.testnet.scenario;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A script that cannot run, with every problem found, in line order. The message has one
 * problem a line, {@code churn.txt:7: node 12 is out of range (the scenario has 10 nodes)}.
 */
public final class ScenarioException extends Exception {
    private static final long serialVersionUID = 1L;
    /** Beyond this many problems the message only counts the rest. */
    static final int MAX_SHOWN = 50;

    private final transient List<Problem> problems;

    public ScenarioException(List<Problem> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in line order. */
    public List<Problem> problems() {
        return problems;
    }

    private static String message(List<Problem> problems) {
        if (problems.isEmpty()) throw new IllegalArgumentException("no problems");
        String shown = problems.stream().limit(MAX_SHOWN).map(Problem::toString).collect(Collectors.joining("\n"));
        int rest = problems.size() - MAX_SHOWN;
        return rest > 0 ? shown + "\n(and " + rest + " more)" : shown;
    }

    /** One problem on one line of a script; line 0 is about the whole file. */
    public record Problem(String source, int line, String message) {
        public Problem {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public String toString() {
            return line > 0 ? source + ":" + line + ": " + message : source + ": " + message;
        }
    }
}
