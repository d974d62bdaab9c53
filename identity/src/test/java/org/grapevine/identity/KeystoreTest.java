package org.grapevine.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.grapevine.identity.Keystore.KdfParams;
import org.grapevine.identity.KeystoreException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeystoreTest {
    private static final KdfParams FAST = KdfParams.FAST_FOR_TESTS;
    private static final int NO_KDF_SIZE = 66;
    private static final int ARGON2_SIZE = 91;

    @TempDir
    Path dir;

    private final Identity alice = identity(1);

    private static Identity identity(int n) {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) n);
        return Identity.fromSeed(seed);
    }

    private static char[] pass(String s) {
        return s.toCharArray();
    }

    private Path created(char[] passphrase) throws KeystoreException {
        Path file = dir.resolve("alice.keystore");
        Keystore.create(file, alice, passphrase, FAST);
        return file;
    }

    private static KeystoreException assertFails(Reason reason, KeystoreCall call) {
        KeystoreException e = assertThrows(KeystoreException.class, call::run);
        assertEquals(reason, e.reason(), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    private interface KeystoreCall {
        void run() throws KeystoreException;
    }

    @Test
    void passphraseRoundTrip() throws KeystoreException, IOException {
        Path file = created(pass("correct horse battery staple"));
        assertTrue(Keystore.needsPassphrase(file));
        Identity opened = Keystore.open(file, pass("correct horse battery staple"));
        assertEquals(alice.id(), opened.id());
        assertArrayEquals(alice.seed(), opened.seed());

        byte[] bytes = Files.readAllBytes(file);
        assertEquals(ARGON2_SIZE, bytes.length);
        assertArrayEquals(new byte[] {'G', 'V', 'K', 'S', 1, 1}, Arrays.copyOf(bytes, 6));
        assertFalse(contains(bytes, alice.seed()), "the seed is in the file in the clear");
    }

    @Test
    void defaultParamsRoundTrip() throws KeystoreException {
        // The one test that pays for the real setting (well under a second here), so DEFAULT is known to work.
        Path file = dir.resolve("default.keystore");
        Keystore.create(file, alice, pass("pw"), KdfParams.DEFAULT);
        assertEquals(alice.id(), Keystore.open(file, pass("pw")).id());
    }

    @Test
    void wrongPassphraseSaysSo() throws KeystoreException {
        Path file = created(pass("right"));
        for (String wrong : List.of("wrong", "Right", "right ", "righ")) {
            KeystoreException e = assertFails(Reason.WRONG_PASSPHRASE, () -> Keystore.open(file, pass(wrong)));
            assertTrue(e.getMessage().startsWith("wrong passphrase for keystore " + file), e.getMessage());
        }
    }

    @Test
    void missingPassphraseSaysOneIsNeeded() throws KeystoreException {
        Path file = created(pass("right"));
        KeystoreException e = assertFails(Reason.PASSPHRASE_NEEDED, () -> Keystore.open(file, null));
        assertEquals("keystore " + file + " needs a passphrase and none was given", e.getMessage());
        assertFails(Reason.PASSPHRASE_NEEDED, () -> Keystore.open(file, new char[0]));
    }

    @Test
    void noPassphraseRoundTrip() throws KeystoreException, IOException {
        Path file = created(null);
        assertFalse(Keystore.needsPassphrase(file));
        assertEquals(alice.id(), Keystore.open(file, null).id());
        // A passphrase offered anyway (say, from the environment) is ignored.
        assertEquals(alice.id(), Keystore.open(file, pass("whatever")).id());
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(NO_KDF_SIZE, bytes.length);
        assertEquals(0, bytes[5]);
        assertFalse(contains(bytes, alice.seed()));
    }

    @Test
    void unicodePassphrasesWork() throws KeystoreException {
        Path file = created(pass("pässwörd 🍇 日本"));
        assertEquals(alice.id(), Keystore.open(file, pass("pässwörd 🍇 日本")).id());
        assertFails(Reason.WRONG_PASSPHRASE, () -> Keystore.open(file, pass("passwörd 🍇 日本")));
        // A lone surrogate is no text at all: a clear refusal, not a crash.
        assertFails(Reason.WRONG_PASSPHRASE, () -> Keystore.open(file, new char[] {'a', '\ud83c'}));
    }

    @Test
    void emptyPassphraseIsRefusedAtCreation() {
        Path file = dir.resolve("empty.keystore");
        assertFails(Reason.PASSPHRASE_NEEDED, () -> Keystore.create(file, alice, new char[0], FAST));
        assertFalse(Files.exists(file));
    }

    @Test
    void eachFileHasItsOwnSaltAndNonce() throws KeystoreException, IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Keystore.create(a, alice, pass("pw"), FAST);
        Keystore.create(b, alice, pass("pw"), FAST);
        assertFalse(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b)));
    }

    @Test
    void refusesToOverwrite() throws KeystoreException, IOException {
        Path file = created(pass("first"));
        byte[] before = Files.readAllBytes(file);
        KeystoreException e = assertFails(Reason.EXISTS, () -> Keystore.create(file, identity(2), pass("second"), FAST));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(alice.id(), Keystore.open(file, pass("first")).id());

        Path other = Files.writeString(dir.resolve("notes.txt"), "not a keystore");
        assertFails(Reason.EXISTS, () -> Keystore.create(other, alice, null, FAST));
        assertEquals("not a keystore", Files.readString(other));

        Path dangling = Files.createSymbolicLink(dir.resolve("link"), dir.resolve("nowhere"));
        assertFails(Reason.EXISTS, () -> Keystore.create(dangling, alice, null, FAST));
        assertFalse(Files.exists(dir.resolve("nowhere")));
        assertEquals(Set.of("alice.keystore", "notes.txt", "link"), names(dir));
    }

    @Test
    void fileIsOwnerReadWriteOnlyAndNoTemporaryIsLeft() throws KeystoreException, IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path withPass = created(pass("pw"));
        Path withoutPass = dir.resolve("plain.keystore");
        Keystore.create(withoutPass, alice, null, FAST);
        for (Path file : List.of(withPass, withoutPass)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        assertEquals(Set.of("alice.keystore", "plain.keystore"), names(dir));
    }

    @Test
    void missingFileAndDirectoryAreNamed() {
        Path nowhere = dir.resolve("nope.keystore");
        KeystoreException e = assertFails(Reason.NOT_FOUND, () -> Keystore.open(nowhere, null));
        assertEquals("no keystore at " + nowhere, e.getMessage());
        assertFails(Reason.NOT_FOUND, () -> Keystore.needsPassphrase(nowhere));

        Path inMissingDir = dir.resolve("missing").resolve("alice.keystore");
        e = assertFails(Reason.IO, () -> Keystore.create(inMissingDir, alice, null, FAST));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void aDirectoryIsNotAKeystore() {
        KeystoreException e = assertFails(Reason.IO, () -> Keystore.open(dir, null));
        assertTrue(e.getMessage().startsWith("cannot read keystore " + dir), e.getMessage());
    }

    @Test
    void everyTruncationAndExtensionIsRejected() throws KeystoreException, IOException {
        for (char[] passphrase : Arrays.asList(pass("pw"), null)) {
            Path file = created(passphrase);
            byte[] good = Files.readAllBytes(file);
            Path damaged = dir.resolve("damaged");
            for (int n = 0; n < good.length + 3; n++) {
                if (n == good.length) continue;
                Files.write(damaged, Arrays.copyOf(good, n));
                KeystoreException e = assertFails(Reason.UNREADABLE, () -> Keystore.open(damaged, pass("pw")));
                assertTrue(e.getMessage().contains(damaged.toString()), e.getMessage());
                if (n >= 6) assertTrue(e.getMessage().contains("truncated or damaged"), e.getMessage());
            }
            Files.delete(file);
        }
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        assertEquals("keystore " + empty + " is empty", assertFails(Reason.UNREADABLE, () -> Keystore.open(empty, null)).getMessage());
    }

    @Test
    void everyBitFlipIsRejected() throws KeystoreException, IOException {
        for (char[] passphrase : Arrays.asList(pass("pw"), null)) {
            Path file = created(passphrase);
            byte[] good = Files.readAllBytes(file);
            Path damaged = dir.resolve("damaged");
            for (int i = 0; i < good.length; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] flipped = good.clone();
                    flipped[i] ^= (byte) (1 << bit);
                    Files.write(damaged, flipped);
                    try {
                        Identity opened = Keystore.open(damaged, pass("pw"));
                        fail("flipping bit " + bit + " of byte " + i + " still opens, as " + opened);
                    } catch (KeystoreException e) {
                        Set<Reason> expected = passphrase == null
                                ? EnumSet.of(Reason.UNREADABLE)
                                : EnumSet.of(Reason.UNREADABLE, Reason.WRONG_PASSPHRASE);
                        assertTrue(expected.contains(e.reason()), "byte " + i + ": " + e.getMessage());
                    }
                }
            }
            Files.delete(file);
        }
    }

    @Test
    void foreignFilesVersionsAndKdfsAreNamed() throws IOException, KeystoreException {
        Path junk = Files.writeString(dir.resolve("junk"), "hello, this is not a keystore at all");
        assertEquals(junk + " is not a Grapevine keystore",
                assertFails(Reason.UNREADABLE, () -> Keystore.open(junk, null)).getMessage());

        byte[] good = Files.readAllBytes(created(null));
        Path file = dir.resolve("odd");
        byte[] v2 = good.clone();
        v2[4] = 2;
        Files.write(file, v2);
        KeystoreException e = assertFails(Reason.UNREADABLE, () -> Keystore.open(file, null));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());

        byte[] kdf7 = good.clone();
        kdf7[5] = 7;
        Files.write(file, kdf7);
        e = assertFails(Reason.UNREADABLE, () -> Keystore.needsPassphrase(file));
        assertTrue(e.getMessage().contains("unknown key derivation 7"), e.getMessage());
    }

    @Test
    void aHugeFileIsRejected() throws IOException {
        byte[] big = new byte[8 << 20];
        System.arraycopy(new byte[] {'G', 'V', 'K', 'S', 1, 1}, 0, big, 0, 6);
        Path file = Files.write(dir.resolve("big"), big);
        KeystoreException e = assertFails(Reason.UNREADABLE, () -> Keystore.open(file, pass("pw")));
        assertTrue(e.getMessage().contains("truncated or damaged"), e.getMessage());
    }

    @Test
    void absurdKdfParamsInACraftedFileAreRejectedBeforeDeriving() throws IOException {
        // The same layout with sane parameters is taken as a real keystore (and fails only its tag),
        // so the rejections below come from the limits, not from a malformed layout.
        Path control = Files.write(dir.resolve("control"), crafted(64, 1, 1));
        assertFails(Reason.WRONG_PASSPHRASE, () -> Keystore.open(control, pass("pw")));

        long[][] absurd = {
            {0xffffffffL, 1, 1},                                   // 4 TiB of memory
            {64, 0xffffffffL, 1},                                  // four billion passes
            {KdfParams.MAX_MEMORY_KIB + 1L, 1, 1},
            {64, KdfParams.MAX_ITERATIONS + 1L, 1},
            {KdfParams.MAX_MEMORY_KIB, KdfParams.MAX_ITERATIONS, 1}, // each within bounds, together minutes of work
            {64, 1, 0},
            {64, 1, 255},
            {0, 1, 1},
            {64, 0, 1},
            {8 * 4 - 1, 1, 4},                                     // less memory than Argon2 needs for 4 lanes
        };
        for (long[] p : absurd) {
            Path file = Files.write(dir.resolve("hostile"), crafted(p[0], p[1], (int) p[2]));
            KeystoreException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(KeystoreException.class, () -> Keystore.open(file, pass("pw"))));
            assertEquals(Reason.UNREADABLE, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("Argon2"), e.getMessage());
            assertFails(Reason.UNREADABLE, () -> Keystore.needsPassphrase(file));
        }
    }

    @Test
    void kdfParamsAreCheckedWhenMade() {
        assertThrows(IllegalArgumentException.class, () -> new KdfParams(KdfParams.MAX_MEMORY_KIB + 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new KdfParams(64, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new KdfParams(64, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new KdfParams(7, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new KdfParams(KdfParams.MAX_MEMORY_KIB, KdfParams.MAX_ITERATIONS, 1));
        long defaultWork = (long) KdfParams.DEFAULT.memoryKiB() * KdfParams.DEFAULT.iterations();
        assertTrue(defaultWork * 4 <= KdfParams.MAX_WORK, "the limits leave room above the default");
    }

    @Test
    void toStringNeverShowsTheSecret() throws KeystoreException {
        Identity opened = Keystore.open(created(null), null);
        String hex = java.util.HexFormat.of().formatHex(opened.seed());
        assertFalse(opened.toString().contains(hex));
        assertTrue(opened.toString().contains(opened.id().toString()));
    }

    /** A keystore laid out by hand with the given Argon2 parameters and a random-looking sealed seed. */
    private static byte[] crafted(long memoryKiB, long iterations, int parallelism) {
        return new ByteWriter(ARGON2_SIZE).bytes(new byte[] {'G', 'V', 'K', 'S'}).u8(1).u8(1)
                .u32(memoryKiB).u32(iterations).u8(parallelism)
                .bytes(new byte[16]).bytes(new byte[12]).bytes(new byte[48]).toByteArray();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) return true;
        }
        return false;
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
