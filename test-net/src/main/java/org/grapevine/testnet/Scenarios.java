package org.grapevine.testnet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.grapevine.testnet.scenario.Scenario;
import org.grapevine.testnet.scenario.ScenarioException;
import org.grapevine.testnet.scenario.ScenarioParser;

/** The scenarios shipped with Grapevine (test-net/scenarios), and loading a scenario by file or by name. */
public final class Scenarios {
    /** The names of the shipped scenarios. */
    public static final List<String> SHIPPED = List.of("demo", "meetup", "internet", "churn", "partition", "media", "scale", "wedding", "messages");

    private Scenarios() {}

    /** A shipped scenario's text, by name. */
    public static Optional<String> shipped(String name) throws IOException {
        if (!SHIPPED.contains(name)) return Optional.empty();
        try (InputStream in = Scenarios.class.getResourceAsStream("/scenarios/" + name + ".txt")) {
            if (in == null) return Optional.empty();
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Parses a scenario file, or, when no such file exists, the shipped scenario of that name. */
    public static Scenario load(String fileOrName) throws IOException, ScenarioException {
        Path file = Path.of(fileOrName);
        if (Files.isRegularFile(file)) return ScenarioParser.parse(file);
        Optional<String> text = shipped(fileOrName);
        if (text.isPresent()) return ScenarioParser.parse(text.get(), fileOrName + ".txt");
        throw new java.nio.file.NoSuchFileException(fileOrName + " (neither a file nor one of the shipped scenarios: "
                + String.join(", ", SHIPPED) + ")");
    }
}
