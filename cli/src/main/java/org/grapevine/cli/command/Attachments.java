package org.grapevine.cli.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Sizes;
import org.grapevine.cli.UserError;
import org.grapevine.identity.content.Content;
import org.grapevine.node.blob.BlobException;
import org.grapevine.node.blob.BlobStore;

/** What {@code blob add} and {@code post --attach} share: check a file, add it as a blob, describe it. */
final class Attachments {
    static final String UNKNOWN_TYPE = "application/octet-stream";

    /** When the platform cannot tell a file's type: the common kinds, by extension. */
    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("png", "image/png"),
            Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"), Map.entry("svg", "image/svg+xml"),
            Map.entry("heic", "image/heic"), Map.entry("mp3", "audio/mpeg"), Map.entry("ogg", "audio/ogg"),
            Map.entry("opus", "audio/opus"), Map.entry("flac", "audio/flac"), Map.entry("wav", "audio/wav"),
            Map.entry("mp4", "video/mp4"), Map.entry("webm", "video/webm"), Map.entry("mkv", "video/x-matroska"),
            Map.entry("mov", "video/quicktime"), Map.entry("pdf", "application/pdf"), Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"), Map.entry("tar", "application/x-tar"), Map.entry("json", "application/json"),
            Map.entry("txt", "text/plain"), Map.entry("md", "text/markdown"), Map.entry("html", "text/html"),
            Map.entry("csv", "text/csv"));

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
        try {
            String probed = Files.probeContentType(file);
            if (probed != null && !probed.isBlank()) return probed;
        } catch (IOException | SecurityException e) {
            // Fall back on the extension.
        }
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot < 0) return UNKNOWN_TYPE;
        return BY_EXTENSION.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), UNKNOWN_TYPE);
    }
}
