package org.grapevine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** One finished grapevine command: what it was given, its exit code, and what it printed. */
record Run(List<String> args, int exitCode, String out, String err) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Asserts success: exit code 0 and nothing on stderr. */
    Run ok() {
        assertEquals(ExitCodes.OK, exitCode, this::describe);
        assertEquals("", err, this::describe);
        return this;
    }

    /** Asserts a failure with {@code code}, told in one line on stderr and nothing on stdout. */
    Run fails(int code) {
        assertEquals(code, exitCode, this::describe);
        return failsInOneLine();
    }

    /** Asserts a non-zero exit told in exactly one "grapevine: ..." line on stderr, without a stack trace. */
    Run failsInOneLine() {
        assertNotEquals(ExitCodes.OK, exitCode, this::describe);
        assertEquals(1, errLines().size(), this::describe);
        assertTrue(err.startsWith("grapevine: "), this::describe);
        assertFalse(err.contains("\tat "), this::describe);
        assertEquals("", out, this::describe);
        return this;
    }

    /** The first line on stderr, the one meant for people. */
    String error() {
        return errLines().isEmpty() ? "" : errLines().get(0);
    }

    /** Asserts that the error line mentions each of {@code words}, ignoring case. */
    Run mentioning(String... words) {
        for (String w : words) {
            assertTrue(error().toLowerCase().contains(w.toLowerCase()), () -> "expected '" + w + "' in the error; " + describe());
        }
        return this;
    }

    List<String> errLines() {
        return err.isEmpty() ? List.of() : List.of(err.split("\\R"));
    }

    List<String> outLines() {
        return out.isEmpty() ? List.of() : List.of(out.split("\\R"));
    }

    /** Stdout parsed as JSON. */
    JsonNode json() {
        try {
            return JSON.readTree(out);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + describe(), e);
        }
    }

    String describe() {
        return "grapevine " + String.join(" ", args) + "\n-> exit " + exitCode + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
    }
}
