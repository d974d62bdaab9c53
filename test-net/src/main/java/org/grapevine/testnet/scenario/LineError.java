package org.grapevine.testnet.scenario;

/** A problem with one line of a script; the parser adds the source name and line number. */
final class LineError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LineError(String message) {
        super(message, null, false, false);
    }
}
