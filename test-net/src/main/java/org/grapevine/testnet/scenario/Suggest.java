package org.grapevine.testnet.scenario;

import java.util.List;

/** "Did you mean": the known word nearest a misspelt one. */
final class Suggest {
    static final int MAX_DISTANCE = 2;

    private Suggest() {}

    /**
     * The first of {@code known} at the smallest edit distance from {@code word}, if that
     * distance is at most 2 and shorter than the word (so "ab" does not turn into "say"); else null.
     */
    static String closest(String word, List<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(word, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return bestDistance <= MAX_DISTANCE && bestDistance < word.length() ? best : null;
    }

    /** Levenshtein distance: insertions, deletions and substitutions, one each. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) previous[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
