package org.grapevine.cli.command;

import java.util.Optional;
import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import org.grapevine.cli.Sizes;
import org.grapevine.identity.content.Content;
import org.grapevine.node.blob.BlobStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "ls", description = "List the blobs held here or being fetched: size, how much is here, and name when a post names it.")
public final class BlobLsCommand implements Callable<Integer> {
    @Mixin HomeOption home;
    @Mixin JsonOption json;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        try (Session s = home.open()) {
            var blobs = s.blobs().list();
            var out = spec.commandLine().getOut();
            if (json.on()) {
                var array = Render.JSON.createArrayNode();
                for (BlobStore.Held h : blobs) {
                    var o = array.addObject().put("id", h.id().toString()).put("size", h.size()).put("complete", h.complete())
                            .put("chunks", h.chunks()).put("held", h.chunksHeld());
                    named(s, h).ifPresent(a -> o.put("name", a.name()).put("media_type", a.mediaType()));
                }
                out.println(Render.print(array));
            } else if (blobs.isEmpty()) {
                out.println("No blobs here yet: 'grapevine blob add FILE' adds one, 'grapevine post TEXT --attach FILE' attaches one.");
            } else {
                for (BlobStore.Held h : blobs) {
                    String what = named(s, h).map(a -> (a.name().isEmpty() ? "(no name)" : a.name())
                            + (a.mediaType().isEmpty() ? "" : "  " + a.mediaType())).orElse("");
                    out.println(String.format("%-11s  %10s  %-13s  %s", Render.shortId(h.id()), Sizes.human(h.size()),
                            Render.presence(h), what).stripTrailing());
                }
            }
        }
        return ExitCodes.OK;
    }

    /** The attachment record of a post that attaches the blob, for its name and media type. */
    private static Optional<Content.Attachment> named(Session s, BlobStore.Held h) {
        return s.store().indexes().attachment(h.id());
    }
}
