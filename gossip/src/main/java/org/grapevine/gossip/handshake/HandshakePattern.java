package org.grapevine.gossip.handshake;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Noise handshake pattern (spec rev 34, sections 7 and 9): pre-messages and message token
 * lists, written in the spec's own notation. Covers the one-way, fundamental interactive and
 * deferred patterns, with any psk modifiers ({@code XXpsk3}, {@code NNpsk0+psk2}).
 */
public final class HandshakePattern {
    enum Token { E, S, EE, ES, SE, SS, PSK }

    private static final Map<String, String[]> BASE = new HashMap<>();

    private static void define(String name, String... lines) {
        BASE.put(name, lines);
    }

    static {
        // One-way (7.4).
        define("N", "<- s", "...", "-> e, es");
        define("K", "-> s", "<- s", "...", "-> e, es, ss");
        define("X", "<- s", "...", "-> e, es, s, ss");
        // Fundamental interactive (7.4).
        define("NN", "-> e", "<- e, ee");
        define("NK", "<- s", "...", "-> e, es", "<- e, ee");
        define("NX", "-> e", "<- e, ee, s, es");
        define("KN", "-> s", "...", "-> e", "<- e, ee, se");
        define("KK", "-> s", "<- s", "...", "-> e, es, ss", "<- e, ee, se");
        define("KX", "-> s", "...", "-> e", "<- e, ee, se, s, es");
        define("XN", "-> e", "<- e, ee", "-> s, se");
        define("XK", "<- s", "...", "-> e, es", "<- e, ee", "-> s, se");
        define("XX", "-> e", "<- e, ee, s, es", "-> s, se");
        define("IN", "-> e, s", "<- e, ee, se");
        define("IK", "<- s", "...", "-> e, es, s, ss", "<- e, ee, se");
        define("IX", "-> e, s", "<- e, ee, se, s, es");
        // Deferred (7.6).
        define("NK1", "<- s", "...", "-> e", "<- e, ee, es");
        define("NX1", "-> e", "<- e, ee, s", "-> es");
        define("X1N", "-> e", "<- e, ee", "-> s", "<- se");
        define("X1K", "<- s", "...", "-> e, es", "<- e, ee", "-> s", "<- se");
        define("XK1", "<- s", "...", "-> e", "<- e, ee, es", "-> s, se");
        define("X1K1", "<- s", "...", "-> e", "<- e, ee, es", "-> s", "<- se");
        define("X1X", "-> e", "<- e, ee, s, es", "-> s", "<- se");
        define("XX1", "-> e", "<- e, ee, s", "-> es, s, se");
        define("X1X1", "-> e", "<- e, ee, s", "-> es, s", "<- se");
        define("K1N", "-> s", "...", "-> e", "<- e, ee", "-> se");
        define("K1K", "-> s", "<- s", "...", "-> e, es", "<- e, ee", "-> se");
        define("KK1", "-> s", "<- s", "...", "-> e", "<- e, ee, se, es");
        define("K1K1", "-> s", "<- s", "...", "-> e", "<- e, ee, es", "-> se");
        define("K1X", "-> s", "...", "-> e", "<- e, ee, s, es", "-> se");
        define("KX1", "-> s", "...", "-> e", "<- e, ee, se, s", "-> es");
        define("K1X1", "-> s", "...", "-> e", "<- e, ee, s", "-> se, es");
        define("I1N", "-> e, s", "<- e, ee", "-> se");
        define("I1K", "<- s", "...", "-> e, es, s", "<- e, ee", "-> se");
        define("IK1", "<- s", "...", "-> e, s", "<- e, ee, se, es");
        define("I1K1", "<- s", "...", "-> e, s", "<- e, ee, es", "-> se");
        define("I1X", "-> e, s", "<- e, ee, s, es", "-> se");
        define("IX1", "-> e, s", "<- e, ee, se, s", "-> es");
        define("I1X1", "-> e, s", "<- e, ee, s", "-> se, es");
    }

    private final String name;
    private final boolean initiatorPreStatic;
    private final boolean responderPreStatic;
    private final List<List<Token>> messages;
    private final boolean oneWay;
    private final int pskCount;

    private HandshakePattern(String name, boolean initiatorPreStatic, boolean responderPreStatic,
                             List<List<Token>> messages, boolean oneWay) {
        this.name = name;
        this.initiatorPreStatic = initiatorPreStatic;
        this.responderPreStatic = responderPreStatic;
        this.messages = messages;
        this.oneWay = oneWay;
        this.pskCount = (int) messages.stream().flatMap(List::stream).filter(t -> t == Token.PSK).count();
    }

    /**
     * The pattern with this name, e.g. {@code XX}, {@code IK}, {@code XK1}, {@code NNpsk0+psk2}.
     *
     * @throws IllegalArgumentException for an unknown pattern or a bad modifier
     */
    public static HandshakePattern forName(String name) {
        int modifierStart = name.indexOf("psk");
        String base = modifierStart < 0 ? name : name.substring(0, modifierStart);
        String[] lines = BASE.get(base);
        if (lines == null) {
            throw new IllegalArgumentException("unknown Noise handshake pattern: " + name);
        }
        boolean initiatorPre = false;
        boolean responderPre = false;
        List<List<Token>> messages = new ArrayList<>();
        boolean inPre = List.of(lines).contains("...");
        for (String line : lines) {
            if (line.equals("...")) {
                inPre = false;
                continue;
            }
            boolean fromInitiator = line.startsWith("->");
            List<Token> tokens = parseTokens(line.substring(3));
            if (inPre) {
                // Only static keys appear in the pre-messages of the patterns defined above.
                if (fromInitiator) {
                    initiatorPre = true;
                } else {
                    responderPre = true;
                }
            } else {
                if (fromInitiator != (messages.size() % 2 == 0)) {
                    throw new AssertionError("pattern " + base + " does not alternate");
                }
                messages.add(tokens);
            }
        }
        if (modifierStart >= 0) {
            for (String modifier : name.substring(modifierStart).split("\\+", -1)) {
                addPsk(messages, modifier, name);
            }
        }
        return new HandshakePattern(name, initiatorPre, responderPre,
                messages.stream().map(List::copyOf).toList(), base.length() == 1);
    }

    private static void addPsk(List<List<Token>> messages, String modifier, String name) {
        if (!modifier.matches("psk[0-9]{1,2}")) {
            throw new IllegalArgumentException("bad pattern modifier '" + modifier + "' in " + name);
        }
        int position = Integer.parseInt(modifier.substring(3));
        if (position > messages.size()) {
            throw new IllegalArgumentException(modifier + " beyond the last message of " + name);
        }
        if (position == 0) {
            messages.get(0).add(0, Token.PSK);
        } else {
            messages.get(position - 1).add(Token.PSK);
        }
    }

    private static List<Token> parseTokens(String text) {
        List<Token> tokens = new ArrayList<>();
        for (String t : text.split(",")) {
            tokens.add(Token.valueOf(t.trim().toUpperCase(java.util.Locale.ROOT)));
        }
        return tokens;
    }

    public String name() {
        return name;
    }

    /** Whether only the initiator ever sends (N, K, X and their psk variants). */
    public boolean isOneWay() {
        return oneWay;
    }

    public int messageCount() {
        return messages.size();
    }

    /** How many pre-shared keys the pattern consumes. */
    public int pskCount() {
        return pskCount;
    }

    /** Whether the responder must know the initiator's static key beforehand. */
    public boolean initiatorStaticPreKnown() {
        return initiatorPreStatic;
    }

    /** Whether the initiator must know the responder's static key beforehand. */
    public boolean responderStaticPreKnown() {
        return responderPreStatic;
    }

    /** Whether the given side has a static key in this pattern at all. */
    public boolean usesStatic(boolean initiator) {
        if (initiator ? initiatorPreStatic : responderPreStatic) {
            return true;
        }
        for (int i = initiator ? 0 : 1; i < messages.size(); i += 2) {
            if (messages.get(i).contains(Token.S)) {
                return true;
            }
        }
        return false;
    }

    List<Token> message(int index) {
        return messages.get(index);
    }

    @Override
    public String toString() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HandshakePattern p && p.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }
}
