package org.grapevine.cli.command;

import java.util.List;
import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import org.grapevine.node.Sizes;
import org.grapevine.node.api.ApiRequest;
import org.grapevine.node.api.ApiResponse;
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
            List<ApiResponse.Blob> blobs = s.ask(new ApiRequest.Blobs(), ApiResponse.BlobList.class).blobs();
            var out = spec.commandLine().getOut();
            if (json.on()) {
                var array = Render.JSON.createArrayNode();
                for (ApiResponse.Blob b : blobs) {
                    var o = array.addObject().put("id", b.id()).put("size", b.held().size()).put("complete", b.held().complete())
                            .put("chunks", b.held().chunks()).put("held", b.held().held());
                    if (b.name() != null) o.put("name", b.name()).put("media_type", b.mediaType());
                }
                out.println(Render.print(array));
            } else if (blobs.isEmpty()) {
                out.println("No blobs here yet: 'grapevine blob add FILE' adds one, 'grapevine post TEXT --attach FILE' attaches one.");
            } else {
                for (ApiResponse.Blob b : blobs) {
                    String what = b.name() == null ? "" : (b.name().isEmpty() ? "(no name)" : b.name())
                            + (b.mediaType().isEmpty() ? "" : "  " + b.mediaType());
                    out.println(String.format("%-11s  %10s  %-13s  %s", Render.shortId(b.id()), Sizes.human(b.held().size()),
                            Render.presence(b.held()), what).stripTrailing());
                }
            }
        }
        return ExitCodes.OK;
    }
}
