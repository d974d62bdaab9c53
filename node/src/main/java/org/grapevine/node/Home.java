package org.grapevine.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.InvalidIdException;

/**
 * A node's home directory: the keystore, the public id (so read-only commands need no
 * passphrase), and the data directory holding the store.
 */
public record Home(Path dir) {
    public Path keystore() {
        return dir.resolve("identity.key");
    }

    public Path publicId() {
        return dir.resolve("identity.pub");
    }

    public Path data() {
        return dir.resolve("data");
    }

    public Path storeFile() {
        return data().resolve("store.db");
    }

    /** The daemon's control channel: a Unix socket only the owner can use. */
    public Path controlSocket() {
        return dir.resolve("control.sock");
    }

    /** Blob files, named by id (see {@code BlobStore}). */
    public Path blobDir() {
        return data().resolve("blobs");
    }

    /** The channels this node holds, with their secrets, sealed under the identity's key. */
    public Path channelBook() {
        return data().resolve("channels.book");
    }

    public Path peerFile() {
        return data().resolve("peers.txt");
    }

    public boolean hasIdentity() {
        return Files.exists(keystore());
    }

    /** The home's own author id, empty before {@code init}. */
    public Optional<AuthorId> selfId() throws IOException {
        if (!Files.exists(publicId())) return Optional.empty();
        String text = Files.readString(publicId(), StandardCharsets.UTF_8).strip();
        try {
            return Optional.of(AuthorId.parse(text));
        } catch (InvalidIdException e) {
            throw new IOException(publicId() + " does not hold a valid id: " + e.getMessage());
        }
    }

    /** Creates the directories with owner-only permissions. */
    public void create() throws IOException {
        for (Path p : new Path[] {dir, data()}) {
            if (!Files.isDirectory(p)) {
                Files.createDirectories(p);
                try {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
                } catch (UnsupportedOperationException notPosix) {
                    // Nothing more to do on a file system without POSIX permissions.
                }
            }
        }
    }

    public void writePublicId(AuthorId id) throws IOException {
        Files.writeString(publicId(), id + "\n", StandardCharsets.UTF_8);
    }
}
