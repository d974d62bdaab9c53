package org.grapevine.node.blob;

/** A blob that cannot be added or fetched, with a message for the user. */
public final class BlobException extends RuntimeException {
    public BlobException(String message) {
        super(message);
    }
}
