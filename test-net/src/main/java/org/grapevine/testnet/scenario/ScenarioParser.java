package org.grapevine.testnet.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads a scenario script (SCENARIOS.md is the reference) and checks all of it before anything
 * runs, so a typo on line 40 fails in a second rather than after ten minutes of network.
 */
public final class ScenarioParser {
    /** Scripts are small; anything larger is not one. */
    public static final int MAX_BYTES = 1 << 20;

    private ScenarioParser() {}

    /**
     * Parses and checks a script.
     *
     * @param sourceName names the script in messages, e.g. {@code churn.txt}
     * @throws ScenarioException with every problem found, each as {@code NAME:LINE: problem}
     */
    public static Scenario parse(String text, String sourceName) throws ScenarioException {
        if (text.length() > MAX_BYTES) throw whole(sourceName, "the script is larger than 1 MiB");
        List<ScenarioException.Problem> problems = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        int firstBroken = Integer.MAX_VALUE;
        String[] lines = text.lines().toArray(String[]::new);
        for (int i = 0; i < lines.length; i++) {
            int line = i + 1;
            String content = i == 0 && lines[0].startsWith("\uFEFF") ? lines[0].substring(1) : lines[i];
            try {
                List<Lexer.Token> tokens = Lexer.tokens(content);
                if (!tokens.isEmpty()) steps.add(LineParser.parse(line, tokens));
            } catch (LineError e) {
                problems.add(new ScenarioException.Problem(sourceName, line, e.getMessage()));
                firstBroken = Math.min(firstBroken, line);
            }
        }
        for (Validator.Problem p : Validator.check(steps, firstBroken)) {
            problems.add(new ScenarioException.Problem(sourceName, p.line(), p.message()));
        }
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparingInt(ScenarioException.Problem::line)); // stable: a line's syntax error first
            throw new ScenarioException(problems);
        }
        return new Scenario(sourceName, ((Step.Nodes) steps.get(0)).count(), steps);
    }

    /**
     * Parses and checks a UTF-8 script file, named in messages by its file name.
     *
     * @throws ScenarioException also for a file over 1 MiB or not UTF-8
     */
    public static Scenario parse(Path file) throws IOException, ScenarioException {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) throw whole(name, "the file is larger than 1 MiB");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw whole(name, "the file is not UTF-8 text");
        }
        return parse(text, name);
    }

    private static ScenarioException whole(String source, String message) {
        return new ScenarioException(List.of(new ScenarioException.Problem(source, 0, message)));
    }
}
