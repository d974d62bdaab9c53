package org.grapevine.identity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.grapevine.identity.KeystoreException.Reason;

/**
 * The file holding a pseudonym's secret: its 32-byte Ed25519 seed sealed with AES-256-GCM, under
 * a key derived from a passphrase by Argon2id, or under a fixed all-zero key when the user opted
 * out of a passphrase (so both kinds of file share one layout and one integrity check).
 *
 * <pre>
 * magic "GVKS" | version u8 (=1) | kdf u8 (0 = none, 1 = Argon2id)
 * | when kdf = 1: memoryKiB u32 | iterations u32 | parallelism u8 | salt [16]
 * | nonce [12] | AES-256-GCM ciphertext of the seed [32] | GCM tag [16]
 * </pre>
 *
 * Integers are big-endian. Every byte before the ciphertext is the GCM associated data, so an
 * altered header fails like a wrong passphrase. Argon2id is version 0x13, 32 bytes of output, no
 * secret or associated data; the passphrase enters as its UTF-8 bytes. A file is exactly 66
 * (kdf 0) or 91 (kdf 1) bytes; anything else, an unknown version or kdf, or KDF parameters beyond
 * {@link KdfParams}' limits is rejected before any key is derived.
 */
public final class Keystore {
    public static final int VERSION = 1;
    private static final byte[] MAGIC = {'G', 'V', 'K', 'S'};
    private static final int KDF_NONE = 0;
    private static final int KDF_ARGON2ID = 1;
    private static final int SEED_BYTES = 32;
    private static final int KEY_BYTES = 32;
    private static final int SALT_BYTES = 16;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BYTES = 16;
    private static final int SEALED_BYTES = SEED_BYTES + TAG_BYTES;
    private static final int NO_KDF_SIZE = MAGIC.length + 1 + 1 + NONCE_BYTES + SEALED_BYTES;
    private static final int ARGON2_SIZE = NO_KDF_SIZE + 4 + 4 + 1 + SALT_BYTES;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Keystore() {}

    /** Argon2id cost settings, with limits that also bound what a hostile file can make us spend. */
    public record KdfParams(int memoryKiB, int iterations, int parallelism) {
        /**
         * RFC 9106's second recommended setting (64 MiB, 3 passes, 4 lanes; Bouncy Castle runs the
         * lanes one after another). Measured here with bcprov 1.86 on 2 cores: 0.25-0.4 s in a warm
         * JVM; as the first work of a fresh JVM, as in a CLI run, 0.6-0.8 s on JDK 17 and 0.9-1.7 s
         * on JDK 25.
         */
        public static final KdfParams DEFAULT = new KdfParams(64 * 1024, 3, 4);
        /** About a millisecond: for unit tests, never for a real keystore. */
        public static final KdfParams FAST_FOR_TESTS = new KdfParams(64, 1, 1);

        public static final int MAX_MEMORY_KIB = 512 * 1024;
        public static final int MAX_ITERATIONS = 64;
        public static final int MAX_PARALLELISM = 16;
        /** memoryKiB x iterations: 16 times the default's work, a few seconds here. */
        public static final long MAX_WORK = 16L * 64 * 1024 * 3;

        public KdfParams {
            String problem = problem(memoryKiB, iterations, parallelism);
            if (problem != null) throw new IllegalArgumentException(problem);
        }

        /** What is wrong with these values (longs, as a file holds u32s), or null when they are within limits. */
        static String problem(long memoryKiB, long iterations, int parallelism) {
            if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
                return "Argon2 parallelism " + parallelism + " is outside 1.." + MAX_PARALLELISM;
            }
            if (memoryKiB < 8L * parallelism || memoryKiB > MAX_MEMORY_KIB) {
                return "Argon2 memory of " + memoryKiB + " KiB is outside " + 8 * parallelism + ".." + MAX_MEMORY_KIB + " KiB";
            }
            if (iterations < 1 || iterations > MAX_ITERATIONS) {
                return "Argon2 iterations " + iterations + " are outside 1.." + MAX_ITERATIONS;
            }
            if (memoryKiB * iterations > MAX_WORK) {
                return "Argon2 work of " + memoryKiB + " KiB x " + iterations + " iterations exceeds the limit of " + MAX_WORK;
            }
            return null;
        }
    }

    /**
     * Writes a new keystore for {@code identity}. The file is created owner-only (rw-------) before
     * the secret is written, filled under a temporary name and then published in one step; an
     * existing file is never replaced.
     *
     * @param passphrase null for the explicit no-passphrase opt-out; otherwise not empty
     * @param params the Argon2id cost; ignored without a passphrase
     */
    public static void create(Path file, Identity identity, char[] passphrase, KdfParams params) throws KeystoreException {
        Objects.requireNonNull(identity, "identity");
        if (passphrase != null) {
            Objects.requireNonNull(params, "params");
            if (passphrase.length == 0) {
                throw new KeystoreException(Reason.PASSPHRASE_NEEDED,
                        "empty passphrase for keystore " + file + ": give a passphrase, or opt out of one explicitly");
            }
        }
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) throw exists(file);

        ByteWriter w = new ByteWriter(ARGON2_SIZE).bytes(MAGIC).u8(VERSION);
        byte[] key = null;
        byte[] seed = identity.seed();
        byte[] out = null;
        try {
            if (passphrase == null) {
                w.u8(KDF_NONE);
                key = new byte[KEY_BYTES];
            } else {
                byte[] salt = random(SALT_BYTES);
                w.u8(KDF_ARGON2ID).u32(params.memoryKiB()).u32(params.iterations()).u8(params.parallelism()).bytes(salt);
                key = derive(file, passphrase, params, salt);
            }
            byte[] nonce = random(NONCE_BYTES);
            byte[] header = w.bytes(nonce).toByteArray();
            out = Arrays.copyOf(header, header.length + SEALED_BYTES);
            gcm(true, key, nonce, header, seed, 0, SEED_BYTES, out, header.length);
            writeNew(file, out);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("AES-GCM failed to encrypt", e);
        } finally {
            wipe(key);
            wipe(seed);
            wipe(out);
        }
    }

    /**
     * Opens a keystore. A passphrase given for a file that has none is ignored.
     *
     * @param passphrase null when the user has none to give
     */
    public static Identity open(Path file, char[] passphrase) throws KeystoreException {
        byte[] bytes = read(file);
        Layout layout = parse(file, bytes);
        if (layout.params != null && (passphrase == null || passphrase.length == 0)) {
            throw new KeystoreException(Reason.PASSPHRASE_NEEDED, "keystore " + file + " needs a passphrase and none was given");
        }
        byte[] key = null;
        byte[] seed = new byte[SEED_BYTES];
        try {
            key = layout.params == null ? new byte[KEY_BYTES] : derive(file, passphrase, layout.params, layout.salt);
            byte[] header = Arrays.copyOf(bytes, layout.headerSize);
            gcm(false, key, layout.nonce, header, bytes, layout.headerSize, SEALED_BYTES, seed, 0);
            return Identity.fromSeed(seed);
        } catch (InvalidCipherTextException tagMismatch) {
            if (layout.params == null) {
                throw new KeystoreException(Reason.UNREADABLE, "keystore " + file + " is damaged (integrity check failed)");
            }
            throw new KeystoreException(Reason.WRONG_PASSPHRASE, "wrong passphrase for keystore " + file + " (or the file is damaged)");
        } finally {
            wipe(key);
            wipe(seed);
        }
    }

    /** True when the keystore is protected by a passphrase; checks the file's layout but derives nothing. */
    public static boolean needsPassphrase(Path file) throws KeystoreException {
        return parse(file, read(file)).params != null;
    }

    /** The decoded header of a keystore file; {@code params} is null without a passphrase. */
    private record Layout(KdfParams params, byte[] salt, byte[] nonce, int headerSize) {}

    private static Layout parse(Path file, byte[] bytes) throws KeystoreException {
        if (bytes.length == 0) throw unreadable(file, "is empty");
        if (bytes.length < MAGIC.length || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new KeystoreException(Reason.UNREADABLE, file + " is not a Grapevine keystore");
        }
        try {
            ByteReader r = new ByteReader(bytes);
            r.bytes(MAGIC.length, "magic");
            int version = r.u8("version");
            if (version != VERSION) {
                throw unreadable(file, "has format version " + version + "; this Grapevine reads version " + VERSION);
            }
            int kdf = r.u8("kdf");
            if (kdf != KDF_NONE && kdf != KDF_ARGON2ID) throw unreadable(file, "uses unknown key derivation " + kdf);
            int expected = kdf == KDF_NONE ? NO_KDF_SIZE : ARGON2_SIZE;
            if (bytes.length != expected) {
                throw unreadable(file, "is truncated or damaged (" + bytes.length + " bytes, expected " + expected + ")");
            }
            KdfParams params = null;
            byte[] salt = null;
            if (kdf == KDF_ARGON2ID) {
                long memoryKiB = r.u32("memory");
                long iterations = r.u32("iterations");
                int parallelism = r.u8("parallelism");
                String problem = KdfParams.problem(memoryKiB, iterations, parallelism);
                if (problem != null) throw unreadable(file, "is damaged or hostile: " + problem);
                params = new KdfParams((int) memoryKiB, (int) iterations, parallelism);
                salt = r.bytes(SALT_BYTES, "salt");
            }
            byte[] nonce = r.bytes(NONCE_BYTES, "nonce");
            int headerSize = r.position();
            r.bytes(SEALED_BYTES, "sealed seed");
            r.end("keystore");
            return new Layout(params, salt, nonce, headerSize);
        } catch (Malformed e) {
            throw unreadable(file, "is damaged (" + e.getMessage() + ")");
        }
    }

    /** Reads at most one byte more than any keystore has, so a huge file costs nothing. */
    private static byte[] read(Path file) throws KeystoreException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(ARGON2_SIZE + 1);
        } catch (NoSuchFileException e) {
            throw new KeystoreException(Reason.NOT_FOUND, "no keystore at " + file, e);
        } catch (AccessDeniedException e) {
            throw new KeystoreException(Reason.IO, "cannot read keystore " + file + ": permission denied", e);
        } catch (IOException e) {
            throw new KeystoreException(Reason.IO, "cannot read keystore " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeNew(Path file, byte[] bytes) throws KeystoreException {
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        Path tmp = null;
        try {
            tmp = posix
                    ? Files.createTempFile(dir, ".keystore-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                    : Files.createTempFile(dir, ".keystore-", ".tmp");
            // The umask may have taken bits away; make it exactly rw------- before the secret goes in.
            if (posix) Files.setPosixFilePermissions(tmp, OWNER_ONLY);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            publish(tmp, file);
            syncDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            throw exists(file);
        } catch (NoSuchFileException e) {
            throw new KeystoreException(Reason.IO, "cannot create keystore " + file + ": directory " + dir + " does not exist", e);
        } catch (AccessDeniedException e) {
            throw new KeystoreException(Reason.IO, "cannot create keystore " + file + ": permission denied", e);
        } catch (IOException e) {
            throw new KeystoreException(Reason.IO, "cannot create keystore " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // Only a temporary name is left behind; the keystore itself is complete or absent.
                }
            }
        }
    }

    /**
     * Gives the finished file its name. A hard link is atomic and never replaces a file that
     * appeared since the check; where links are unsupported, an atomic rename after a second check
     * (rename replaces silently on POSIX, so that leaves only a narrow race).
     */
    private static void publish(Path tmp, Path file) throws IOException {
        try {
            Files.createLink(file, tmp);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) throw new FileAlreadyExistsException(file.toString());
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Makes the new name durable where the platform allows opening a directory; elsewhere a no-op. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException notSupported) {
            // Windows cannot open a directory; the file itself was forced already.
        }
    }

    private static byte[] derive(Path file, char[] passphrase, KdfParams params, byte[] salt) throws KeystoreException {
        byte[] password = utf8(file, passphrase);
        try {
            Argon2Parameters p = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withSalt(salt)
                    .withMemoryAsKB(params.memoryKiB())
                    .withIterations(params.iterations())
                    .withParallelism(params.parallelism())
                    .build();
            Argon2BytesGenerator argon2 = new Argon2BytesGenerator();
            argon2.init(p);
            byte[] key = new byte[KEY_BYTES];
            argon2.generateBytes(password, key);
            return key;
        } finally {
            wipe(password);
        }
    }

    /** UTF-8 into one buffer sized for the worst case, so no unwiped copies are left behind by growth. */
    private static byte[] utf8(Path file, char[] passphrase) throws KeystoreException {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer buf = ByteBuffer.allocate(passphrase.length * 3);
        try {
            CoderResult result = encoder.encode(CharBuffer.wrap(passphrase), buf, true);
            if (!result.isUnderflow() || !encoder.flush(buf).isUnderflow()) {
                throw new KeystoreException(Reason.WRONG_PASSPHRASE, "the passphrase for keystore " + file + " is not valid Unicode text");
            }
            return Arrays.copyOf(buf.array(), buf.position());
        } finally {
            wipe(buf.array());
        }
    }

    private static void gcm(boolean encrypt, byte[] key, byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen,
                            byte[] out, int outOff) throws InvalidCipherTextException {
        KeyParameter keyParam = new KeyParameter(key);
        try {
            GCMModeCipher cipher = GCMBlockCipher.newInstance(AESEngine.newInstance());
            cipher.init(encrypt, new AEADParameters(keyParam, TAG_BYTES * 8, nonce, aad));
            int n = cipher.processBytes(in, inOff, inLen, out, outOff);
            cipher.doFinal(out, outOff + n);
        } finally {
            wipe(keyParam.getKey()); // the parameter's own copy: getKey() hands out the array itself
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static void wipe(byte[] b) {
        if (b != null) Arrays.fill(b, (byte) 0);
    }

    private static KeystoreException exists(Path file) {
        return new KeystoreException(Reason.EXISTS, "keystore " + file + " already exists; not overwriting it");
    }

    private static KeystoreException unreadable(Path file, String what) {
        return new KeystoreException(Reason.UNREADABLE, "keystore " + file + " " + what);
    }
}
