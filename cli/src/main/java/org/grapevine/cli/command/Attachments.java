package org.grapevine.cli.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Sizes;
import org.grapevine.cli.UserError;
import org.grapevine.identity.content.Content;
import org.grapevine.node.blob.BlobException;
import org.grapevine.node.blob.BlobStore;
import org.grapevine.node.blob.MediaTypes;

/** What {@code blob add} and {@code post --attach} share: check a file, add it as a blob, describe it. */
final class Attachments {
    static final String UNKNOWN_TYPE = MediaTypes.UNKNOWN;

    private Attachments() {}

    /**
     * Fails with one line unless {@code file} is a readable regular file within the blob size
     * limit, so that several files can all be checked before any is added.
     *
     * @param typed the file as the user typed it, for the message
     */
    static void check(BlobStore blobs, Path file, Path typed) {
        if (!Files.exists(file)) throw new UserError("no such file: " + typed);
        if (Files.isDirectory(file)) throw new UserError(typed + " is a directory, not a file");
        if (!Files.isRegularFile(file)) throw new UserError(typed + " is not a regular file");
        if (!Files.isReadable(file)) throw new UserError("cannot read " + typed + ": permission denied");
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UserError("cannot read " + typed + ": " + e.getMessage());
        }
        if (size > blobs.maxSize()) {
            throw new UserError(typed + " is " + Sizes.human(size) + ", over the maximum blob size of " + Sizes.human(blobs.maxSize()));
        }
    }

    /** Checks and adds {@code file}; the attachment that names it in a post. */
    static Content.Attachment add(BlobStore blobs, Path file, Path typed) {
        check(blobs, file, typed);
        BlobStore.Held held;
        try {
            held = blobs.add(file);
        } catch (BlobException e) {
            throw new UserError(e.getMessage());
        } catch (IOException e) {
            throw new UserError(ExitCodes.FAILURE, "cannot add " + typed + ": " + e.getMessage(), e);
        }
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        try {
            return new Content.Attachment(held.id(), held.size(), mediaType(file), name);
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCodes.USAGE, typed + ": " + e.getMessage());
        }
    }

    /** The file's media type: as the platform tells it, else by extension, else {@value #UNKNOWN_TYPE}. */
    static String mediaType(Path file) {
        return MediaTypes.of(file);
    }
}
