package org.grapevine.cli;

/** Exit codes of the grapevine command, documented in README.md. */
public final class ExitCodes {
    public static final int OK = 0;
    /** Something named on the command line does not exist or cannot be done. */
    public static final int FAILURE = 1;
    /** Bad usage: unknown option, missing or malformed argument. */
    public static final int USAGE = 2;
    /** No identity in this home yet (run init), or one already exists. */
    public static final int IDENTITY = 3;
    /** The store is held by another process. */
    public static final int LOCKED = 4;
    /** Missing or wrong passphrase. */
    public static final int PASSPHRASE = 5;
    /** An unexpected failure: a bug or a broken environment. */
    public static final int INTERNAL = 70;

    private ExitCodes() {}
}
