package org.grapevine.cli.command;

import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import org.grapevine.node.api.ApiRequest;
import org.grapevine.node.api.ApiResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "rm", description = "Remove a blob from this node (stopping its fetch); posts that attach it stay.")
public final class BlobRmCommand implements Callable<Integer> {
    @Mixin HomeOption home;
    @Mixin JsonOption json;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "BLOB_ID", description = "A whole blob id or a unique prefix of one held here.")
    String blob;

    @Override
    public Integer call() {
        try (Session s = home.open()) {
            String id = s.ask(new ApiRequest.RemoveBlob(blob), ApiResponse.Resolved.class).id();
            var out = spec.commandLine().getOut();
            if (json.on()) {
                out.println(Render.print(Render.JSON.createObjectNode().put("removed", id)));
            } else {
                out.println("removed " + id);
            }
        }
        return ExitCodes.OK;
    }
}
