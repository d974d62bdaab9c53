package org.grapevine.cli;

/** A problem the user can fix; printed as one line on stderr with its exit code, no stack trace. */
public final class UserError extends RuntimeException {
    private final int exitCode;

    public UserError(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public UserError(String message) {
        this(ExitCodes.FAILURE, message);
    }

    public UserError(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
