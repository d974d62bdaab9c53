package org.grapevine.identity;

/** Bytes from a peer or a file that do not decode strictly; the message names the first problem. */
public final class Malformed extends Exception {
    public Malformed(String message) {
        super(message);
    }
}
