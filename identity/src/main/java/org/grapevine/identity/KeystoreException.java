package org.grapevine.identity;

/**
 * A keystore that cannot be created or opened. The message is one line for the user, naming the
 * file; {@link #reason()} lets a caller react (ask for the passphrase again, pick an exit code).
 */
public final class KeystoreException extends Exception {
    /** What went wrong, in the terms a caller acts on. */
    public enum Reason {
        /** No file at the path. */
        NOT_FOUND,
        /** {@code create} found a file already there and left it alone. */
        EXISTS,
        /** The file is protected by a passphrase and none (or an empty one) was given. */
        PASSPHRASE_NEEDED,
        /** The passphrase does not open the file (or the file's ciphertext was damaged). */
        WRONG_PASSPHRASE,
        /** Not a keystore, truncated, damaged, of an unknown version, or with KDF parameters beyond the limits. */
        UNREADABLE,
        /** The file system refused: permissions, missing directory, disk full. */
        IO
    }

    private final Reason reason;

    public KeystoreException(Reason reason, String message) {
        this(reason, message, null);
    }

    public KeystoreException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
