package org.grapevine.node.blob;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** The media type of a file to attach: as the platform tells it, else by extension. */
public final class MediaTypes {
    public static final String UNKNOWN = "application/octet-stream";

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

    private MediaTypes() {}

    /** The type of {@code file}: probed, else by its name's extension, else {@value #UNKNOWN}. */
    public static String of(Path file) {
        try {
            String probed = Files.probeContentType(file);
            if (probed != null && !probed.isBlank()) return probed;
        } catch (IOException | SecurityException e) {
            // Fall back on the extension.
        }
        return byName(file.getFileName() == null ? "" : file.getFileName().toString());
    }

    /** The type a file name's extension suggests, or {@value #UNKNOWN}. */
    public static String byName(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0) return UNKNOWN;
        return BY_EXTENSION.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), UNKNOWN);
    }
}
