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
import org.grapevine.cli.TransferProgress;
import org.grapevine.cli.UserError;
import org.grapevine.identity.BlobId;
import org.grapevine.node.api.ApiRequest;
import org.grapevine.node.Sizes;
import org.grapevine.node.api.ApiResponse;
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
            ApiResponse.BlobView view = s.ask(new ApiRequest.BlobStatus(blob), ApiResponse.BlobView.class);
            if (view.path() == null) {
                if (!view.running()) throw new UserError(notHere(view));
                view = fetch(s, view, root.terminal());
            }
            Path local = Path.of(view.path());
            Path result = output == null ? local : copy(local, target(root.resolve(output), view));
            var out = spec.commandLine().getOut();
            if (json.on()) {
                var o = Render.JSON.createObjectNode().put("id", view.id()).put("size", view.held().size())
                        .put("path", result.toString());
                if (view.name() != null) o.put("name", view.name()).put("media_type", view.mediaType());
                out.println(Render.print(o));
            } else {
                out.println(result);
            }
        }
        return ExitCodes.OK;
    }

    private static String notHere(ApiResponse.BlobView view) {
        String part = view.held() == null ? "" : " (" + Render.presence(view.held()) + ")";
        return "blob " + Render.shortId(view.id()) + " is not here" + part + "; start 'grapevine daemon' to fetch it from peers";
    }

    /**
     * Asks the daemon to fetch the blob and shows progress on stderr until it is here; the blob as
     * it is then. A timeout is an error (the daemon fetches on).
     */
    private ApiResponse.BlobView fetch(Session s, ApiResponse.BlobView view, boolean terminal) {
        long known = view.held() != null ? view.held().size() : view.size();
        s.ask(new ApiRequest.FetchBlob(view.id(), known), ApiResponse.Done.class);
        PrintWriter err = spec.commandLine().getErr();
        TransferProgress progress = new TransferProgress(terminal, Render.shortId(view.id()));
        long start = System.currentTimeMillis();
        while (true) {
            view = s.ask(new ApiRequest.BlobStatus(view.id()), ApiResponse.BlobView.class);
            ApiResponse.Fetch p = view.fetch();
            long now = System.currentTimeMillis();
            if (view.path() != null) {
                err.print(progress.done(now, view.held().size()));
                err.flush();
                return view;
            }
            TransferProgress.Sample sample = p == null ? new TransferProgress.Sample(known, 0, 0, 0)
                    : new TransferProgress.Sample(p.size(), TransferProgress.Sample.heldBytes(p.size(), p.chunks(), p.held()),
                            p.bytesReceived(), p.sources());
            if (sample.size() >= 0) known = sample.size();
            String line = progress.update(now, sample);
            if (line != null) {
                err.print(line);
                err.flush();
            }
            if (timeoutSeconds > 0 && now - start >= timeoutSeconds * 1000) {
                err.print(progress.interrupted());
                throw new UserError("gave up after " + timeoutSeconds + " s with " + Sizes.human(sample.held())
                        + (known >= 0 ? " of " + Sizes.human(known) : "") + " here; the daemon fetches on ('grapevine blob rm "
                        + Render.shortId(view.id()) + "' stops it)");
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

    /** Where the copy goes: FILE, or inside it when it is a directory (under the attachment's name, else the blob's hex id). */
    private static Path target(Path file, ApiResponse.BlobView view) {
        if (!Files.isDirectory(file)) return file;
        String name = Optional.ofNullable(view.name()).map(BlobGetCommand::safeName).filter(n -> !n.isEmpty())
                .orElse(BlobId.parse(view.id()).hex());
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
