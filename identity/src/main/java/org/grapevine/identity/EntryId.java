package org.grapevine.identity;

/** A log entry: SHA-256 of its header bytes, signature included. */
public final class EntryId extends Id32<EntryId> {
    public EntryId(byte[] bytes) {
        super(IdText.Kind.ENTRY, bytes);
    }

    /** Parses the text form; throws {@link InvalidIdException} with a message for the user. */
    public static EntryId parse(String text) {
        return new EntryId(IdText.parse(IdText.Kind.ENTRY, text));
    }
}
