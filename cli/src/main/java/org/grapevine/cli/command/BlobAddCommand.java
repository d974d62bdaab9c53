package org.grapevine.cli.command;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import org.grapevine.identity.content.Content;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "add", description = "Copy a file into this node's blobs and print its id (peers who ask for it can then fetch it).")
public final class BlobAddCommand implements Callable<Integer> {
    @Mixin HomeOption home;
    @Mixin JsonOption json;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The file to add.")
    Path file;

    @Override
    public Integer call() {
        try (Session s = home.open()) {
            Content.Attachment added = Attachments.add(s, List.of(GrapevineCommand.of(spec).resolve(file))).get(0);
            var out = spec.commandLine().getOut();
            if (json.on()) {
                out.println(Render.print(Render.JSON.createObjectNode().put("id", added.blob().toString())
                        .put("size", added.size()).put("name", added.name()).put("media_type", added.mediaType())));
            } else {
                out.println(added.blob());
            }
        }
        return ExitCodes.OK;
    }
}
