package org.grapevine.testnet.scenario;

import java.util.ArrayList;
import java.util.List;

/** Splits one line of a script into words, quoted strings and the marks {@code ->}, {@code |} and {@code ,}. */
final class Lexer {
    enum Type { WORD, STRING, ARROW, BAR, COMMA }

    record Token(Type type, String text) {
        /** How the token looks in a script, for messages. */
        String written() {
            return type == Type.STRING ? Values.quote(text) : text;
        }
    }

    private Lexer() {}

    /** The tokens of {@code line}; a {@code #} outside quotes ends the line. */
    static List<Token> tokens(String line) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
            } else if (c == '#') {
                break;
            } else if (c == '"') {
                i = string(line, i + 1, tokens);
            } else if (c == '|') {
                tokens.add(new Token(Type.BAR, "|"));
                i++;
            } else if (c == ',') {
                tokens.add(new Token(Type.COMMA, ","));
                i++;
            } else if (line.startsWith("->", i)) {
                tokens.add(new Token(Type.ARROW, "->"));
                i += 2;
            } else {
                int start = i;
                while (i < n && !endsWord(line, i)) i++;
                tokens.add(new Token(Type.WORD, line.substring(start, i)));
            }
        }
        return tokens;
    }

    private static boolean endsWord(String line, int i) {
        char c = line.charAt(i);
        return c == ' ' || c == '\t' || c == '#' || c == '"' || c == '|' || c == ',' || line.startsWith("->", i);
    }

    /** Reads a string whose opening quote is just before {@code i}; returns the index after the closing quote. */
    private static int string(String line, int i, List<Token> tokens) {
        StringBuilder text = new StringBuilder();
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '"') {
                tokens.add(new Token(Type.STRING, text.toString()));
                return i + 1;
            }
            if (c == '\\') {
                if (i + 1 == line.length()) break;
                char next = line.charAt(i + 1);
                if (next != '"' && next != '\\') {
                    throw new LineError("unknown escape '\\" + next + "' in a string (only \\\" and \\\\ are allowed)");
                }
                text.append(next);
                i += 2;
            } else if (Character.isISOControl(c) && c != '\t') {
                throw new LineError("a string cannot hold the control character U+" + String.format("%04X", (int) c));
            } else {
                text.append(c);
                i++;
            }
        }
        throw new LineError("unterminated string (no closing \")");
    }
}
