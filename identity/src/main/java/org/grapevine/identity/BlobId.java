package org.grapevine.identity;

/** A media blob's id: SHA-256 of its size and the root of its Merkle tree over 256 KiB chunks (see {@link org.grapevine.identity.blob.BlobHasher}). */
public final class BlobId extends Id32<BlobId> {
    public BlobId(byte[] bytes) {
        super(IdText.Kind.BLOB, bytes);
    }

    /** Parses the text form; throws {@link InvalidIdException} with a message for the user. */
    public static BlobId parse(String text) {
        return new BlobId(IdText.parse(IdText.Kind.BLOB, text));
    }
}
