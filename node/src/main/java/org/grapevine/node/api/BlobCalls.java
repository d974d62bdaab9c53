package org.grapevine.node.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.IdText;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.ContentKinds;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.Node;
import org.grapevine.node.Sizes;
import org.grapevine.node.blob.BlobException;
import org.grapevine.node.blob.BlobStore;
import org.grapevine.node.blob.MediaTypes;
import org.grapevine.node.store.Store;

/**
 * The local API's blob calls: add files, list, look one up, fetch, remove. With a daemon, fetching
 * and removing go through its node (which stops a fetch before the files go); without one, the
 * blob files are the store's alone and nothing can be fetched.
 */
final class BlobCalls {
    /** How many of the user's newest posts a blob id prefix is looked up in when no blob held here matches. */
    static final int RECENT_POSTS = 1_000;

    private final Store store;
    private final Supplier<BlobStore> files;
    private final AuthorId self;
    /** Null when no daemon runs. */
    private final Node node;

    BlobCalls(Store store, Supplier<BlobStore> files, AuthorId self, Node node) {
        this.store = store;
        this.files = files;
        this.self = self;
        this.node = node;
    }

    ApiResponse add(ApiRequest.AddBlobs a) {
        List<String> paths = a.paths() == null ? List.of() : a.paths();
        if (paths.size() > Content.MAX_ATTACHMENTS) {
            return new ApiResponse.Failed("at most " + Content.MAX_ATTACHMENTS + " files at once, not " + paths.size(), LocalApi.USAGE);
        }
        BlobStore blobs = files.get();
        List<Path> checked = new ArrayList<>();
        for (String p : paths) checked.add(check(blobs, p));
        List<ApiResponse.Added> added = new ArrayList<>();
        for (Path file : checked) {
            BlobStore.Held held;
            try {
                held = blobs.add(file);
            } catch (BlobException e) {
                throw new IllegalStateException(e.getMessage());
            } catch (IOException e) {
                throw new IllegalStateException("cannot add " + file + ": " + e.getMessage());
            }
            String name = file.getFileName() == null ? "" : file.getFileName().toString();
            Content.Attachment attachment = new Content.Attachment(held.id(), held.size(), MediaTypes.of(file), name);
            added.add(new ApiResponse.Added(held.id().toString(), held.size(), attachment.mediaType(), attachment.name()));
        }
        return new ApiResponse.BlobsAdded(added);
    }

    /** The file at {@code text}, checked as {@link #add} checks each file. */
    Path checked(String text) {
        return check(files.get(), text);
    }

    /** The file at {@code text} if it is a readable regular file within the blob size limit; else one line saying what is wrong. */
    private static Path check(BlobStore blobs, String text) {
        Path file;
        try {
            file = Path.of(text == null ? "" : text);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a path: " + text);
        }
        if (!file.isAbsolute()) throw new IllegalArgumentException("the path " + text + " is not absolute");
        if (!Files.exists(file)) throw new IllegalStateException("no such file: " + text);
        if (Files.isDirectory(file)) throw new IllegalStateException(text + " is a directory, not a file");
        if (!Files.isRegularFile(file)) throw new IllegalStateException(text + " is not a regular file");
        if (!Files.isReadable(file)) throw new IllegalStateException("cannot read " + text + ": permission denied");
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + text + ": " + e.getMessage());
        }
        if (size > blobs.maxSize()) {
            throw new IllegalStateException(text + " is " + Sizes.human(size) + ", over the maximum blob size of " + Sizes.human(blobs.maxSize()));
        }
        // The attachment's own limits (its name's length), before any file is added.
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        try {
            new Content.Attachment(new BlobId(new byte[32]), size, MediaTypes.of(file), name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(text + ": " + e.getMessage());
        }
        return file;
    }

    ApiResponse list() {
        List<ApiResponse.Blob> out = new ArrayList<>();
        for (BlobStore.Held h : files.get().list()) {
            Optional<Content.Attachment> a = store.indexes().attachment(h.id());
            out.add(new ApiResponse.Blob(h.id().toString(), EntryViews.held(h), a.map(Content.Attachment::name).orElse(null),
                    a.map(Content.Attachment::mediaType).orElse(null)));
        }
        return new ApiResponse.BlobList(out);
    }

    ApiResponse status(ApiRequest.BlobStatus s) {
        BlobId id = resolve(s.blob());
        BlobStore blobs = files.get();
        Optional<BlobStore.Held> held = blobs.held(id);
        Optional<Content.Attachment> a = store.indexes().attachment(id);
        ApiResponse.Fetch fetch = null;
        if (node != null) {
            fetch = LocalApi.await(node.blobProgress(id))
                    .map(p -> new ApiResponse.Fetch(p.size(), p.chunks(), p.held(), p.bytesReceived(), p.sources(), p.complete()))
                    .orElse(null);
        }
        String path = held.filter(BlobStore.Held::complete).flatMap(h -> blobs.path(id)).map(Path::toString).orElse(null);
        return new ApiResponse.BlobView(id.toString(), held.map(EntryViews::held).orElse(null), path,
                a.map(Content.Attachment::size).orElse(-1L), a.map(Content.Attachment::name).orElse(null),
                a.map(Content.Attachment::mediaType).orElse(null), node != null, fetch, blobs.maxSize());
    }

    ApiResponse fetch(ApiRequest.FetchBlob f) {
        BlobId id = BlobId.parse(f.blob());
        if (node == null) throw new IllegalStateException("blob " + id + " is not here; start 'grapevine daemon' to fetch it from peers");
        if (f.size() > files.get().maxSize()) {
            throw new IllegalStateException("blob " + id + " is " + Sizes.human(f.size()) + ", over this daemon's maximum blob size of "
                    + Sizes.human(files.get().maxSize()) + " (daemon --blob-max)");
        }
        LocalApi.await(node.fetchBlob(id, f.size() < 0 ? -1 : f.size()));
        return new ApiResponse.Done();
    }

    ApiResponse remove(ApiRequest.RemoveBlob r) {
        BlobId id = resolve(r.blob());
        boolean removed;
        if (node != null) {
            removed = LocalApi.await(node.removeBlob(id));
        } else {
            try {
                removed = files.get().remove(id);
            } catch (IOException e) {
                throw new IllegalStateException("cannot remove " + id + ": " + e.getMessage());
            }
        }
        if (!removed) throw new IllegalStateException("no blob " + id + " here" + (node != null ? " (any fetch of it is stopped)" : ""));
        return new ApiResponse.Resolved(id.toString());
    }

    /**
     * The blob {@code text} names: a whole id, or a unique prefix (at least 6 characters after '^')
     * of a blob held here or attached to one of the user's newest posts.
     */
    BlobId resolve(String text) {
        String s = text == null ? "" : text.strip();
        if (s.length() == 1 + IdText.BODY_CHARS) return BlobId.parse(s);
        if (!s.startsWith("^")) throw new IllegalArgumentException("a blob id starts with '^': " + s);
        if (s.length() < 7) throw new IllegalArgumentException("blob id prefix '" + s + "' is too short: give at least 6 characters after '^'");
        IdText.Prefix prefix = IdText.parsePrefix(IdText.Kind.BLOB, s);
        Set<BlobId> found = new LinkedHashSet<>();
        for (BlobStore.Held h : files.get().list()) {
            if (prefix.matches(h.id().bytes())) found.add(h.id());
        }
        if (found.isEmpty()) {
            List<Entry> posts = store.indexes().timelineOf(self, RECENT_POSTS,
                    e -> e.header().contentType() == Content.POST && e.hasContent());
            for (Entry e : posts) {
                for (Content.Attachment a : ContentKinds.attachments(e.header().contentType(), e.content())) {
                    if (prefix.matches(a.blob().bytes())) found.add(a.blob());
                }
            }
        }
        if (found.isEmpty()) throw new IllegalStateException("no blob here or attached to a recent post has an id starting with " + s);
        if (found.size() > 1) throw new IllegalStateException("several blobs have ids starting with " + s + ": type more of it");
        return found.iterator().next();
    }
}
