package org.grapevine.identity.content;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

final class Limits {
    private Limits() {}

    static void check(String s, int maxBytes, String what) {
        Objects.requireNonNull(s, what);
        int n = s.getBytes(StandardCharsets.UTF_8).length;
        if (n > maxBytes) throw new IllegalArgumentException(what + " of " + n + " bytes exceeds " + maxBytes);
    }
}
