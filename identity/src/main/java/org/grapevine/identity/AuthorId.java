package org.grapevine.identity;

/** A person: the 32-byte Ed25519 public key of a pseudonym. */
public final class AuthorId extends Id32<AuthorId> {
    public AuthorId(byte[] bytes) {
        super(IdText.Kind.AUTHOR, bytes);
    }

    /** Parses the text form; throws {@link InvalidIdException} with a message for the user. */
    public static AuthorId parse(String text) {
        return new AuthorId(IdText.parse(IdText.Kind.AUTHOR, text));
    }
}
