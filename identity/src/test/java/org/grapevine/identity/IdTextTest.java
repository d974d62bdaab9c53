package org.grapevine.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IdTextTest {
    private static final String ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
    /** Every character a person might type in an id: the alphabet both cases, Crockford's look-alikes, and junk. */
    private static final String CANDIDATES = ALPHABET + ALPHABET.toUpperCase(Locale.ROOT) + "oOiIlLuU-_ .!%@^é\u0000";

    private static byte[] randomBytes(Random random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return b;
    }

    /** The 5-bit value a typed character stands for, or -1 when it stands for none. */
    private static int valueOf(char c) {
        char lower = Character.toLowerCase(c);
        if (lower == 'o') return 0;
        if (lower == 'i' || lower == 'l') return 1;
        return c < 128 ? ALPHABET.indexOf(lower) : -1;
    }

    @Test
    void roundTripsEveryKind() {
        Random random = new Random(1);
        for (int i = 0; i < 1000; i++) {
            byte[] b = randomBytes(random);
            AuthorId author = new AuthorId(b);
            EntryId entry = new EntryId(b);
            BlobId blob = new BlobId(b);
            assertEquals(author, AuthorId.parse(author.toString()));
            assertEquals(entry, EntryId.parse(entry.toString()));
            assertEquals(blob, BlobId.parse(blob.toString()));
            assertArrayEquals(b, IdText.parse(IdText.Kind.AUTHOR, IdText.format(IdText.Kind.AUTHOR, b)));
        }
    }

    @Test
    void textHasSigilAndFiftySixLowerCaseCharacters() {
        String s = new AuthorId(randomBytes(new Random(2))).toString();
        assertEquals('@', s.charAt(0));
        assertEquals(1 + IdText.BODY_CHARS, s.length());
        assertEquals(56, IdText.BODY_CHARS);
        for (char c : s.substring(1).toCharArray()) assertTrue(ALPHABET.indexOf(c) >= 0, "character " + c);
        assertEquals('%', new EntryId(new byte[32]).toString().charAt(0));
        assertEquals('^', new BlobId(new byte[32]).toString().charAt(0));
    }

    @Test
    void kindsOfTheSameBytesHaveDifferentChecksums() {
        byte[] b = randomBytes(new Random(3));
        String author = new AuthorId(b).toString().substring(1);
        String entry = new EntryId(b).toString().substring(1);
        String blob = new BlobId(b).toString().substring(1);
        assertNotEquals(author, entry);
        assertNotEquals(author, blob);
        assertNotEquals(entry, blob);
    }

    @Test
    void parsingIgnoresCaseAndSurroundingWhitespace() {
        AuthorId id = new AuthorId(randomBytes(new Random(4)));
        String s = id.toString();
        assertEquals(id, AuthorId.parse(s.toUpperCase(Locale.ROOT)));
        assertEquals(id, AuthorId.parse("  " + s + "\n"));
        StringBuilder mixed = new StringBuilder(s);
        for (int i = 1; i < mixed.length(); i += 2) mixed.setCharAt(i, Character.toUpperCase(mixed.charAt(i)));
        assertEquals(id, AuthorId.parse(mixed.toString()));
    }

    @Test
    void onlyAsciiWhitespaceIsTrimmedSoEveryImplementationReadsTheSame() {
        AuthorId id = new AuthorId(randomBytes(new Random(8)));
        String text = id.toString();
        for (String space : new String[] {" ", "\t", "\n", "\u000b", "\f", "\r"}) {
            assertEquals(id, AuthorId.parse(space + text + space), () -> "trims U+" + Integer.toHexString(space.charAt(0)));
        }
        // Unicode spaces, which languages' trims disagree on, are not trimmed: they fail as characters no id has.
        for (String space : new String[] {"\u00a0", "\u0085", "\u2003", "\u3000", "\u200b"}) {
            assertThrows(InvalidIdException.class, () -> AuthorId.parse(text + space), () -> "U+" + Integer.toHexString(space.charAt(0)));
            assertThrows(InvalidIdException.class, () -> AuthorId.parse(space + text), () -> "U+" + Integer.toHexString(space.charAt(0)));
        }
    }

    @Test
    void lookAlikesReadAsZeroAndOne() {
        Random random = new Random(5);
        AuthorId id;
        String s;
        do {
            id = new AuthorId(randomBytes(random));
            s = id.toString();
        } while (s.indexOf('0', 1) < 0 || s.indexOf('1', 1) < 0);
        assertEquals(id, AuthorId.parse("@" + s.substring(1).replace('0', 'o')));
        assertEquals(id, AuthorId.parse("@" + s.substring(1).replace('0', 'O')));
        assertEquals(id, AuthorId.parse("@" + s.substring(1).replace('1', 'i')));
        assertEquals(id, AuthorId.parse("@" + s.substring(1).replace('1', 'L')));
    }

    @Test
    void everySingleCharacterSubstitutionIsRejectedUnlessItMeansTheSame() {
        Random random = new Random(6);
        int rejected = 0;
        for (int sample = 0; sample < 20; sample++) {
            for (IdText.Kind kind : IdText.Kind.values()) {
                byte[] bytes = randomBytes(random);
                String s = IdText.format(kind, bytes);
                for (int pos = 1; pos < s.length(); pos++) {
                    for (char c : CANDIDATES.toCharArray()) {
                        String typo = s.substring(0, pos) + c + s.substring(pos + 1);
                        if (valueOf(c) == valueOf(s.charAt(pos))) {
                            assertArrayEquals(bytes, IdText.parse(kind, typo), typo);
                        } else {
                            assertThrows(InvalidIdException.class, () -> IdText.parse(kind, typo), typo);
                            rejected++;
                        }
                    }
                }
            }
        }
        assertTrue(rejected > 100_000, "rejected " + rejected);
    }

    @Test
    void adjacentTranspositionsAreRejected() {
        Random random = new Random(7);
        for (int sample = 0; sample < 50; sample++) {
            String s = new EntryId(randomBytes(random)).toString();
            for (int pos = 1; pos + 1 < s.length(); pos++) {
                if (s.charAt(pos) == s.charAt(pos + 1)) continue;
                String swapped = s.substring(0, pos) + s.charAt(pos + 1) + s.charAt(pos) + s.substring(pos + 2);
                assertThrows(InvalidIdException.class, () -> EntryId.parse(swapped), swapped);
            }
        }
    }

    @Test
    void wrongSigilIsRejectedWithAMessageNamingIt() {
        String author = new AuthorId(randomBytes(new Random(8))).toString();
        InvalidIdException e = assertThrows(InvalidIdException.class, () -> EntryId.parse(author));
        assertTrue(e.getMessage().contains("must start with '%'"), e.getMessage());
        assertThrows(InvalidIdException.class, () -> AuthorId.parse("#" + author.substring(1)));
        assertThrows(InvalidIdException.class, () -> AuthorId.parse(author.substring(1)));
        assertThrows(InvalidIdException.class, () -> BlobId.parse(author));
    }

    @Test
    void anotherKindsBodyUnderThisSigilFailsItsChecksum() {
        Random random = new Random(9);
        for (int i = 0; i < 200; i++) {
            byte[] b = randomBytes(random);
            String entry = new EntryId(b).toString();
            String blob = new BlobId(b).toString();
            InvalidIdException e = assertThrows(InvalidIdException.class, () -> AuthorId.parse("@" + entry.substring(1)));
            assertTrue(e.getMessage().contains("checksum"), e.getMessage());
            assertThrows(InvalidIdException.class, () -> AuthorId.parse("@" + blob.substring(1)));
            assertThrows(InvalidIdException.class, () -> EntryId.parse("%" + blob.substring(1)));
            assertThrows(InvalidIdException.class, () -> BlobId.parse("^" + entry.substring(1)));
        }
    }

    @Test
    void wrongLengthsAreRejected() {
        String s = new AuthorId(randomBytes(new Random(10))).toString();
        List<String> bad = new ArrayList<>(List.of("", "   ", "@", s.substring(0, s.length() - 1), s + "0", s + s.substring(1)));
        for (int n = 1; n < s.length(); n += 7) bad.add(s.substring(0, n));
        for (String text : bad) {
            InvalidIdException e = assertThrows(InvalidIdException.class, () -> AuthorId.parse(text), text);
            assertTrue(e.getMessage().startsWith("an author id"), e.getMessage());
        }
        assertThrows(InvalidIdException.class, () -> AuthorId.parse(null));
        InvalidIdException e = assertThrows(InvalidIdException.class, () -> AuthorId.parse(s + "0"));
        assertTrue(e.getMessage().contains("56 characters"), e.getMessage());
    }

    @Test
    void messagesAreOneShortLine() {
        String longJunk = "@" + "x".repeat(500);
        InvalidIdException e = assertThrows(InvalidIdException.class, () -> AuthorId.parse(longJunk));
        assertTrue(e.getMessage().length() < 120, e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    @Test
    void idsCopyTheirBytesAndCompareByValue() {
        byte[] b = randomBytes(new Random(11));
        AuthorId id = new AuthorId(b);
        b[0] ^= 1;
        assertNotEquals(new AuthorId(b), id);
        byte[] out = id.bytes();
        out[1] ^= 1;
        assertNotEquals(new AuthorId(out), id);
        b[0] ^= 1;
        assertEquals(new AuthorId(b), id);
        assertEquals(new AuthorId(b).hashCode(), id.hashCode());
        assertEquals(64, id.hex().length());

        byte[] low = new byte[32];
        byte[] high = new byte[32];
        high[0] = (byte) 0x80; // unsigned order: 0x80 sorts after 0x00
        assertTrue(new EntryId(low).compareTo(new EntryId(high)) < 0);
        assertTrue(new BlobId(high).compareTo(new BlobId(low)) > 0);
    }

    @Test
    void constructorsRejectWrongSizes() {
        for (int n : new int[] {0, 31, 33}) {
            assertThrows(IllegalArgumentException.class, () -> new AuthorId(new byte[n]));
            assertThrows(IllegalArgumentException.class, () -> new EntryId(new byte[n]));
            assertThrows(IllegalArgumentException.class, () -> new BlobId(new byte[n]));
            assertThrows(IllegalArgumentException.class, () -> IdText.format(IdText.Kind.AUTHOR, new byte[n]));
        }
        assertThrows(IllegalArgumentException.class, () -> new AuthorId(null));
    }

    @Test
    void aTypoNeverNamesAnotherPerson() {
        // The property the checksum exists for, stated directly over many random ids and typos.
        Random random = new Random(12);
        for (int i = 0; i < 20_000; i++) {
            AuthorId id = new AuthorId(randomBytes(random));
            String s = id.toString();
            int pos = 1 + random.nextInt(IdText.BODY_CHARS);
            char c = ALPHABET.charAt(random.nextInt(32));
            String typo = s.substring(0, pos) + c + s.substring(pos + 1);
            try {
                AuthorId parsed = AuthorId.parse(typo);
                if (!parsed.equals(id)) fail("typo " + typo + " of " + s + " parsed as " + parsed);
            } catch (InvalidIdException expected) {
                // rejected: good
            }
        }
    }
}
