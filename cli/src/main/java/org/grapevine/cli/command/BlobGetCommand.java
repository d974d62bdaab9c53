package org.grapevine.cli.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import org.grapevine.cli.Sizes;
import org.grapevine.cli.TransferProgress;
import org.grapevine.cli.UserError;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.content.Content;
import org.grapevine.node.Node;
import org.grapevine.node.blob.BlobStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "get", description = {
        "Get a blob: copy it to FILE, or print where it is here. One not here yet is fetched from peers",
        "through the running daemon, with progress on stderr; Ctrl-C stops waiting (the daemon fetches on)."})
public final class BlobGetCommand implements Callable<Integer> {
    static final long POLL_MILLIS = 200;

    @Mixin HomeOption home;
    @Mixin JsonOption json;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "BLOB_ID", description = "A whole blob id, or a unique prefix of one held here or attached to a recent post.")
    String blob;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Copy the blob to FILE (into it, under the attachment's name, if FILE is a directory).")
    Path output;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "Give up waiting after this long (default ${DEFAULT-VALUE}: wait until it is here).")
    long timeoutSeconds;

    @Override
    public Integer call() {
        if (timeoutSeconds < 0) throw new UserError(ExitCodes.USAGE, "--timeout must be 0 (no limit) or more seconds");
        GrapevineCommand root = GrapevineCommand.of(spec);
        try (Session s = home.open()) {
            BlobId id = s.resolveBlob(blob);
            BlobStore blobs = s.blobs();
            Optional<Content.Attachment> attachment = s.store().indexes().attachment(id);
            if (!blobs.isComplete(id)) {
                Node node = s.node().orElseThrow(() -> new UserError(notHere(blobs, id)));
                if (!fetch(node, blobs, id, attachment, root.terminal())) return ExitCodes.FAILURE;
            }
            Path local = blobs.path(id).orElseThrow(() -> new UserError("blob " + id + " went away while it was being copied"));
            Path result = output == null ? local : copy(local, target(root.resolve(output), id, attachment));
            var out = spec.commandLine().getOut();
            if (json.on()) {
                var o = Render.JSON.createObjectNode().put("id", id.toString()).put("size", blobs.held(id).map(BlobStore.Held::size).orElse(0L))
                        .put("path", result.toString());
                attachment.ifPresent(a -> o.put("name", a.name()).put("media_type", a.mediaType()));
                out.println(Render.print(o));
            } else {
                out.println(result);
            }
        }
        return ExitCodes.OK;
    }

    private static String notHere(BlobStore blobs, BlobId id) {
        String part = blobs.held(id).map(h -> " (" + Render.presence(h) + ")").orElse("");
        return "blob " + Render.shortId(id) + " is not here" + part + "; start 'grapevine daemon' to fetch it from peers";
    }

    /**
     * Asks the node to fetch the blob and shows progress until it is here. False when the user
     * went away (the fetch goes on in the daemon); a timeout is an error.
     */
    private boolean fetch(Node node, BlobStore blobs, BlobId id, Optional<Content.Attachment> attachment, boolean terminal) {
        long size = blobs.held(id).map(BlobStore.Held::size).or(() -> attachment.map(Content.Attachment::size)).orElse(-1L);
        if (size > blobs.maxSize()) {
            throw new UserError("blob " + Render.shortId(id) + " is " + Sizes.human(size) + ", over this daemon's maximum blob size of "
                    + Sizes.human(blobs.maxSize()) + " (daemon --blob-max)");
        }
        NodeCalls.await(() -> node.fetchBlob(id, size));
        PrintWriter err = spec.commandLine().getErr();
        TransferProgress progress = new TransferProgress(terminal, Render.shortId(id));
        long start = System.currentTimeMillis();
        long known = size;
        while (true) {
            Optional<Node.BlobProgress> p = NodeCalls.await(() -> node.blobProgress(id));
            long now = System.currentTimeMillis();
            if (p.map(Node.BlobProgress::complete).orElse(false) || blobs.isComplete(id)) {
                long got = p.map(Node.BlobProgress::size).filter(n -> n >= 0).orElse(known);
                err.print(progress.done(now, got));
                err.flush();
                return true;
            }
            TransferProgress.Sample sample = p.map(x -> new TransferProgress.Sample(x.size(),
                            TransferProgress.Sample.heldBytes(x.size(), x.chunks(), x.held()), x.bytesReceived(), x.sources()))
                    .orElse(new TransferProgress.Sample(known, 0, 0, 0));
            if (sample.size() >= 0) known = sample.size();
            String line = progress.update(now, sample);
            if (line != null) err.print(line);
            if (err.checkError()) return false; // Flushes; fails once the user has gone (Ctrl-C on a forwarded command).
            if (timeoutSeconds > 0 && now - start >= timeoutSeconds * 1000) {
                err.print(progress.interrupted());
                throw new UserError("gave up after " + timeoutSeconds + " s with " + Sizes.human(sample.held())
                        + (known >= 0 ? " of " + Sizes.human(known) : "") + " here; the daemon fetches on ('grapevine blob rm "
                        + Render.shortId(id) + "' stops it)");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                err.print(progress.interrupted());
                throw new UserError(ExitCodes.FAILURE, "interrupted", e);
            }
        }
    }

    /** Where the copy goes: FILE, or inside it when it is a directory. */
    private static Path target(Path file, BlobId id, Optional<Content.Attachment> attachment) {
        if (!Files.isDirectory(file)) return file;
        String name = attachment.map(Content.Attachment::name).map(BlobGetCommand::safeName).filter(n -> !n.isEmpty()).orElse(id.hex());
        return file.resolve(name);
    }

    /** The last part of a name a peer chose, so it cannot climb out of the directory. */
    private static String safeName(String name) {
        String last = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        return last.equals(".") || last.equals("..") ? "" : last;
    }

    /** Copies beside the target and moves it into place, so no partial file ever has the final name. */
    private static Path copy(Path from, Path to) {
        Path dir = to.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new UserError("no directory " + dir + " to write " + to.getFileName() + " into");
        Path temp = dir.resolve("." + to.getFileName() + "." + UUID.randomUUID().toString().substring(0, 8) + ".part");
        try {
            try {
                Files.copy(from, temp);
                try {
                    Files.move(temp, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, to, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UserError(ExitCodes.FAILURE, "cannot write " + to + ": " + e.getMessage(), e);
        }
        return to;
    }
}
