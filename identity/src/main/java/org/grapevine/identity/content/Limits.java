package org.grapevine.identity.content;

import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

final class Limits {
    private Limits() {}

    /**
     * Rejects strings over {@code maxBytes} of UTF-8 and strings UTF-8 cannot carry (a lone
     * surrogate would silently become '?' and the text would not survive a round trip).
     */
    static void check(String s, int maxBytes, String what) {
        Objects.requireNonNull(s, what);
        int n;
        try {
            n = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s))
                    .remaining();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " is not valid Unicode text");
        }
        if (n > maxBytes) throw new IllegalArgumentException(what + " of " + n + " bytes exceeds " + maxBytes);
    }
}
