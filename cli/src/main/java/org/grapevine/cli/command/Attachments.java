package org.grapevine.cli.command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.grapevine.cli.Session;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.content.Content;
import org.grapevine.node.api.ApiRequest;
import org.grapevine.node.api.ApiResponse;

/** What {@code blob add} and {@code post --attach} share: files added as blobs, described as a post attaches them. */
final class Attachments {
    private Attachments() {}

    /**
     * Adds the files (absolute paths) as blobs, all checked before any is added; the attachments
     * that name them in a post, in the same order.
     */
    static List<Content.Attachment> add(Session s, List<Path> files) {
        List<String> paths = files.stream().map(Path::toString).toList();
        ApiResponse.BlobsAdded added = s.ask(new ApiRequest.AddBlobs(paths), ApiResponse.BlobsAdded.class);
        List<Content.Attachment> out = new ArrayList<>();
        for (ApiResponse.Added a : added.added()) out.add(new Content.Attachment(BlobId.parse(a.id()), a.size(), a.mediaType(), a.name()));
        return out;
    }
}
