package org.grapevine.identity;

/** Text that should name an id but does not; the message says why, for the user. */
public final class InvalidIdException extends IllegalArgumentException {
    public InvalidIdException(String message) {
        super(message);
    }
}
